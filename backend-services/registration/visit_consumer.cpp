#include "visit_consumer.h"

#include "protocol/enums.h"
#include "visit_lifecycle.h"
#include "visit_store.h"

#include <QDebug>

namespace openopd::registration {

host::HandlerResult applyVisitEvent(const bus::JsMessage& message, host::Database& db)
{
    const QByteArray& subject = message.message.subject;
    const VisitEventSteps event = stepsFromEvent(subject, message.message.data);
    switch (event.kind) {
    case VisitEventSteps::Kind::Own:
        return host::HandlerResult::done();
    case VisitEventSteps::Kind::Unknown:
        qInfo().noquote() << "visit events: ignoring" << subject << "(not a step registration "
                          << "tracks)";
        return host::HandlerResult::done();
    case VisitEventSteps::Kind::Invalid:
        return host::HandlerResult::fail(QString::fromUtf8(subject) + QStringLiteral(": ") +
                                         event.error);
    case VisitEventSteps::Kind::Steps:
        break;
    }

    VisitStore visits(db);
    std::optional<protocol::Visit> visit;
    QString error;
    if (!visits.byId(event.visitId, &visit, &error))
        return host::HandlerResult::retry(error);
    if (!visit) {
        qInfo().noquote() << "visit events:" << subject << "for unknown visit" << event.visitId
                          << "ignored";
        return host::HandlerResult::done();
    }
    bool changed = false;
    for (const VisitStep& step : event.steps) {
        switch (applyStep(*visit, step)) {
        case StepOutcome::Applied:
            changed = true;
            break;
        case StepOutcome::AlreadyThere:
            break;
        case StepOutcome::Stale:
        case StepOutcome::Closed:
            qInfo().noquote() << "visit events:" << subject << "for visit" << event.visitId
                              << "ignored: the visit is already" << protocol::toWire(visit->state);
            break;
        }
    }
    bool lostRace = false;
    if (changed && !visits.save(*visit, &lostRace, &error))
        return host::HandlerResult::retry(error);
    if (lostRace) // another instance changed the visit meanwhile: read it again
        return host::HandlerResult::retry(
            QStringLiteral("visit %1 was changed meanwhile").arg(event.visitId));
    return host::HandlerResult::done();
}

} // namespace openopd::registration
