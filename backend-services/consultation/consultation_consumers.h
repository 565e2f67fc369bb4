#pragma once

// The consultation service's durable consumers (idempotent: the host's inbox skips an event
// id seen before, and the handlers tolerate repeats and any order on top of that):
//
//   consultation-queue on opd.events.visit.>
//     visit.registered           -> the visit joins the queue (state registered), unless it
//                                   is known already or was closed before it arrived
//     visit.cancelled,
//     visit.left_unseen          -> the visit leaves the queue (kept as a closure, so a late
//                                   visit.registered does not bring it back)
//     visit.discharged           -> same, for a visit still waiting here (outcome as state)
//     anything else (our own visit.called / consultation_started / consulted, dispensed)
//                                -> acknowledged, nothing to do
//   consultation-lab on opd.events.lab.>
//     lab.resulted               -> stored against its order, consultation and visit, so
//                                   the patient's history shows it
//     anything else              -> acknowledged, nothing to do
//
// Every change of the queue (joined, left) is announced as list.queue_changed, from the
// same transaction (queue_events.h).
//
// An event that does not decode fails (after the consumer's attempts it goes to OPD_DLQ with
// the reason); a database error is retried.

#include "host/service_host.h"

namespace openopd::consultation {

class ConsultationConsumers
{
public:
    explicit ConsultationConsumers(host::ServiceHost& host) : m_host(host) {}

    // Adds both durable consumers to the host.
    void start();

    static host::HandlerResult onVisitEvent(const bus::JsMessage& message, host::Database& db);
    static host::HandlerResult onLabEvent(const bus::JsMessage& message, host::Database& db);

private:
    host::ServiceHost& m_host;
};

} // namespace openopd::consultation
