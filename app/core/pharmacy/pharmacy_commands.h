#pragma once

// The pharmacy's commands as app::Command objects (issue 11): each is sent once with its
// request id; when its outcome is unknown the command reads as docs/protocol.md says
// ("Which read shows a command's outcome") before anything may be repeated:
// - dispense: opd.pharmacy.prescription.get — a dispense more than the dialog knew of means
//   it was done (readBody: {"dispense": Dispense}, as the lost answer);
// - stock receive and adjust: opd.pharmacy.stock.list (the drug code, include_empty) — the
//   batch's quantity as expected after the change means done, as before means not done
//   (readBody: {"item": StockItem}).

#include "core/command.h"
#include "protocol/pharmacy_api.h"

#include <optional>

namespace openopd::app {

// dispensesBefore: how many dispenses prescription.get listed when the dialog loaded.
Command* dispenseCommand(bus::Connection& connection, const protocol::DispenseRequest& request,
                         qsizetype dispensesBefore, QObject* parent);
// quantityBefore: the batch's quantity before (0 for a new batch).
Command* receiveStockCommand(bus::Connection& connection,
                             const protocol::ReceiveStockRequest& request, int quantityBefore,
                             QObject* parent);
Command* adjustStockCommand(bus::Connection& connection,
                            const protocol::AdjustStockRequest& request, int quantityBefore,
                            QObject* parent);

std::optional<protocol::Dispense> dispenseFromReply(const QByteArray& body);
std::optional<protocol::StockItem> stockItemFromReply(const QByteArray& body);

// The reasons a pharmacist may give for an adjustment, and their words.
QList<protocol::StockReason> adjustReasons();
QString stockReasonText(protocol::StockReason reason);

} // namespace openopd::app
