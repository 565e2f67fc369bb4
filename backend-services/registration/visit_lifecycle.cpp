#include "visit_lifecycle.h"

#include "bus/codec.h"
#include "protocol/events.h"
#include "protocol/limits.h"

namespace openopd::registration {

using protocol::VisitState;

int stateRank(VisitState state)
{
    switch (state) {
    case VisitState::Registered:
        return 0;
    case VisitState::Called:
        return 1;
    case VisitState::InConsultation:
        return 2;
    case VisitState::Consulted:
        return 3;
    case VisitState::AwaitingLab:
    case VisitState::AwaitingPharmacy:
        return 4;
    case VisitState::Dispensed:
        return 5;
    case VisitState::Discharged:
    case VisitState::Admitted:
    case VisitState::Referred:
    case VisitState::Cancelled:
    case VisitState::LeftUnseen:
        return 6;
    }
    return 6;
}

namespace {

void append(protocol::Visit& visit, const VisitStep& step)
{
    if (visit.history.size() >= protocol::limits::kMaxVisitHistory)
        visit.history.removeAt(1);
    visit.history.append({step.state, step.at, step.by, step.note.left(protocol::limits::kReason)});
    visit.state = step.state;
}

} // namespace

StepOutcome applyStep(protocol::Visit& visit, const VisitStep& step)
{
    if (protocol::isFinalState(visit.state))
        return StepOutcome::Closed;
    if (step.resultsIn) {
        // Only a visit still waiting for the lab moves on; it may have been dispensed
        // meanwhile (registration knows that first when visit.dispensed came before).
        if (visit.state != VisitState::AwaitingLab)
            return StepOutcome::Stale;
        VisitStep onward = step;
        if (step.state != VisitState::Registered && visit.lastTransitionTo(VisitState::Dispensed))
            onward.state = VisitState::Dispensed;
        append(visit, onward);
        return StepOutcome::Applied;
    }
    if (visit.state == VisitState::AwaitingLab && step.state == VisitState::Dispensed) {
        // Drugs given while a result is outstanding: recorded, and the visit still waits.
        append(visit, step);
        append(visit, {VisitState::AwaitingLab, step.at, step.by, {}});
        return StepOutcome::Applied;
    }
    if (visit.state == step.state)
        return StepOutcome::AlreadyThere;
    if (!protocol::isTransitionAllowed(visit.state, step.state) &&
        stateRank(step.state) <= stateRank(visit.state))
        return StepOutcome::Stale;
    append(visit, step);
    return StepOutcome::Applied;
}

namespace {

template <class P>
bool decode(const bus::Event<protocol::EventEnvelope<P>>&, const QByteArray& data,
            protocol::EventEnvelope<P>* envelope, VisitEventSteps* out)
{
    auto decoded = bus::Codec<protocol::EventEnvelope<P>>::decode(data);
    if (!decoded) {
        out->kind = VisitEventSteps::Kind::Invalid;
        out->error = decoded.error().toString();
        return false;
    }
    *envelope = std::move(decoded).value();
    out->kind = VisitEventSteps::Kind::Steps;
    return true;
}

VisitState outcomeState(protocol::DischargeOutcome outcome)
{
    switch (outcome) {
    case protocol::DischargeOutcome::Admitted:
        return VisitState::Admitted;
    case protocol::DischargeOutcome::Referred:
        return VisitState::Referred;
    case protocol::DischargeOutcome::Discharged:
        break;
    }
    return VisitState::Discharged;
}

} // namespace

VisitEventSteps stepsFromEvent(const QByteArray& subject, const QByteArray& data)
{
    namespace p = protocol;
    VisitEventSteps out;
    const QByteArrayView s(subject);
    if (s == p::kVisitRegistered.subject || s == p::kVisitCancelled.subject ||
        s == p::kVisitLeftUnseen.subject) {
        out.kind = VisitEventSteps::Kind::Own;
    } else if (s == p::kVisitCalled.subject || s == p::kVisitConsultationStarted.subject) {
        p::EventEnvelope<p::VisitStatusChange> e;
        if (decode(p::kVisitCalled, data, &e, &out)) {
            out.visitId = e.payload.visitId;
            const VisitState state =
                s == p::kVisitCalled.subject ? VisitState::Called : VisitState::InConsultation;
            out.steps.append({state, e.payload.at, e.actor, e.payload.room});
        }
    } else if (s == p::kVisitConsulted.subject) {
        p::EventEnvelope<p::Consultation> e;
        if (decode(p::kVisitConsulted, data, &e, &out)) {
            out.visitId = e.payload.visitId;
            out.steps.append({VisitState::Consulted, e.payload.savedAt, e.actor, {}});
            const p::Disposition disposition = e.payload.content.disposition;
            if (!e.payload.content.labOrders.isEmpty()) // waits for the lab first
                out.steps.append({VisitState::AwaitingLab, e.payload.savedAt, e.actor, {}});
            else if (disposition == p::Disposition::ToPharmacy)
                out.steps.append({VisitState::AwaitingPharmacy, e.payload.savedAt, e.actor, {}});
            else if (disposition == p::Disposition::ToLab)
                out.steps.append({VisitState::AwaitingLab, e.payload.savedAt, e.actor, {}});
        }
    } else if (s == p::kVisitResultsIn.subject) {
        p::EventEnvelope<p::VisitStatusChange> e;
        if (decode(p::kVisitResultsIn, data, &e, &out)) {
            out.visitId = e.payload.visitId;
            VisitStep step{e.payload.state, e.payload.at, e.actor, e.payload.reason};
            step.resultsIn = true;
            out.steps.append(step);
        }
    } else if (s == p::kVisitDispensed.subject) {
        p::EventEnvelope<p::Dispense> e;
        if (decode(p::kVisitDispensed, data, &e, &out)) {
            out.visitId = e.payload.visitId;
            out.steps.append(
                {VisitState::Dispensed, e.payload.dispensedAt, e.actor, e.payload.notes});
        }
    } else if (s == p::kVisitDischarged.subject) {
        p::EventEnvelope<p::Discharge> e;
        if (decode(p::kVisitDischarged, data, &e, &out)) {
            out.visitId = e.payload.visitId;
            out.steps.append({outcomeState(e.payload.details.outcome), e.payload.recordedAt,
                              e.actor, e.payload.details.destination});
        }
    }
    return out;
}

} // namespace openopd::registration
