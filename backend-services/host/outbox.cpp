#include "host/outbox.h"

#include "host/sql_dialect.h"

#include <QDateTime>

namespace openopd::host {

bool enqueueEvent(Database& db, const OutboxEvent& event, QString* error)
{
    const bool written =
        db.run(QStringLiteral("INSERT INTO outbox (event_id, subject, payload, created_at) "
                              "VALUES (?, ?, ?, ?)"),
               {event.eventId, QString::fromUtf8(event.subject), event.payload,
                SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())},
               error)
            .has_value();
    if (written)
        db.countOutboxWrite();
    return written;
}

bool loadUnsent(Database& db, qint64 afterSeq, int limit, QList<OutboxRow>* rows, QString* error)
{
    auto query = db.run(QStringLiteral("SELECT seq, event_id, subject, payload FROM outbox "
                                       "WHERE sent_at IS NULL AND seq > ? ORDER BY seq LIMIT ?"),
                        {afterSeq, limit}, error);
    if (!query)
        return false;
    while (query->next()) {
        OutboxRow row;
        row.seq = query->value(0).toLongLong();
        row.event.eventId = query->value(1).toString();
        row.event.subject = query->value(2).toString().toUtf8();
        row.event.payload = query->value(3).toByteArray();
        rows->append(std::move(row));
    }
    return true;
}

bool countUnsent(Database& db, qint64* count, QString* error)
{
    auto query =
        db.run(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL"), {}, error);
    if (!query || !query->next())
        return false;
    *count = query->value(0).toLongLong();
    return true;
}

} // namespace openopd::host
