#include "host/host_schema.h"

namespace openopd::host {

void addHostMigrations(Migrations& migrations)
{
    migrations.addPortable(
        1, QStringLiteral("host outbox"),
        {QStringLiteral("CREATE TABLE outbox ("
                        " seq {{PK}},"
                        " event_id TEXT NOT NULL UNIQUE,"
                        " subject TEXT NOT NULL,"
                        " payload {{BLOB}} NOT NULL,"
                        " created_at TEXT NOT NULL,"
                        " sent_at TEXT,"
                        " stream_seq {{BIGINT}})"),
         QStringLiteral("CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL")});
    migrations.addPortable(2, QStringLiteral("host inbox"),
                           {QStringLiteral("CREATE TABLE inbox ("
                                           " consumer TEXT NOT NULL,"
                                           " event_id TEXT NOT NULL,"
                                           " subject TEXT NOT NULL,"
                                           " stream_seq {{BIGINT}} NOT NULL,"
                                           " processed_at TEXT NOT NULL,"
                                           " PRIMARY KEY (consumer, event_id))")});
}

} // namespace openopd::host
