#include "discharge/discharge_consumers.h"

#include "discharge/discharge_store.h"
#include "discharge/release_events.h"
#include "discharge/summary_store.h"
#include "protocol/events.h"

#include <QCoreApplication>

namespace openopd::discharge {
namespace {

class Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::discharge::Consumers)
};

template <class P>
bus::Result<protocol::EventEnvelope<P>> decodeEvent(const bus::JsMessage& message)
{
    return bus::Codec<protocol::EventEnvelope<P>>::decode(message.message.data);
}

QString undecodable(const bus::JsMessage& message, const bus::BusError& error)
{
    return Text::tr("cannot decode the event on %1: %2")
        .arg(QString::fromUtf8(message.message.subject), error.toString());
}

// Loads the visit (or starts a new one), applies the event, recomputes and saves; a change
// of its pending-release row is announced (actor: who made the event's change).
template <class Apply>
host::HandlerResult mergeIntoVisit(host::Database& db, const QString& visitId,
                                   const QString& patientId, const protocol::StaffRef& actor,
                                   Apply apply)
{
    QString error;
    ReleaseVisit visit;
    bool found = false;
    if (!store::loadVisit(db, visitId, &visit, &found, &error))
        return host::HandlerResult::retry(error);
    if (!found) {
        visit.visitId = visitId;
        visit.patientId = patientId;
    }
    const std::optional<protocol::PendingRelease> before = found ? pendingRow(visit) : std::nullopt;
    apply(visit);
    LabProgress lab;
    if (!store::loadLabProgress(db, visit.consultationId, &lab, &error))
        return host::HandlerResult::retry(error);
    recompute(visit, lab);
    bool lost = false;
    if (!store::saveVisit(db, visit, &lost, &error))
        return host::HandlerResult::retry(error);
    if (lost) // another instance merged an event of this visit meanwhile: merge into that
        return host::HandlerResult::retry(
            Text::tr("visit %1 changed meanwhile; merging again").arg(visitId));
    if (!announceRelease(db, before, visit, actor, protocol::nowUtc(), &error))
        return host::HandlerResult::retry(error);
    return host::HandlerResult::done();
}

template <class P, class VisitIdOf, class Apply>
host::HandlerResult handle(const bus::JsMessage& message, host::Database& db, VisitIdOf visitIdOf,
                           Apply apply)
{
    const auto event = decodeEvent<P>(message);
    if (!event)
        return host::HandlerResult::fail(undecodable(message, event.error()));
    const P& payload = event->payload;
    const QString patientId =
        event->patientId.isEmpty() ? protocol::eventPatientId(payload) : event->patientId;
    return mergeIntoVisit(db, visitIdOf(payload), patientId, event->actor,
                          [&](ReleaseVisit& visit) { apply(visit, payload); });
}

QString visitIdOf(const protocol::Visit& visit)
{
    return visit.id;
}
template <class P> QString visitIdOfPayload(const P& payload)
{
    return payload.visitId;
}

} // namespace

host::HandlerResult onVisitEvent(const bus::JsMessage& message, host::Database& db)
{
    using namespace protocol;
    const QByteArrayView subject = message.message.subject;
    if (host::HandlerResult kept = summary::remember(message, db);
        kept.kind != host::HandlerResult::Kind::Done)
        return kept; // the visit summary's copy (summary_store.h)
    if (subject == QByteArrayView(kVisitRegistered.subject))
        return handle<Visit>(message, db, visitIdOf, applyRegistered);
    if (subject == QByteArrayView(kVisitCalled.subject) ||
        subject == QByteArrayView(kVisitConsultationStarted.subject) ||
        subject == QByteArrayView(kVisitCancelled.subject) ||
        subject == QByteArrayView(kVisitLeftUnseen.subject))
        return handle<VisitStatusChange>(message, db, visitIdOfPayload<VisitStatusChange>,
                                         applyStatusChange);
    if (subject == QByteArrayView(kVisitConsulted.subject))
        return handle<Consultation>(message, db, visitIdOfPayload<Consultation>, applyConsulted);
    if (subject == QByteArrayView(kVisitDispensed.subject))
        return handle<Dispense>(message, db, visitIdOfPayload<Dispense>, applyDispensed);
    if (subject == QByteArrayView(kVisitDischarged.subject))
        return handle<Discharge>(message, db, visitIdOfPayload<Discharge>, applyDischarged);
    return host::HandlerResult::done(); // a visit event this service does not need
}

host::HandlerResult onLabResulted(const bus::JsMessage& message, host::Database& db)
{
    if (host::HandlerResult kept = summary::remember(message, db);
        kept.kind != host::HandlerResult::Kind::Done)
        return kept; // the visit summary's copy (summary_store.h)
    const auto event = decodeEvent<protocol::LabResult>(message);
    if (!event)
        return host::HandlerResult::fail(undecodable(message, event.error()));
    const protocol::LabResult& result = event->payload;
    QString error;
    if (!store::recordLabResult(db, result.consultationId, result.line, result.visitId,
                                result.resultedAt, &error))
        return host::HandlerResult::retry(error);
    ReleaseVisit visit;
    bool found = false;
    if (!store::loadVisit(db, result.visitId, &visit, &found, &error))
        return host::HandlerResult::retry(error);
    if (!found || visit.consultationId != result.consultationId)
        return host::HandlerResult::done(); // counted when its consultation arrives
    return mergeIntoVisit(db, result.visitId, result.patientId, event->actor, [](ReleaseVisit&) {});
}

} // namespace openopd::discharge
