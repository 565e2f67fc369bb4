#pragma once

// list.queue_changed: the doctor's queue (opd.consultation.queue.list) changed for one visit.
// Enqueued in the outbox inside the transaction that made the change, after the change's own
// event, so that a client keeping the queue live sees them in order.

#include "consultation/consultation_store.h"
#include "host/outbox.h"
#include "protocol/events.h"
#include "protocol/list_change.h"

namespace openopd::consultation {

// The visit's row as the queue lists it (registered, called or in consultation), with its
// state after the change: added / updated when listed, removed when it left the queue. A
// visit this service does not know announces nothing.
bool announceQueueChange(host::Database& db, const QString& visitId, protocol::ListChangeKind kind,
                         const protocol::StaffRef& actor, const QDateTime& at, QString* error);
// The same for a record the caller has just written (and so need not read again).
bool announceQueueChange(host::Database& db, const VisitRecord& record,
                         protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                         const QDateTime& at, QString* error);

// The event announcing a step of a visit, for the outbox (id = the envelope id).
template <class P>
bool enqueue(host::Database& db, const bus::Event<protocol::EventEnvelope<P>>& event, P payload,
             const protocol::StaffRef& actor, const QDateTime& at, QString* error)
{
    const auto envelope = protocol::makeEvent(event, std::move(payload), actor, at);
    return host::enqueueEvent(db,
                              {envelope.id, event.subjectBytes(),
                               bus::Codec<protocol::EventEnvelope<P>>::encode(envelope)},
                              error);
}

// The status change of a queue entry, now in state at `at`.
protocol::VisitStatusChange statusChange(const protocol::QueueEntry& entry,
                                         protocol::VisitState state, const QDateTime& at);

// "Name (id)" of a staff member for messages, "someone" when unknown.
QString staffName(const std::optional<protocol::StaffRef>& staff);

} // namespace openopd::consultation
