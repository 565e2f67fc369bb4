#include "consultation/consultation_schema.h"

#include "host/host_schema.h"

namespace openopd::consultation {

// Times are UTC RFC 3339 text with milliseconds; staff are StaffRef JSON objects as text.
//
// queue_visits       one row per visit this service has heard of (from visit.registered),
//                    with its state here: registered -> called -> in_consultation ->
//                    consulted, or cancelled / left_unseen / discharged / admitted /
//                    referred when another service closed it. Who and when for each step.
// closed_visits      visits closed by another service (cancelled, left unseen, discharged),
//                    kept even when visit.registered has not arrived yet, so that a late
//                    visit.registered does not put a cancelled visit back in the queue.
// consultations      one per visit (visit_id unique); body is the Consultation JSON.
// lab_results        from lab.resulted, one per lab order (the latest result wins); body
//                    is the LabResult JSON; joined to consultations for the history.
void addMigrations(host::Migrations& migrations)
{
    migrations.addPortable(
        host::kFirstServiceMigration, QStringLiteral("doctor queue, consultations, lab results"),
        {QStringLiteral("CREATE TABLE queue_visits ("
                        " visit_id TEXT PRIMARY KEY,"
                        " patient_id TEXT NOT NULL,"
                        " patient_name TEXT NOT NULL,"
                        " queue_name TEXT NOT NULL,"
                        " visit_day TEXT NOT NULL,"
                        " token INTEGER NOT NULL,"
                        " priority TEXT NOT NULL,"
                        " priority_rank INTEGER NOT NULL,"
                        " state TEXT NOT NULL,"
                        " complaint TEXT,"
                        " registered_at TEXT NOT NULL,"
                        " registered_by TEXT NOT NULL,"
                        " registered_event TEXT NOT NULL,"
                        " called_at TEXT,"
                        " called_by_id TEXT,"
                        " called_by TEXT,"
                        " room TEXT,"
                        " started_at TEXT,"
                        " started_by TEXT,"
                        " consultation_id TEXT,"
                        " closed_at TEXT,"
                        " closed_by TEXT,"
                        " closed_reason TEXT,"
                        " updated_at TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX queue_visits_waiting ON queue_visits"
                        " (state, visit_day, priority_rank, token)"),
         QStringLiteral("CREATE INDEX queue_visits_patient ON queue_visits (patient_id)"),
         QStringLiteral("CREATE TABLE closed_visits ("
                        " visit_id TEXT PRIMARY KEY,"
                        " state TEXT NOT NULL,"
                        " closed_at TEXT NOT NULL,"
                        " closed_by TEXT NOT NULL,"
                        " reason TEXT,"
                        " event_id TEXT NOT NULL,"
                        " received_at TEXT NOT NULL)"),
         QStringLiteral("CREATE TABLE consultations ("
                        " id TEXT PRIMARY KEY,"
                        " visit_id TEXT NOT NULL UNIQUE,"
                        " patient_id TEXT NOT NULL,"
                        " doctor_id TEXT NOT NULL,"
                        " disposition TEXT NOT NULL,"
                        " saved_at TEXT NOT NULL,"
                        " body TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX consultations_patient ON consultations"
                        " (patient_id, saved_at)"),
         QStringLiteral("CREATE TABLE lab_results ("
                        " order_id TEXT PRIMARY KEY,"
                        " consultation_id TEXT NOT NULL,"
                        " visit_id TEXT NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " line INTEGER NOT NULL,"
                        " resulted_at TEXT NOT NULL,"
                        " body TEXT NOT NULL,"
                        " event_id TEXT NOT NULL,"
                        " received_at TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX lab_results_consultation ON lab_results"
                        " (consultation_id, line)")});
}

} // namespace openopd::consultation
