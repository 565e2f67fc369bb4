#pragma once

#include "host/event_consumer.h"

namespace openopd::registration {

// The handler of the durable consumer "registration-visits" (opd.events.visit.>): moves the
// visit along as the other services announce its steps (see visit_lifecycle.h), inside the
// consumer's transaction. Registration's own events are skipped; an event for a visit this
// database does not hold is logged and acknowledged (registration commits every visit before
// its visit.registered leaves, so such an event belongs to another deployment or a test).
// A payload that does not decode fails (and ends in OPD_DLQ); a database error retries.
host::HandlerResult applyVisitEvent(const bus::JsMessage& message, host::Database& db);

} // namespace openopd::registration
