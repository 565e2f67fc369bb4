#include "core/pharmacy/dispense_plan.h"

#include <QCoreApplication>
#include <algorithm>

namespace openopd::app {

namespace {

struct DispensePlanText
{
    Q_DECLARE_TR_FUNCTIONS(DispensePlan)
};

} // namespace

QList<DispenseLinePlan> DispensePlan::make(const protocol::PendingPrescription& prescription,
                                           const QList<protocol::StockItem>& stock, bool stockKnown,
                                           QDate today)
{
    // Unexpired batches with something in them, per drug, first expiry first (as the
    // service takes them: expiry, then batch).
    QHash<QString, QList<protocol::StockItem>> usable;
    for (const protocol::StockItem& item : stock)
        if (item.expiry >= today && item.quantity > 0)
            usable[item.drugCode].append(item);
    for (auto& batches : usable)
        std::sort(batches.begin(), batches.end(),
                  [](const protocol::StockItem& a, const protocol::StockItem& b) {
                      return a.expiry != b.expiry ? a.expiry < b.expiry : a.batch < b.batch;
                  });

    QList<DispenseLinePlan> plan;
    QHash<QString, int> taken; // what earlier lines of the same drug would take
    for (const protocol::PendingPrescriptionLine& line : prescription.lines) {
        DispenseLinePlan p;
        p.line = line.line;
        p.drugCode = line.prescription.drugCode;
        p.drugName = line.prescription.drugName;
        p.prescribed = line.prescription.quantity;
        p.dispensed = line.dispensedQuantity;
        p.remaining = std::max(0, p.prescribed - p.dispensed);
        if (stockKnown) {
            p.available = 0;
            for (const protocol::StockItem& item : usable.value(p.drugCode))
                p.available += item.quantity;
            int skip = taken.value(p.drugCode);
            int want = p.remaining;
            for (const protocol::StockItem& item : usable.value(p.drugCode)) {
                int left = item.quantity;
                const int skipped = std::min(skip, left);
                skip -= skipped;
                left -= skipped;
                if (left <= 0 || want <= 0)
                    continue;
                const int part = std::min(left, want);
                p.batches.append({item.batch, item.expiry, part});
                want -= part;
            }
            taken[p.drugCode] += p.remaining;
        }
        plan.append(p);
    }
    return plan;
}

QString DispensePlan::insufficientText(int available)
{
    return DispensePlanText::tr("Insufficient stock: %n in unexpired stock", nullptr, available);
}

DispenseCheck DispensePlan::check(const QList<DispenseLinePlan>& plan, const QList<int>& quantities,
                                  const QString& notes)
{
    DispenseCheck result;
    QHash<QString, int> needed;
    int total = 0;
    for (qsizetype i = 0; i < plan.size(); ++i) {
        const int quantity = quantities.value(i);
        const DispenseLinePlan& p = plan.at(i);
        if (quantity < 0 || quantity > p.remaining)
            result.lineErrors.insert(
                int(i), DispensePlanText::tr("At most %1 remain to be given.").arg(p.remaining));
        if (quantity < p.remaining)
            result.partial = true;
        needed[p.drugCode] += std::max(quantity, 0);
        total += std::max(quantity, 0);
    }
    // Lines of one drug share its stock: each of them is short when their sum is.
    for (qsizetype i = 0; i < plan.size(); ++i) {
        const DispenseLinePlan& p = plan.at(i);
        if (p.available >= 0 && quantities.value(i) > 0 && needed.value(p.drugCode) > p.available &&
            !result.lineErrors.contains(int(i)))
            result.lineErrors.insert(int(i), insufficientText(p.available));
    }
    if (total == 0)
        result.summary = DispensePlanText::tr("Give at least one item.");
    else if (result.partial && notes.trimmed().isEmpty())
        result.notesError =
            DispensePlanText::tr("Less than prescribed is given: say why (e.g. out of stock, "
                                 "patient returns tomorrow).");
    return result;
}

} // namespace openopd::app
