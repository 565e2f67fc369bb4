#include "host/inbox.h"

#include "host/sql_dialect.h"

#include <QDateTime>

namespace openopd::host {

std::optional<bool> inboxContains(Database& db, const QString& consumer, const QString& eventId,
                                  QString* error)
{
    auto query = db.run(QStringLiteral("SELECT 1 FROM inbox WHERE consumer = ? AND event_id = ?"),
                        {consumer, eventId}, error);
    if (!query)
        return std::nullopt;
    return query->next();
}

bool recordInInbox(Database& db, const QString& consumer, const QString& eventId,
                   const bus::JsMessage& message, QString* error)
{
    return db
        .run(QStringLiteral("INSERT INTO inbox (consumer, event_id, subject, stream_seq, "
                            "processed_at) VALUES (?, ?, ?, ?, ?)"),
             {consumer, eventId, QString::fromUtf8(message.message.subject),
              static_cast<qint64>(message.metadata.streamSequence),
              SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())},
             error)
        .has_value();
}

} // namespace openopd::host
