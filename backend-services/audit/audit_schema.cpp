#include "audit/audit_schema.h"

#include "host/host_schema.h"

namespace openopd::audit {

void addMigrations(host::Migrations& migrations)
{
    migrations.addPortable(
        host::kFirstServiceMigration, QStringLiteral("audit log"),
        {QStringLiteral("CREATE TABLE audit_log ("
                        " seq {{BIGINT}} PRIMARY KEY,"
                        " event_id TEXT NOT NULL UNIQUE,"
                        " subject TEXT NOT NULL,"
                        " actor_id TEXT NOT NULL,"
                        " actor_name TEXT NOT NULL,"
                        " actor_role TEXT NOT NULL,"
                        " at TEXT NOT NULL,"
                        " patient_id TEXT,"
                        " payload_hash TEXT NOT NULL,"
                        " prev_hash TEXT NOT NULL,"
                        " hash TEXT NOT NULL,"
                        " body {{BLOB}} NOT NULL)"),
         QStringLiteral("CREATE INDEX audit_log_patient ON audit_log (patient_id, seq)"),
         QStringLiteral("CREATE INDEX audit_log_actor ON audit_log (actor_id, seq)"),
         QStringLiteral("CREATE INDEX audit_log_at ON audit_log (at, seq)")});
    migrations.add(
        host::kFirstServiceMigration + 1, QStringLiteral("audit log is append-only"),
        {QStringLiteral("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); "
                        "END"),
         QStringLiteral("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); "
                        "END")},
        {QStringLiteral("CREATE FUNCTION audit_log_refuse_change() RETURNS trigger "
                        "LANGUAGE plpgsql AS $$ BEGIN "
                        "RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP; "
                        "END $$"),
         QStringLiteral("CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON "
                        "audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()"),
         QStringLiteral("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()")});
}

} // namespace openopd::audit
