#pragma once

// The durable-event counters a service reports in its $SRV.STATS reply, as the top-level
// "data" object (see docs/protocol.md):
//   {"outbox": {"published", "requeued_after_stream_loss"},
//    "consumers": {"<durable>": {"processed", "duplicates", "retried", "deferred_newer",
//                                "dead_lettered", "last_retry", "last_dead_letter"}}}

#include <QJsonObject>
#include <QList>

namespace openopd::host {

class EventConsumer;
class OutboxRelay;

QJsonObject durableEventStats(const QList<EventConsumer*>& consumers, const OutboxRelay* relay);

} // namespace openopd::host
