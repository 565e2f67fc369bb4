// opd.pharmacy.stock.list / .receive / .adjust. A change writes the batch, the ledger row and
// its events (stock.received or stock.adjusted, and stock.low at a crossing) in one
// transaction.

#include "pharmacy/pharmacy_service.h"
#include "protocol/events.h"

namespace openopd::pharmacy {

void PharmacyService::stockList(const protocol::StockListRequest& request,
                                bus::Replier<protocol::StockListReply> replier)
{
    protocol::StockListReply reply;
    QString error;
    if (!stock().list(request, clinicToday(), &reply, &error))
        return replier.fail(503, unavailableText(error));
    replier.reply(reply);
}

void PharmacyService::receiveStock(const protocol::ReceiveStockRequest& request,
                                   bus::Replier<protocol::StockItemReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    protocol::StockItemReply reply;
    Failure failure;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            StockStore store = stock();
            protocol::StockMovement movement;
            std::optional<protocol::StockItem> item;
            if (!store.receive(request, now, &movement, &failure, workError) ||
                !store.findItem(request.drugCode, request.batch, &item, workError) || !item)
                return false;
            reply.item = *item;
            return enqueue(
                       m_host.database(), protocol::kStockReceived,
                       protocol::makeEvent(protocol::kStockReceived, movement, request.staff, now),
                       workError) &&
                   checkLow(request.drugCode, request.staff, now, workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

void PharmacyService::adjustStock(const protocol::AdjustStockRequest& request,
                                  bus::Replier<protocol::StockItemReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    protocol::StockItemReply reply;
    Failure failure;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            StockStore store = stock();
            protocol::StockMovement movement;
            std::optional<protocol::StockItem> item;
            if (!store.adjust(request, now, &movement, &failure, workError) ||
                !store.findItem(request.drugCode, request.batch, &item, workError) || !item)
                return false;
            reply.item = *item;
            return enqueue(
                       m_host.database(), protocol::kStockAdjusted,
                       protocol::makeEvent(protocol::kStockAdjusted, movement, request.staff, now),
                       workError) &&
                   checkLow(request.drugCode, request.staff, now, workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

} // namespace openopd::pharmacy
