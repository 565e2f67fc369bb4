// The writing half of StockStore: deliveries, corrections, first-expiry-first-out takes,
// and the stock ledger.
#include "pharmacy/pharmacy_text.h"
#include "pharmacy/stock_store.h"
#include "protocol/errors.h"
#include "protocol/limits.h"

namespace openopd::pharmacy {

using protocol::StockReason;
namespace errors = protocol::errors;

namespace {
constexpr int kMaxQuantity = protocol::limits::kMaxQuantity;
} // namespace

bool StockStore::receive(const protocol::ReceiveStockRequest& r, const QDateTime& now,
                         protocol::StockMovement* movement, Failure* failure, QString* error)
{
    const QString at = timeToText(now);
    const QString by = staffToText(r.staff);
    std::optional<Drug> drug;
    if (!findDrug(r.drugCode, &drug, error))
        return false;
    if (!drug) {
        drug = Drug{r.drugCode, r.drugName, r.unit, r.reorderLevel.value_or(0), false};
        if (!m_db.run(
                QStringLiteral("INSERT INTO drugs (code, name, unit, reorder_level, low,"
                               " created_at, created_by, updated_at, updated_by)"
                               " VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)"),
                {r.drugCode, r.drugName, textOrNull(r.unit), drug->reorderLevel, at, by, at, by},
                error))
            return false;
    } else if (r.reorderLevel || (drug->unit.isEmpty() && !r.unit.isEmpty())) {
        // The formulary keeps its name; a delivery may set the reorder level and a missing unit.
        drug->reorderLevel = r.reorderLevel.value_or(drug->reorderLevel);
        if (drug->unit.isEmpty())
            drug->unit = r.unit;
        if (!m_db.run(QStringLiteral("UPDATE drugs SET reorder_level = ?, unit = ?,"
                                     " updated_at = ?, updated_by = ? WHERE code = ?"),
                      {drug->reorderLevel, textOrNull(drug->unit), at, by, r.drugCode}, error))
            return false;
    }

