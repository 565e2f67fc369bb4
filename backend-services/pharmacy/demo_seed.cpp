#include "pharmacy/demo_seed.h"

#include "pharmacy/stock_store.h"
#include "protocol/events.h"

namespace openopd::pharmacy {

bool seedDemo(host::ServiceHost& host, int* newBatches, QString* error)
{
    host::Database& db = host.database();
    const protocol::StaffRef seeder{QStringLiteral("demo-seed"), QStringLiteral("Demo data"),
                                    protocol::StaffRole::System};
    const QDate today = clinicToday();
    const QDateTime now = protocol::nowUtc();
    const QList<DemoDrug> formulary = demoFormulary();
    *newBatches = 0;
    int added = 0;
    Failure failure;
    const bool ok = host.commit(
        [&](QSqlDatabase&, QString* workError) {
            StockStore store(db);
            for (const DemoDrug& drug : formulary) {
                bool changed = false;
                for (const DemoBatch& batch : drug.batches) {
                    std::optional<protocol::StockItem> existing;
                    if (!store.findItem(drug.code, batch.batch, &existing, workError))
                        return false;
                    if (existing)
                        continue; // seeded before (and maybe dispensed from since): keep it
                    protocol::ReceiveStockRequest receipt{
                        seeder,         drug.code,         drug.name,
                        drug.unit,      batch.batch,       today.addDays(batch.expiresInDays),
                        batch.quantity, drug.reorderLevel, QStringLiteral("Demo data")};
                    protocol::StockMovement movement;
                    if (!store.receive(receipt, now, &movement, &failure, workError) ||
                        !enqueue(
                            db, protocol::kStockReceived,
                            protocol::makeEvent(protocol::kStockReceived, movement, seeder, now),
                            workError))
                        return false;
                    changed = true;
                    ++added;
                }
                std::optional<protocol::StockLow> crossed;
                if (changed && !store.updateLowState(drug.code, today, now, &crossed, workError))
                    return false;
                if (crossed &&
                    !enqueue(db, protocol::kStockLow,
                             protocol::makeEvent(protocol::kStockLow, *crossed, seeder, now),
                             workError))
                    return false;
            }
            return true;
        },
        error);
    if (!ok && failure.isSet())
        *error = failure.message;
    if (ok)
        *newBatches = added;
    return ok;
}

} // namespace openopd::pharmacy
