#include "consultation/consultation_consumers.h"

#include "consultation/consultation_store.h"
#include "consultation/lab_progress.h"
#include "consultation/queue_events.h"
#include "protocol/events.h"

#include <QDebug>

namespace openopd::consultation {

using host::HandlerResult;
using protocol::EventEnvelope;

namespace {

template <class P>
std::optional<EventEnvelope<P>> decode(const bus::JsMessage& message, QString* why)
{
    auto event = bus::Codec<EventEnvelope<P>>::decode(message.message.data);
    if (!event) {
        *why = QStringLiteral("%1: undecodable event: %2")
                   .arg(QString::fromUtf8(message.message.subject), event.error().toString());
        return std::nullopt;
    }
    return std::move(event).value();
}

template <class P> bool isSubject(const bus::JsMessage& message, const bus::Event<P>& event)
{
    return message.message.subject == QByteArrayView(event.subject);
}

HandlerResult onRegistered(const bus::JsMessage& message, ConsultationStore& store)
{
    QString error;
    const auto event = decode<protocol::Visit>(message, &error);
    if (!event)
        return HandlerResult::fail(error);
    if (protocol::isFinalState(event->payload.state)) {
        qInfo().noquote() << "visit.registered for visit" << event->payload.id << "in state"
                          << protocol::toWire(event->payload.state) << ": not queued";
        return HandlerResult::done();
    }
    std::optional<VisitRecord> added;
    if (!store.addRegisteredVisit(event->payload, event->actor, event->occurredAt,
                                  host::eventIdOf(message), &added, &error))
        return HandlerResult::retry(error);
    if (!added) {
        qInfo().noquote() << "visit" << event->payload.id
                          << "is known or closed already: the queue is unchanged";
        return HandlerResult::done();
    }
    if (!announceQueueChange(store.database(), *added, protocol::ListChangeKind::Added,
                             event->actor, protocol::nowUtc(), &error))
        return HandlerResult::retry(error);
    return HandlerResult::done();
}

HandlerResult closeFrom(const bus::JsMessage& message, ConsultationStore& store,
                        const VisitClosure& closure)
{
    QString error;
    bool changed = false;
    if (!store.closeVisit(closure, host::eventIdOf(message), &changed, &error))
        return HandlerResult::retry(error);
    if (changed &&
        !announceQueueChange(store.database(), closure.visitId, protocol::ListChangeKind::Removed,
                             closure.by, protocol::nowUtc(), &error))
        return HandlerResult::retry(error);
    qInfo().noquote() << "visit" << closure.visitId << protocol::toWire(closure.state)
                      << (changed ? ": removed from the queue" : ": was not waiting here");
    return HandlerResult::done();
}

HandlerResult onStatusClosed(const bus::JsMessage& message, ConsultationStore& store)
{
    QString error;
    const auto event = decode<protocol::VisitStatusChange>(message, &error);
    if (!event)
        return HandlerResult::fail(error);
    const protocol::VisitStatusChange& change = event->payload;
    // The subject decides; a payload state that disagrees is taken from the subject.
    const protocol::VisitState state = isSubject(message, protocol::kVisitCancelled)
                                           ? protocol::VisitState::Cancelled
                                           : protocol::VisitState::LeftUnseen;
    return closeFrom(message, store,
                     {change.visitId, state, change.at.isValid() ? change.at : event->occurredAt,
                      event->actor, change.reason});
}

HandlerResult onDischarged(const bus::JsMessage& message, ConsultationStore& store)
{
    QString error;
    const auto event = decode<protocol::Discharge>(message, &error);
    if (!event)
        return HandlerResult::fail(error);
    const protocol::Discharge& discharge = event->payload;
    protocol::VisitState state = protocol::VisitState::Discharged;
    if (discharge.details.outcome == protocol::DischargeOutcome::Admitted)
        state = protocol::VisitState::Admitted;
    else if (discharge.details.outcome == protocol::DischargeOutcome::Referred)
        state = protocol::VisitState::Referred;
    return closeFrom(message, store,
                     {discharge.visitId, state, discharge.recordedAt, event->actor,
                      discharge.details.destination});
}

} // namespace

void ConsultationConsumers::start()
{
    host::EventConsumerOptions queue;
    queue.durable = QByteArrayLiteral("consultation-queue");
    queue.filterSubject = QByteArrayLiteral("opd.events.visit.>");
    m_host.addConsumer(queue, &ConsultationConsumers::onVisitEvent);

    host::EventConsumerOptions lab;
    lab.durable = QByteArrayLiteral("consultation-lab");
    lab.filterSubject = QByteArrayLiteral("opd.events.lab.>");
    m_host.addConsumer(lab, &ConsultationConsumers::onLabEvent);
}

HandlerResult ConsultationConsumers::onVisitEvent(const bus::JsMessage& message, host::Database& db)
{
    ConsultationStore store(db);
    if (isSubject(message, protocol::kVisitRegistered))
        return onRegistered(message, store);
    if (isSubject(message, protocol::kVisitCancelled) ||
        isSubject(message, protocol::kVisitLeftUnseen))
        return onStatusClosed(message, store);
    if (isSubject(message, protocol::kVisitDischarged))
        return onDischarged(message, store);
    if (isSubject(message, protocol::kVisitDispensed)) { // where results_in sends the visit
        QString error;
        const auto event = decode<protocol::Dispense>(message, &error);
        if (!event)
            return HandlerResult::fail(error);
        if (!store.markDispensed(event->payload.visitId, event->payload.dispensedAt, &error))
            return HandlerResult::retry(error);
        return HandlerResult::done();
    }
    return HandlerResult::done(); // ours (called, consultation_started, consulted, results_in)
}

HandlerResult ConsultationConsumers::onLabEvent(const bus::JsMessage& message, host::Database& db)
{
    if (!isSubject(message, protocol::kLabResulted))
        return HandlerResult::done(); // sample_collected: nothing for the history
    QString error;
    const auto event = decode<protocol::LabResult>(message, &error);
    if (!event)
        return HandlerResult::fail(error);
    ConsultationStore store(db);
    if (!store.storeLabResult(event->payload, host::eventIdOf(message), &error))
        return HandlerResult::retry(error);
    return followLabResult(db, *event); // back to the ordering doctor
}

} // namespace openopd::consultation
