#include "discharge/release_visit.h"

namespace openopd::discharge {

using protocol::Disposition;
using protocol::VisitState;

namespace {

void fillIdentity(ReleaseVisit& visit, const QString& patientId)
{
    if (visit.patientId.isEmpty())
        visit.patientId = patientId;
}

void fillPlace(ReleaseVisit& visit, const QString& queue, QDate day, int token)
{
    if (visit.queue.isEmpty() || visit.token <= 0 || !visit.day.isValid()) {
        visit.queue = queue;
        visit.day = day;
        visit.token = token;
    }
}

QDateTime earliest(const QDateTime& a, const QDateTime& b)
{
    if (!a.isValid())
        return b;
    if (!b.isValid())
        return a;
    return qMin(a, b);
}

} // namespace

void applyRegistered(ReleaseVisit& visit, const protocol::Visit& registered)
{
    fillIdentity(visit, registered.patientId);
    visit.patientName = registered.patientName; // the name as it was when the visit opened
    visit.queue = registered.queue;
    visit.day = registered.day;
    visit.token = registered.token;
}

void applyStatusChange(ReleaseVisit& visit, const protocol::VisitStatusChange& change)
{
    fillIdentity(visit, change.patientId);
    fillPlace(visit, change.queue, change.day, change.token);
    const bool closing =
        change.state == VisitState::Cancelled || change.state == VisitState::LeftUnseen;
    if (closing && !visit.closedState) {
        visit.closedState = change.state;
        visit.closedAt = change.at;
    }
}

void applyConsulted(ReleaseVisit& visit, const protocol::Consultation& consultation)
{
    fillIdentity(visit, consultation.patientId);
    if (visit.patientName.isEmpty())
        visit.patientName = consultation.patientName;
    // A consultation saved again replaces the earlier one; an older one arriving late does not.
    if (!visit.consultationId.isEmpty() && visit.consultationId != consultation.id &&
        visit.consultedAt.isValid() && consultation.savedAt < visit.consultedAt)
        return;
    visit.consultationId = consultation.id;
    visit.disposition = consultation.content.disposition;
    visit.consultedAt = consultation.savedAt;
    visit.prescriptionLines = static_cast<int>(consultation.content.prescriptions.size());
    // The lab orders that hold the release: none when the doctor released the patient
    // without waiting for the results (release_without_results).
    visit.labOrderLines = consultation.content.releaseWithoutResults
                              ? 0
                              : static_cast<int>(consultation.content.labOrders.size());
}

void applyDispensed(ReleaseVisit& visit, const protocol::Dispense& dispense)
{
    fillIdentity(visit, dispense.patientId);
    if (visit.consultationId.isEmpty()) // dispensed before the consultation arrived
        visit.consultationId = dispense.consultationId;
    visit.dispensedAt = earliest(visit.dispensedAt, dispense.dispensedAt);
}

void applyDischarged(ReleaseVisit& visit, const protocol::Discharge& discharge)
{
    fillIdentity(visit, discharge.patientId);
    if (!visit.closedState || *visit.closedState != outcomeState(discharge.details.outcome)) {
        visit.closedState = outcomeState(discharge.details.outcome);
        visit.closedAt = discharge.recordedAt;
    }
}

void recompute(ReleaseVisit& visit, const LabProgress& lab)
{
    visit.readySince = {};
    if (visit.closedState) {
        visit.state = *visit.closedState;
        return;
    }
    // A lab result still outstanding holds the release, whatever else is done.
    if (lab.resulted < visit.labOrderLines) {
        visit.state = VisitState::AwaitingLab;
        return;
    }
    // Ready no earlier than the last result the release waited for.
    const QDateTime labDone = visit.labOrderLines > 0 ? lab.lastResultAt : QDateTime();
    const auto readyAt = [&labDone](const QDateTime& at) {
        return labDone.isValid() && labDone > at ? labDone : at;
    };
    if (visit.dispensedAt.isValid()) {
        visit.state = VisitState::Dispensed;
        visit.readySince = readyAt(visit.dispensedAt);
        return;
    }
    if (!visit.disposition) {
        visit.state = VisitState::Registered;
        return;
    }
    switch (*visit.disposition) {
    case Disposition::Discharge:
    case Disposition::Admit:
    case Disposition::Refer:
        visit.state = VisitState::Consulted;
        visit.readySince = readyAt(visit.consultedAt);
        return;
    case Disposition::ToPharmacy:
        visit.state = VisitState::AwaitingPharmacy;
        return;
    case Disposition::ToLab:
        if (visit.labOrderLines > 0) {
            // Every result is in: the patient is back with the doctor, whose follow-up
            // consultation (a newer visit.consulted) decides the release.
            visit.state = VisitState::Registered;
            return;
        }
        // Released without the results: as after any consultation.
        if (visit.prescriptionLines > 0) {
            visit.state = VisitState::AwaitingPharmacy;
            return;
        }
        visit.state = VisitState::Consulted;
        visit.readySince = visit.consultedAt;
        return;
    }
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

protocol::PendingRelease toPendingRelease(const ReleaseVisit& visit)
{
    protocol::PendingRelease release;
    release.visitId = visit.visitId;
    release.patientId = visit.patientId;
    release.patientName = visit.patientName;
    release.queue = visit.queue;
    release.day = visit.day;
    release.token = visit.token;
    release.consultationId = visit.consultationId;
    release.disposition = visit.disposition.value_or(Disposition::ToPharmacy);
    release.state = visit.state;
    release.readySince = visit.readySince;
    return release;
}

} // namespace openopd::discharge
