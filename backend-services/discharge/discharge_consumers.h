#pragma once

// The discharge service's durable consumers (run inside the host's consumer transaction):
//   discharge-pending  opd.events.visit.>         registered, called, consultation_started,
//                      consulted, dispensed, cancelled, left_unseen, discharged
//   discharge-lab      opd.events.lab.resulted    results that complete a to_lab visit
// Events are merged by visit id in any order (see release_visit.h); an event that does not
// decode fails (and after the host's MaxDeliver lands in OPD_DLQ with the reason).

#include "bus/js_message.h"
#include "host/event_consumer.h"

namespace openopd::discharge {

inline constexpr char kPendingConsumer[] = "discharge-pending";
inline constexpr char kPendingFilter[] = "opd.events.visit.>";
inline constexpr char kLabConsumer[] = "discharge-lab";
inline constexpr char kLabFilter[] = "opd.events.lab.resulted";

host::HandlerResult onVisitEvent(const bus::JsMessage& message, host::Database& db);
host::HandlerResult onLabResulted(const bus::JsMessage& message, host::Database& db);

} // namespace openopd::discharge