    std::optional<QDate> expiry;
    int quantity = 0;
    if (!batchRow(r.drugCode, r.batch, &expiry, &quantity, error))
        return false;
    if (expiry && *expiry != r.expiry) {
        failure->set(errors::kConflict,
                     Text::tr("Batch %1 of %2 is recorded with expiry %3, not %4.")
                         .arg(r.batch, drug->name, dateToText(*expiry), dateToText(r.expiry)),
                     QStringLiteral("expiry"));
        return false;
    }
    if (expiry && quantity > kMaxQuantity - r.quantity) {
        failure->set(errors::kConflict,
                     Text::tr("Batch %1 of %2 holds %3; adding %4 would pass the limit of %5.")
                         .arg(r.batch, drug->name)
                         .arg(quantity)
                         .arg(r.quantity)
                         .arg(kMaxQuantity),
                     QStringLiteral("quantity"));
        return false;
    }
    const bool written =
        expiry ? m_db.run(QStringLiteral("UPDATE stock_batches SET quantity = quantity + ?,"
                                         " updated_at = ?, updated_by = ?"
                                         " WHERE drug_code = ? AND batch = ?"),
                          {r.quantity, at, by, r.drugCode, r.batch}, error)
                     .has_value()
               : m_db.run(QStringLiteral("INSERT INTO stock_batches (drug_code, batch, expiry,"
                                         " quantity, received_at, received_by, updated_at,"
                                         " updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                          {r.drugCode, r.batch, dateToText(r.expiry), r.quantity, at, by, at, by},
                          error)
                     .has_value();
    if (!written)
        return false;
    *movement = {r.drugCode,
                 drug->name,
                 r.batch,
                 r.expiry,
                 r.quantity,
                 quantity + r.quantity,
                 drug->reorderLevel,
                 StockReason::Received,
                 r.note,
                 now};
    return record({r.drugCode,
                   r.batch,
                   r.quantity,
                   movement->quantityAfter,
                   drug->reorderLevel,
                   StockReason::Received,
                   r.note,
                   {}},
                  r.staff, now, error);
}

bool StockStore::adjust(const protocol::AdjustStockRequest& r, const QDateTime& now,
                        protocol::StockMovement* movement, Failure* failure, QString* error)
{
    std::optional<Drug> drug;
    if (!findDrug(r.drugCode, &drug, error))
        return false;
    if (!drug) {
        failure->set(errors::kNotFound,
                     Text::tr("There is no drug %1 in the formulary.").arg(r.drugCode),
                     QStringLiteral("drug_code"));
        return false;
    }
    std::optional<QDate> expiry;
    int quantity = 0;
    if (!batchRow(r.drugCode, r.batch, &expiry, &quantity, error))
        return false;
    if (!expiry) {
        failure->set(errors::kNotFound, Text::tr("%1 has no batch %2.").arg(drug->name, r.batch),
                     QStringLiteral("batch"));
        return false;
    }
    const int after = quantity + r.delta;
    if (after < 0) {
        failure->set(errors::kConflict,
                     Text::tr("Batch %1 of %2 holds %3; removing %4 would make it negative.")
                         .arg(r.batch, drug->name)
                         .arg(quantity)
                         .arg(-r.delta),
                     QStringLiteral("delta"));
        return false;
    }
    if (after > kMaxQuantity) {
        failure->set(errors::kConflict,
                     Text::tr("Batch %1 of %2 would hold more than %3.")
                         .arg(r.batch, drug->name)
                         .arg(kMaxQuantity),
                     QStringLiteral("delta"));
        return false;
    }
    const QString at = timeToText(now);
    const QString by = staffToText(r.staff);
    // The guard keeps the batch from going negative against a concurrent writer.
    auto updated = m_db.run(QStringLiteral("UPDATE stock_batches SET quantity = quantity + ?,"
                                           " updated_at = ?, updated_by = ? WHERE drug_code = ?"
                                           " AND batch = ? AND quantity + ? >= 0"),
                            {r.delta, at, by, r.drugCode, r.batch, r.delta}, error);
    if (!updated)
        return false;
    if (updated->numRowsAffected() != 1) {
        failure->set(errors::kConflict,
                     Text::tr("The stock of %1 changed meanwhile; try again.").arg(drug->name),
                     QStringLiteral("delta"));
        return false;
    }
    if (r.reorderLevel) {
        drug->reorderLevel = *r.reorderLevel;
        if (!m_db.run(QStringLiteral("UPDATE drugs SET reorder_level = ?, updated_at = ?,"
                                     " updated_by = ? WHERE code = ?"),
                      {drug->reorderLevel, at, by, r.drugCode}, error))
            return false;
    }
    *movement = {r.drugCode, drug->name,         r.batch,  *expiry, r.delta,
                 after,      drug->reorderLevel, r.reason, r.note,  now};
    return record({r.drugCode, r.batch, r.delta, after, drug->reorderLevel, r.reason, r.note, {}},
                  r.staff, now, error);
}

bool StockStore::take(const QString& drugCode, int quantity, QDate today, const QString& dispenseId,
                      const protocol::StaffRef& staff, const QDateTime& now,
                      QList<protocol::BatchQuantity>* taken, Failure* failure, QString* error)
{
    QList<protocol::BatchQuantity> plan;
    {
        auto query = m_db.run(QStringLiteral("SELECT batch, expiry, quantity FROM stock_batches"
                                             " WHERE drug_code = ? AND expiry >= ? AND quantity > 0"
                                             " ORDER BY expiry, batch"),
                              {drugCode, dateToText(today)}, error);
        if (!query)
            return false;
        int left = quantity;
        while (left > 0 && query->next()) {
            const int part = qMin(left, query->value(2).toInt());
            plan.append({query->value(0).toString(), dateFromText(query->value(1)), part});
            left -= part;
        }
        if (left > 0) {
            failure->set(errors::kConflict,
                         Text::tr("The stock of %1 changed meanwhile; try again.").arg(drugCode));
            return false;
        }
    }
    if (plan.size() > protocol::limits::kMaxBatchesPerLine) {
        failure->set(errors::kConflict,
                     Text::tr("%1 of %2 would come from more than %3 batches; dispense it in "
                              "smaller parts.")
                         .arg(quantity)
                         .arg(drugCode)
                         .arg(protocol::limits::kMaxBatchesPerLine));
        return false;
    }
    std::optional<Drug> drug;
    if (!findDrug(drugCode, &drug, error))
        return false;
    const QString at = timeToText(now);
    const QString by = staffToText(staff);
    for (const protocol::BatchQuantity& part : std::as_const(plan)) {
        auto updated =
            m_db.run(QStringLiteral("UPDATE stock_batches SET quantity = quantity - ?,"
                                    " updated_at = ?, updated_by = ? WHERE drug_code = ?"
                                    " AND batch = ? AND quantity >= ?"),
                     {part.quantity, at, by, drugCode, part.batch, part.quantity}, error);
        if (!updated)
            return false;
        if (updated->numRowsAffected() != 1) {
            failure->set(errors::kConflict,
                         Text::tr("The stock of %1 changed meanwhile; try again.").arg(drugCode));
            return false;
        }
        std::optional<QDate> expiry;
        int after = 0;
        if (!batchRow(drugCode, part.batch, &expiry, &after, error))
            return false;
        if (!record({drugCode,
                     part.batch,
                     -part.quantity,
                     after,
                     drug ? drug->reorderLevel : 0,
                     StockReason::Dispensed,
                     {},
                     dispenseId},
                    staff, now, error))
            return false;
    }
    *taken = std::move(plan);
    return true;
}

bool StockStore::record(const Movement& m, const protocol::StaffRef& staff, const QDateTime& now,
                        QString* error)
{
    return m_db
        .run(QStringLiteral("INSERT INTO stock_movements (drug_code, batch, delta, quantity_after,"
                            " reorder_level, reason, note, dispense_id, at, staff_id, staff)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {m.drugCode, m.batch, m.delta, m.quantityAfter, m.reorderLevel,
              protocol::toWire(m.reason), textOrNull(m.note), textOrNull(m.dispenseId),
              timeToText(now), staff.id, staffToText(staff)},
             error)
        .has_value();
}

} // namespace openopd::pharmacy
