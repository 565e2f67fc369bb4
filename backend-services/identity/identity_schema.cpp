#include "identity/identity_schema.h"

#include "host/host_schema.h"

namespace openopd::identity {

void addMigrations(host::Migrations& migrations)
{
    migrations.addPortable(
        host::kFirstServiceMigration, QStringLiteral("staff accounts and sessions"),
        {QStringLiteral("CREATE TABLE staff_accounts ("
                        " id TEXT PRIMARY KEY,"
                        " display_name TEXT NOT NULL,"
                        " roles TEXT NOT NULL,"
                        " password_hash TEXT NOT NULL,"
                        " active INTEGER NOT NULL,"
                        " created_at TEXT NOT NULL,"
                        " updated_at TEXT NOT NULL,"
                        " password_changed_at TEXT NOT NULL)"),
         QStringLiteral("CREATE TABLE staff_sessions ("
                        " id TEXT PRIMARY KEY,"
                        " staff_id TEXT NOT NULL REFERENCES staff_accounts (id),"
                        " nats_user TEXT NOT NULL,"
                        " token_hash TEXT NOT NULL,"
                        " display_name TEXT NOT NULL,"
                        " roles TEXT NOT NULL,"
                        " created_at TEXT NOT NULL,"
                        " expires_at TEXT NOT NULL,"
                        " ended_at TEXT,"
                        " end_reason TEXT)"),
         QStringLiteral("CREATE INDEX staff_sessions_live ON staff_sessions (expires_at) "
                        "WHERE ended_at IS NULL"),
         QStringLiteral("CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id) "
                        "WHERE ended_at IS NULL"),
         QStringLiteral("CREATE TABLE signin_failures ("
                        " user_name TEXT PRIMARY KEY,"
                        " failures INTEGER NOT NULL,"
                        " locked_until TEXT,"
                        " last_failure_at TEXT NOT NULL)"),
         QStringLiteral("CREATE TABLE identity_state ("
                        " id INTEGER PRIMARY KEY,"
                        " version BIGINT NOT NULL)"),
         QStringLiteral("INSERT INTO identity_state (id, version) VALUES (1, 0)")});
}

} // namespace openopd::identity
