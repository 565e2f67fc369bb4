// The steps and views the pharmacy tests share: lists filtered to one consultation or drug,
// stock receipts, prescriptions published and awaited, dispenses, events of one kind.

#include "pharmacy_harness.h"

namespace openopd::testing {

std::optional<protocol::PendingPrescription>
PharmacyHarness::pendingFor(const QString& consultationId)
{
    protocol::PendingPrescriptionsRequest request;
    request.limit = 200;
    const auto reply = call(protocol::kPendingPrescriptions, request);
    if (!reply)
        return std::nullopt;
    for (const auto& p : reply->prescriptions)
        if (p.consultationId == consultationId)
            return p;
    return std::nullopt;
}

QList<protocol::LabOrder> PharmacyHarness::labOrdersFor(const QString& consultationId)
{
    protocol::PendingLabOrdersRequest request;
    request.limit = 200;
    QList<protocol::LabOrder> orders;
    const auto reply = call(protocol::kPendingLabOrders, request);
    if (!reply)
        return orders;
    for (const auto& o : reply->orders)
        if (o.consultationId == consultationId)
            orders.append(o);
    return orders;
}

QList<protocol::StockItem> PharmacyHarness::stockOf(const QString& drugCode)
{
    protocol::StockListRequest request;
    request.query = drugCode;
    request.includeEmpty = true;
    QList<protocol::StockItem> items;
    const auto reply = call(protocol::kStockList, request);
    if (!reply)
        return items;
    for (const auto& item : reply->items)
        if (item.drugCode == drugCode)
            items.append(item);
    return items;
}

int PharmacyHarness::quantityOf(const QString& drugCode, const QString& batch)
{
    for (const auto& item : stockOf(drugCode))
        if (item.batch == batch)
            return item.quantity;
    return -1;
}

bool PharmacyHarness::receive(const QString& drug, const QString& batch, int days, int quantity,
                              std::optional<int> reorderLevel)
{
    const auto reply =
        call(protocol::kReceiveStock,
             receipt(drug, batch, QDate::currentDate().addDays(days), quantity, reorderLevel));
    if (!reply)
        qWarning() << reply.error().toString();
    return reply.ok();
}

bool PharmacyHarness::prescribe(const protocol::Consultation& c)
{
    return publish(protocol::kVisitConsulted,
                   protocol::makeEvent(protocol::kVisitConsulted, c, doctor())) &&
           QTest::qWaitFor([&] { return pendingFor(c.id).has_value(); }, 15000);
}

bus::Result<protocol::DispenseReply>
PharmacyHarness::dispense(const QString& consultationId,
                          const QList<protocol::DispenseRequestLine>& lines, const QString& notes)
{
    return call(protocol::kDispense,
                protocol::DispenseRequest{pharmacist(), consultationId, lines, notes});
}

QList<protocol::EventEnvelope<protocol::Dispense>>
PharmacyHarness::dispensedFor(const QString& consultationId)
{
    QList<protocol::EventEnvelope<protocol::Dispense>> found;
    for (const auto& e : eventsOf(protocol::kVisitDispensed))
        if (e.payload.consultationId == consultationId)
            found.append(e);
    return found;
}

QList<protocol::StockLow> PharmacyHarness::lowEventsOf(const QString& drugCode)
{
    QList<protocol::StockLow> found;
    for (const auto& e : eventsOf(protocol::kStockLow))
        if (e.payload.drugCode == drugCode)
            found.append(e.payload);
    return found;
}

QList<protocol::StockMovement> PharmacyHarness::movementsOf(
    const bus::Event<protocol::EventEnvelope<protocol::StockMovement>>& event,
    const QString& drugCode)
{
    QList<protocol::StockMovement> found;
    for (const auto& e : eventsOf(event))
        if (e.payload.drugCode == drugCode)
            found.append(e.payload);
    return found;
}

} // namespace openopd::testing
