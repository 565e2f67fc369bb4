#include "discharge/discharge_schema.h"

#include "host/host_schema.h"

namespace openopd::discharge {

void addMigrations(host::Migrations& migrations)
{
    migrations.addPortable(
        host::kFirstServiceMigration, QStringLiteral("release visits and discharges"),
        {QStringLiteral("CREATE TABLE release_visits ("
                        " visit_id TEXT PRIMARY KEY,"
                        " patient_id TEXT NOT NULL,"
                        " patient_name TEXT,"
                        " queue TEXT,"
                        " day TEXT,"
                        " token INTEGER,"
                        " consultation_id TEXT,"
                        " disposition TEXT,"
                        " consulted_at TEXT,"
                        " prescription_lines INTEGER NOT NULL DEFAULT 0,"
                        " lab_order_lines INTEGER NOT NULL DEFAULT 0,"
                        " dispensed_at TEXT,"
                        " closed_state TEXT,"
                        " closed_at TEXT,"
                        " state TEXT NOT NULL,"
                        " ready_since TEXT,"
                        " updated_at TEXT NOT NULL)"),
         QStringLiteral("CREATE INDEX release_visits_pending ON release_visits (ready_since, "
                        "visit_id) WHERE ready_since IS NOT NULL AND closed_state IS NULL"),
         QStringLiteral("CREATE INDEX release_visits_consultation ON release_visits "
                        "(consultation_id)"),
         QStringLiteral("CREATE TABLE release_lab_results ("
                        " consultation_id TEXT NOT NULL,"
                        " line INTEGER NOT NULL,"
                        " visit_id TEXT NOT NULL,"
                        " resulted_at TEXT NOT NULL,"
                        " PRIMARY KEY (consultation_id, line))"),
         QStringLiteral("CREATE TABLE discharges ("
                        " id TEXT PRIMARY KEY,"
                        " visit_id TEXT NOT NULL UNIQUE,"
                        " patient_id TEXT NOT NULL,"
                        " outcome TEXT NOT NULL,"
                        " destination TEXT,"
                        " post_medication TEXT NOT NULL,"
                        " notes TEXT,"
                        " next_visit TEXT,"
                        " recorded_at TEXT NOT NULL,"
                        " recorded_by_id TEXT NOT NULL,"
                        " recorded_by_name TEXT NOT NULL,"
                        " recorded_by_role TEXT NOT NULL,"
                        " event_id TEXT NOT NULL)")});
}

void addLaterMigrations(host::Migrations& migrations)
{
    // Several instances on one database merge events into the same row: each write is
    // conditional on the revision it read (store::saveVisit), a lost race retries the event.
    migrations.addPortable(host::kFirstServiceMigration + 2,
                           QStringLiteral("release visit revisions"),
                           {QStringLiteral("ALTER TABLE release_visits ADD COLUMN revision "
                                           "INTEGER NOT NULL DEFAULT 1")});
}

} // namespace openopd::discharge
