// opd.lab.order.pending / .sample.collect / .result.enter (served by the pharmacy service).
// Collecting a sample publishes lab.sample_collected (LabOrder); entering a result publishes
// lab.resulted (LabResult), which the consultation service adds to the patient's history.

#include "pharmacy/list_events.h"
#include "pharmacy/pharmacy_service.h"
#include "pharmacy/pharmacy_text.h"
#include "protocol/errors.h"
#include "protocol/events.h"

namespace openopd::pharmacy {

namespace errors = protocol::errors;
using protocol::LabOrderState;

namespace {

// The 404 / 409 for an order that is missing or not in the state the step needs.
bool refuseOrder(const std::optional<protocol::LabOrder>& order, LabOrderState needed,
                 const QString& orderId, Failure* failure)
{
    const QString field = QStringLiteral("order_id");
    if (!order) {
        failure->set(errors::kNotFound, Text::tr("There is no lab order %1.").arg(orderId), field);
        return true;
    }
    if (order->state == needed)
        return false;
    QString why;
    switch (order->state) {
    case LabOrderState::Ordered:
        why = Text::tr("The sample for %1 has not been collected yet.").arg(order->test.testName);
        break;
    case LabOrderState::Collected:
        why = Text::tr("The sample for %1 was collected already (sample %2).")
                  .arg(order->test.testName,
                       order->sampleId.isEmpty() ? Text::tr("without label") : order->sampleId);
        break;
    case LabOrderState::Resulted:
        why = Text::tr("%1 has a result already.").arg(order->test.testName);
        break;
    case LabOrderState::Cancelled:
        why = Text::tr("%1 was cancelled: the visit ended before the sample was collected.")
                  .arg(order->test.testName);
        break;
    }
    failure->set(errors::kConflict, why, field);
    return true;
}

// The order changed between reading and writing it (a concurrent request): 409 with its state.
bool refuseConcurrent(LabStore& store, const QString& orderId, LabOrderState needed,
                      Failure* failure, QString* error)
{
    std::optional<protocol::LabOrder> current;
    if (!store.load(orderId, &current, error))
        return false;
    if (!refuseOrder(current, needed, orderId, failure))
        failure->set(errors::kConflict, Text::tr("The lab order changed meanwhile; try again."),
                     QStringLiteral("order_id"));
    return false;
}

// One step of an order's life: load it, refuse it (404/409) unless it is in state needed, run
// step (a guarded UPDATE that says whether it applied) and report a concurrent change as 409.
template <typename Step>
bool stepOrder(LabStore& store, const QString& orderId, LabOrderState needed, Failure* failure,
               QString* error, Step step)
{
    std::optional<protocol::LabOrder> order;
    if (!store.load(orderId, &order, error))
        return false;
    if (refuseOrder(order, needed, orderId, failure))
        return false;
    bool applied = false;
    if (!step(*order, &applied))
        return false;
    if (!applied) // another instance got there first: report its state
        return refuseConcurrent(store, orderId, needed, failure, error);
    return true;
}

} // namespace

void PharmacyService::pendingLabOrders(const protocol::PendingLabOrdersRequest& request,
                                       bus::Replier<protocol::LabOrderListReply> replier)
{
    protocol::LabOrderListReply reply;
    QString error;
    if (!lab().pending(request, &reply, &error))
        return replier.fail(503, unavailableText(error));
    replier.reply(reply);
}

void PharmacyService::collectSample(const protocol::CollectSampleRequest& request,
                                    bus::Replier<protocol::LabOrderReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    protocol::LabOrderReply reply;
    Failure failure;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            LabStore store = lab();
            const bool collected =
                stepOrder(store, request.orderId, LabOrderState::Ordered, &failure, workError,
                          [&](const protocol::LabOrder&, bool* applied) {
                              return store.collect(request, now, applied, workError);
                          });
            if (!collected)
                return false;
            std::optional<protocol::LabOrder> order;
            if (!store.load(request.orderId, &order, workError) || !order)
                return false;
            reply.order = *order;
            return enqueue(m_host.database(), protocol::kLabSampleCollected,
                           protocol::makeEvent(protocol::kLabSampleCollected, *order, request.staff,
                                               now),
                           workError) &&
                   announceLabOrders(m_host.database(), order->visitId, order->patientId,
                                     protocol::ListChangeKind::Updated, request.staff, now,
                                     workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

void PharmacyService::enterLabResult(const protocol::EnterLabResultRequest& request,
                                     bus::Replier<protocol::LabResultReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    protocol::LabResultReply reply;
    Failure failure;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            LabStore store = lab();
            protocol::LabResult& result = reply.result;
            const bool resulted =
                stepOrder(store, request.orderId, LabOrderState::Collected, &failure, workError,
                          [&](const protocol::LabOrder& order, bool* applied) {
                              result.orderId = order.id;
                              result.consultationId = order.consultationId;
                              result.line = order.line;
                              result.visitId = order.visitId;
                              result.patientId = order.patientId;
                              result.testCode = order.test.testCode;
                              result.testName = order.test.testName;
                              result.entry = request.result;
                              result.resultedAt = now;
                              result.resultedBy = request.staff;
                              return store.enterResult(result, applied, workError);
                          });
            if (!resulted)
                return false;
            return enqueue(m_host.database(), protocol::kLabResulted,
                           protocol::makeEvent(protocol::kLabResulted, result, request.staff, now),
                           workError) &&
                   announceLabOrders(m_host.database(), result.visitId, result.patientId,
                                     protocol::ListChangeKind::Updated, request.staff, now,
                                     workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

} // namespace openopd::pharmacy
