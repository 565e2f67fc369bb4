#pragma once

// The formulary and its stock batches (tables drugs, stock_batches, stock_movements).
// Write methods run inside the caller's transaction; a Failure (404/409) means the caller
// must roll back. Every change of a batch leaves a stock_movements row (who, when, why).

#include "pharmacy/sql_values.h"
#include "protocol/pharmacy_api.h"

#include <optional>

namespace openopd::pharmacy {

struct Drug
{
    QString code;
    QString name;
    QString unit;
    int reorderLevel = 0;
    bool low = false; // a stock.low was sent and the total has not risen above the level since
};

class StockStore
{
public:
    explicit StockStore(host::Database& db) : m_db(db) {}

    bool findDrug(const QString& code, std::optional<Drug>* drug, QString* error);
    bool findItem(const QString& drugCode, const QString& batch,
                  std::optional<protocol::StockItem>* item, QString* error);
    bool list(const protocol::StockListRequest& request, QDate today,
              protocol::StockListReply* reply, QString* error);
    // The drug's quantity in batches that have not expired by `today`.
    bool usableTotal(const QString& drugCode, QDate today, int* total, QString* error);

    // A delivery: creates the drug and/or the batch when new, else adds to the batch.
    // 409 (expiry) when the batch exists with another expiry, 409 (quantity) above 1000000.
    bool receive(const protocol::ReceiveStockRequest& request, const QDateTime& now,
                 protocol::StockMovement* movement, Failure* failure, QString* error);
    // A correction: 404 (drug_code / batch) when unknown, 409 (delta) when the batch would go
    // below 0 or above 1000000.
    bool adjust(const protocol::AdjustStockRequest& request, const QDateTime& now,
                protocol::StockMovement* movement, Failure* failure, QString* error);
    // Takes quantity from the drug's unexpired batches, first expiry first out (ties: batch
    // code). The caller has checked usableTotal(); 409 if the stock changed meanwhile.
    bool take(const QString& drugCode, int quantity, QDate today, const QString& dispenseId,
              const protocol::StaffRef& staff, const QDateTime& now,
              QList<protocol::BatchQuantity>* taken, Failure* failure, QString* error);
    // After any change of the drug: sets `low` when its usable total is at or below the
    // reorder level and clears it when above. *crossed is the stock.low payload when the flag
    // was just set (once per crossing, whichever instance gets there first).
    bool updateLowState(const QString& drugCode, QDate today, const QDateTime& now,
                        std::optional<protocol::StockLow>* crossed, QString* error);

private:
    struct Movement
    {
        QString drugCode;
        QString batch;
        int delta = 0;
        int quantityAfter = 0;
        int reorderLevel = 0;
        protocol::StockReason reason = protocol::StockReason::Received;
        QString note;
        QString dispenseId;
    };
    bool record(const Movement& movement, const protocol::StaffRef& staff, const QDateTime& now,
                QString* error);
    bool batchRow(const QString& drugCode, const QString& batch, std::optional<QDate>* expiry,
                  int* quantity, QString* error);

    host::Database& m_db;
};

} // namespace openopd::pharmacy
