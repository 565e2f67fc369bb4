#pragma once

// list.queue_changed: the doctor's queue (opd.consultation.queue.list) changed for one visit.
// Enqueued in the outbox inside the transaction that made the change, after the change's own
// event, so that a client keeping the queue live sees them in order.

#include "consultation/consultation_store.h"
#include "protocol/list_change.h"

namespace openopd::consultation {

// The visit's row as the queue lists it (registered, called or in consultation), with its
// state after the change: added / updated when listed, removed when it left the queue. A
// visit this service does not know announces nothing.
bool announceQueueChange(host::Database& db, const QString& visitId, protocol::ListChangeKind kind,
                         const protocol::StaffRef& actor, const QDateTime& at, QString* error);

} // namespace openopd::consultation
