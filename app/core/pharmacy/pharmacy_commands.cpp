#include "core/pharmacy/pharmacy_commands.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"

#include <QCoreApplication>

namespace openopd::app {

namespace {

struct PharmacyCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(PharmacyCommands)
};

OutcomeCheck couldNotRead(const bus::BusError& error)
{
    return {
        OutcomeCheck::Verdict::Unknown,
        PharmacyCommandsText::tr("Could not find out whether it was done: %1").arg(userText(error)),
        {}};
}

// The batch after receive or adjust: expected quantity -> done, unchanged -> not done.
OutcomeReader batchReader(const QString& drugCode, const QString& batch, int before, int after)
{
    return [=](bus::Connection& connection, QObject* context,
               std::function<void(OutcomeCheck)> done) {
        protocol::StockListRequest read;
        read.query = drugCode;
        read.includeEmpty = true;
        read.limit = 1000;
        bus::sendRequest(
            connection, protocol::kStockList, read, context,
            [=](bus::Result<protocol::StockListReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                for (const protocol::StockItem& item : reply->items) {
                    if (item.drugCode != drugCode || item.batch != batch)
                        continue;
                    if (item.quantity == after && after != before)
                        return done({OutcomeCheck::Verdict::Done,
                                     PharmacyCommandsText::tr("Batch %1 now holds %2.")
                                         .arg(batch)
                                         .arg(item.quantity),
                                     bus::Codec<protocol::StockItemReply>::encode(
                                         protocol::StockItemReply{item})});
                    if (item.quantity == before)
                        return done({OutcomeCheck::Verdict::NotDone,
                                     PharmacyCommandsText::tr("Batch %1 still holds %2.")
                                         .arg(batch)
                                         .arg(item.quantity),
                                     {}});
                    return done({OutcomeCheck::Verdict::Unknown,
                                 PharmacyCommandsText::tr(
                                     "Batch %1 holds %2 (changed by someone else meanwhile): "
                                     "check the stock before repeating.")
                                     .arg(batch)
                                     .arg(item.quantity),
                                 {}});
                }
                if (before == 0)
                    return done({OutcomeCheck::Verdict::NotDone,
                                 PharmacyCommandsText::tr("Batch %1 is not in stock.").arg(batch),
                                 {}});
                return done({OutcomeCheck::Verdict::Unknown,
                             PharmacyCommandsText::tr("Batch %1 was not found.").arg(batch),
                             {}});
            });
    };
}

} // namespace

Command* dispenseCommand(bus::Connection& connection, const protocol::DispenseRequest& request,
                         qsizetype dispensesBefore, QObject* parent)
{
    OutcomeReader reader = [consultationId = request.consultationId,
                            dispensesBefore](bus::Connection& readOn, QObject* context,
                                             std::function<void(OutcomeCheck)> done) {
        bus::sendRequest(
            readOn, protocol::kGetPrescription, protocol::GetPrescriptionRequest{consultationId},
            context, [done, dispensesBefore](bus::Result<protocol::PrescriptionReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                if (reply->dispenses.size() > dispensesBefore) {
                    const protocol::Dispense& last = reply->dispenses.constLast();
                    return done({OutcomeCheck::Verdict::Done,
                                 PharmacyCommandsText::tr("It was dispensed by %1.")
                                     .arg(last.dispensedBy.name),
                                 bus::Codec<protocol::DispenseReply>::encode(
                                     protocol::DispenseReply{last})});
                }
                // The list is full: a new dispense may be beyond it.
                if (reply->dispenses.size() >= protocol::kMaxDispensesPerPrescription)
                    return done({OutcomeCheck::Verdict::Unknown,
                                 PharmacyCommandsText::tr(
                                     "The prescription has too many dispenses to tell."),
                                 {}});
                return done({OutcomeCheck::Verdict::NotDone,
                             PharmacyCommandsText::tr("Nothing more was dispensed."),
                             {}});
            });
    };
    return new Command(connection, protocol::kDispense.subjectBytes(),
                       bus::Codec<protocol::DispenseRequest>::encode(request), std::move(reader),
                       parent);
}

Command* receiveStockCommand(bus::Connection& connection,
                             const protocol::ReceiveStockRequest& request, int quantityBefore,
                             QObject* parent)
{
    return new Command(connection, protocol::kReceiveStock.subjectBytes(),
                       bus::Codec<protocol::ReceiveStockRequest>::encode(request),
                       batchReader(request.drugCode, request.batch, quantityBefore,
                                   quantityBefore + request.quantity),
                       parent);
}

Command* adjustStockCommand(bus::Connection& connection,
                            const protocol::AdjustStockRequest& request, int quantityBefore,
                            QObject* parent)
{
    // A reorder level alone leaves the quantity: the read cannot tell, so it says so.
    return new Command(connection, protocol::kAdjustStock.subjectBytes(),
                       bus::Codec<protocol::AdjustStockRequest>::encode(request),
                       batchReader(request.drugCode, request.batch, quantityBefore,
                                   quantityBefore + request.delta),
                       parent);
}

std::optional<protocol::Dispense> dispenseFromReply(const QByteArray& body)
{
    auto reply = bus::Codec<protocol::DispenseReply>::decode(body);
    return reply ? std::optional<protocol::Dispense>(reply->dispense) : std::nullopt;
}

std::optional<protocol::StockItem> stockItemFromReply(const QByteArray& body)
{
    auto reply = bus::Codec<protocol::StockItemReply>::decode(body);
    return reply ? std::optional<protocol::StockItem>(reply->item) : std::nullopt;
}

QList<protocol::StockReason> adjustReasons()
{
    using protocol::StockReason;
    return {StockReason::CountCorrection, StockReason::Damaged, StockReason::Expired,
            StockReason::Returned, StockReason::Other};
}

QString stockReasonText(protocol::StockReason reason)
{
    using protocol::StockReason;
    switch (reason) {
    case StockReason::Received:
        return PharmacyCommandsText::tr("Received");
    case StockReason::Dispensed:
        return PharmacyCommandsText::tr("Dispensed");
    case StockReason::CountCorrection:
        return PharmacyCommandsText::tr("Count correction");
    case StockReason::Damaged:
        return PharmacyCommandsText::tr("Damaged");
    case StockReason::Expired:
        return PharmacyCommandsText::tr("Expired");
    case StockReason::Returned:
        return PharmacyCommandsText::tr("Returned");
    case StockReason::Other:
        break;
    }
    return PharmacyCommandsText::tr("Other");
}

} // namespace openopd::app
