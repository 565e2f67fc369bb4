#include "host/inbox.h"

#include "host/sql_dialect.h"

#include <QDateTime>

namespace openopd::host {

std::optional<bool> claimInInbox(Database& db, const QString& consumer, const QString& eventId,
                                 const bus::JsMessage& message, QString* error)
{
    auto inserted =
        db.run(QStringLiteral("INSERT INTO inbox (consumer, event_id, subject, stream_seq, "
                              "processed_at) VALUES (?, ?, ?, ?, ?)"
                              " ON CONFLICT (consumer, event_id) DO NOTHING RETURNING 1"),
               {consumer, eventId, QString::fromUtf8(message.message.subject),
                static_cast<qint64>(message.metadata.streamSequence),
                SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())},
               error);
    if (!inserted)
        return std::nullopt;
    return inserted->next();
}

} // namespace openopd::host
