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
// Migration 2 (issue 11, the visit follows its lab orders):
// queue_visits       + review_of / review_doctor_id: the visit came back to the queue with
//                    the results of that consultation, for that doctor; + dispensed_at (from
//                    visit.dispensed); + results_in_for: the consultation whose complete
//                    results were announced (visit.results_in once per consultation).
// consultations      rebuilt with `round` (1, then 2, ... for follow-up consultations of a
//                    visit that came back with results) and UNIQUE (visit_id, round).
// results_to_review  one row per lab order of a consultation saved here: the ordering
//                    doctor's list until reviewed_at is set; body is the LabResult JSON.
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
    migrations.addPortable(
        host::kFirstServiceMigration + 1,
        QStringLiteral("results to review, follow-up consultations"),
        {QStringLiteral("ALTER TABLE queue_visits ADD COLUMN review_of TEXT"),
         QStringLiteral("ALTER TABLE queue_visits ADD COLUMN review_doctor_id TEXT"),
         QStringLiteral("ALTER TABLE queue_visits ADD COLUMN dispensed_at TEXT"),
         QStringLiteral("ALTER TABLE queue_visits ADD COLUMN results_in_for TEXT"),
         QStringLiteral("CREATE TABLE consultations_v2 ("
                        " id TEXT PRIMARY KEY,"
                        " visit_id TEXT NOT NULL,"
                        " round INTEGER NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " doctor_id TEXT NOT NULL,"
                        " disposition TEXT NOT NULL,"
                        " saved_at TEXT NOT NULL,"
                        " body TEXT NOT NULL,"
                        " UNIQUE (visit_id, round))"),
         QStringLiteral("INSERT INTO consultations_v2 (id, visit_id, round, patient_id, doctor_id,"
                        " disposition, saved_at, body) SELECT id, visit_id, 1, patient_id,"
                        " doctor_id, disposition, saved_at, body FROM consultations"),
         QStringLiteral("DROP TABLE consultations"),
         QStringLiteral("ALTER TABLE consultations_v2 RENAME TO consultations"),
         QStringLiteral("CREATE INDEX consultations_patient ON consultations"
                        " (patient_id, saved_at)"),
         QStringLiteral("CREATE TABLE results_to_review ("
                        " order_id TEXT PRIMARY KEY,"
                        " consultation_id TEXT NOT NULL,"
                        " visit_id TEXT NOT NULL,"
                        " patient_id TEXT NOT NULL,"
                        " patient_name TEXT NOT NULL,"
                        " doctor_id TEXT NOT NULL,"
                        " ordered_by TEXT NOT NULL,"
                        " resulted_at TEXT NOT NULL,"
                        " body TEXT NOT NULL,"
                        " reviewed_at TEXT,"
                        " reviewed_by TEXT)"),
         QStringLiteral("CREATE INDEX results_to_review_doctor ON results_to_review"
                        " (doctor_id, reviewed_at, resulted_at)"),
         QStringLiteral("CREATE INDEX results_to_review_visit ON results_to_review (visit_id)")});
}

} // namespace openopd::consultation
