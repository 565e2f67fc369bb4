#pragma once

// The audit service's one durable consumer, "audit-log" on opd.events.> (every event): appends
// one hash-chained record per event id, except the work-list events (opd.events.list.*, no
// new fact: acknowledged, not recorded). A redelivery, or the same event published again under
// another message id, adds nothing. An event that does not decode as an OPD event envelope
// fails (and after the host's MaxDeliver lands in OPD_DLQ with the reason).

#include "bus/js_message.h"
#include "host/event_consumer.h"

namespace openopd::audit {

inline constexpr char kLogConsumer[] = "audit-log";
inline constexpr char kLogFilter[] = "opd.events.>";

host::HandlerResult appendEvent(const bus::JsMessage& message, host::Database& db);

} // namespace openopd::audit
