#include "audit_events.h"

namespace openopd::testing::audit {

using namespace openopd::protocol;

QDateTime eventTime(int minutes)
{
    return QDateTime(QDate(2024, 5, 6), QTime(8, 0), Qt::UTC).addSecs(minutes * 60);
}

std::optional<PublishedEvent> publishAny(bus::Connection& client, const QByteArray& subject,
                                         const StaffRef& actor, const QString& patientId,
                                         const QDateTime& occurredAt, const QJsonObject& payload)
{
    PublishedEvent published;
    published.subject = subject;
    published.event.id = newId();
    published.event.type = eventTypeFromSubject(subject);
    published.event.occurredAt = occurredAt;
    published.event.actor = actor;
    published.event.patientId = patientId;
    published.event.payload = payload;
    published.body = bus::Codec<AnyEvent>::encode(published.event);
    if (!publishBytes(client, subject, published.body, published.event.id.toUtf8()))
        return std::nullopt;
    return published;
}

QList<AuditRecord> allRecords(bus::Connection& client)
{
    QList<AuditRecord> records;
    AuditQueryRequest request;
    request.limit = 1000;
    for (;;) {
        const auto reply = call(client, kAuditQuery, request);
        if (!reply)
            return {};
        records += reply->records;
        if (!reply->hasMore || reply->records.isEmpty())
            return records;
        request.afterSeq = reply->records.constLast().seq;
    }
}

} // namespace openopd::testing::audit
