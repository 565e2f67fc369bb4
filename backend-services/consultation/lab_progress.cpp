#include "consultation/lab_progress.h"

#include "consultation/queue_events.h"
#include "protocol/list_change.h"

#include <QDebug>

namespace openopd::consultation {

using host::HandlerResult;
using protocol::Disposition;
using protocol::VisitState;

bool announceResultsChange(host::Database& db, const QString& visitId, const QString& patientId,
                           const protocol::StaffRef& actor, const QDateTime& at, QString* error)
{
    protocol::ListChange<protocol::ResultToReview> change;
    change.visitId = visitId;
    change.patientId = patientId;
    if (!ConsultationStore(db).unreviewedOfVisit(visitId, &change.rows, error))
        return false;
    change.change = change.rows.isEmpty() ? protocol::ListChangeKind::Removed
                                          : protocol::ListChangeKind::Updated;
    return enqueue(db, protocol::kResultListChanged, change, actor, at, error);
}

namespace {

// Where the visit goes once every result is in, when it does not come back to the doctor.
VisitState onwardState(const VisitRecord& record, const protocol::ConsultationContent& content)
{
    if (record.dispensedAt.isValid())
        return VisitState::Dispensed;
    if (!content.prescriptions.isEmpty())
        return VisitState::AwaitingPharmacy;
    return VisitState::Consulted; // waits for the discharge desk
}

} // namespace

HandlerResult followLabResult(host::Database& db,
                              const protocol::EventEnvelope<protocol::LabResult>& event)
{
    const protocol::LabResult& result = event.payload;
    ConsultationStore store(db);
    QString error;
    std::optional<SavedConsultation> saved;
    if (!store.findConsultation(result.consultationId, &saved, &error))
        return HandlerResult::retry(error);
    if (!saved)
        return HandlerResult::done(); // not saved here: only the history keeps the result
    const protocol::Consultation& consultation = saved->consultation;
    const QDateTime now = protocol::nowUtc();

    protocol::ResultToReview row;
    row.orderId = result.orderId;
    row.visitId = result.visitId;
    row.patientId = result.patientId;
    row.consultationId = consultation.id;
    row.patientName = consultation.patientName;
    row.orderedBy = consultation.doctor;
    row.result = result;
    bool changed = false;
    if (!store.upsertResultToReview(row, &changed, &error))
        return HandlerResult::retry(error);
    if (changed &&
        !announceResultsChange(db, result.visitId, result.patientId, event.actor, now, &error))
        return HandlerResult::retry(error);

    int resulted = 0;
    if (!store.resultedLines(consultation.id, &resulted, &error))
        return HandlerResult::retry(error);
    if (resulted < consultation.content.labOrders.size())
        return HandlerResult::done(); // still waiting for the lab
    std::optional<VisitRecord> record;
    if (!store.findVisit(result.visitId, &record, &error))
        return HandlerResult::retry(error);
    // A later (follow-up) consultation or a closed visit: the results change nothing more.
    // A visit discharged meanwhile (the desk may record a discharge at any time) stays closed.
    bool closed = false;
    if (!store.isClosed(result.visitId, &closed, &error))
        return HandlerResult::retry(error);
    if (closed || !record || record->consultationId != consultation.id ||
        protocol::isFinalState(record->entry.state))
        return HandlerResult::done();
    bool claimed = false;
    if (!store.claimResultsIn(result.visitId, consultation.id, &claimed, &error))
        return HandlerResult::retry(error);
    if (!claimed)
        return HandlerResult::done(); // announced already

    VisitState next = onwardState(*record, consultation.content);
    const bool comeBack = consultation.content.disposition == Disposition::ToLab &&
                          !consultation.content.releaseWithoutResults;
    if (comeBack) {
        bool back = false;
        if (!store.reenterForReview(result.visitId, consultation.id, consultation.doctor.id, now,
                                    &back, &error) ||
            !store.findVisit(result.visitId, &record, &error) || !record)
            return HandlerResult::retry(error);
        if (back)
            next = VisitState::Registered;
        if (back && !announceQueueChange(db, result.visitId, protocol::ListChangeKind::Added,
                                         event.actor, now, &error))
            return HandlerResult::retry(error);
    }
    qInfo().noquote() << "visit" << result.visitId << "has every lab result of consultation"
                      << consultation.id << "->" << protocol::toWire(next);
    if (!enqueue(db, protocol::kVisitResultsIn, statusChange(record->entry, next, now), event.actor,
                 now, &error))
        return HandlerResult::retry(error);
    return HandlerResult::done();
}

} // namespace openopd::consultation
