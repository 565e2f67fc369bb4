#include "host/event_stats.h"

#include "host/event_consumer.h"
#include "host/outbox_relay.h"

namespace openopd::host {

QJsonObject durableEventStats(const QList<EventConsumer*>& consumers, const OutboxRelay* relay)
{
    QJsonObject perConsumer;
    for (const EventConsumer* consumer : consumers) {
        const EventConsumerCounters& c = consumer->counters();
        perConsumer.insert(QString::fromUtf8(consumer->options().durable),
                           QJsonObject{{QStringLiteral("processed"), qint64(c.processed)},
                                       {QStringLiteral("duplicates"), qint64(c.duplicates)},
                                       {QStringLiteral("retried"), qint64(c.retried)},
                                       {QStringLiteral("deferred_newer"), qint64(c.deferredNewer)},
                                       {QStringLiteral("dead_lettered"), qint64(c.deadLettered)},
                                       {QStringLiteral("kept_alive"), qint64(c.keptAlive)},
                                       {QStringLiteral("ignored"), qint64(c.ignored)},
                                       {QStringLiteral("last_retry"), c.lastRetry},
                                       {QStringLiteral("last_dead_letter"), c.lastDeadLetter}});
    }
    QJsonObject outbox;
    if (relay != nullptr)
        outbox = {{QStringLiteral("published"), qint64(relay->publishedCount())},
                  {QStringLiteral("requeued_after_stream_loss"), qint64(relay->requeuedCount())}};
    return {{QStringLiteral("outbox"), outbox}, {QStringLiteral("consumers"), perConsumer}};
}

} // namespace openopd::host
