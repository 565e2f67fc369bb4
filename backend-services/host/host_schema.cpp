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
    // Commands' request ids with their first answer (request_log.h); code and reply stay
    // NULL until the answer is stored, in the same transaction as the claim.
    migrations.addPortable(
        3, QStringLiteral("host request log"),
        {QStringLiteral("CREATE TABLE request_log ("
                        " subject TEXT NOT NULL,"
                        " request_id TEXT NOT NULL,"
                        " staff_id TEXT NOT NULL,"
                        " code INTEGER,"
                        " reply {{BLOB}},"
                        " created_at TEXT NOT NULL,"
                        " PRIMARY KEY (subject, request_id))"),
         QStringLiteral("CREATE INDEX request_log_created ON request_log (created_at)")});
    // The check after a lost stream tail reads sent rows newest stream sequence first; the
    // purge deletes sent rows oldest first.
    migrations.addPortable(
        4, QStringLiteral("host outbox sent indexes"),
        {QStringLiteral("CREATE INDEX outbox_stream_seq ON outbox (stream_seq, seq) "
                        "WHERE stream_seq IS NOT NULL"),
         QStringLiteral("CREATE INDEX outbox_sent_at ON outbox (sent_at) "
                        "WHERE sent_at IS NOT NULL")});
}

} // namespace openopd::host
