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

// Receive and adjust differ only in the store call and the event they publish.
template <class Request>
void PharmacyService::changeStock(
    const Request& request,
    const bus::Event<protocol::EventEnvelope<protocol::StockMovement>>& event,
    StoreChange<Request> change, bus::Replier<protocol::StockItemReply> replier)
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
            if (!(store.*change)(request, now, &movement, &failure, workError) ||
                !store.findItem(request.drugCode, request.batch, &item, workError) || !item)
                return false;
            reply.item = *item;
            return enqueue(m_host.database(), event,
                           protocol::makeEvent(event, movement, request.staff, now), workError) &&
                   checkLow(request.drugCode, request.staff, now, workError);
        },
        &error);
    if (!ok)
        return replyFailure(replier, failure, error);
    replier.reply(reply);
}

void PharmacyService::receiveStock(const protocol::ReceiveStockRequest& request,
                                   bus::Replier<protocol::StockItemReply> replier)
{
    changeStock(request, protocol::kStockReceived, &StockStore::receive, std::move(replier));
}

void PharmacyService::adjustStock(const protocol::AdjustStockRequest& request,
                                  bus::Replier<protocol::StockItemReply> replier)
{
    changeStock(request, protocol::kStockAdjusted, &StockStore::adjust, std::move(replier));
}

} // namespace openopd::pharmacy
