// The pharmacy's rules without a bus or widgets (issue 11): the dispense plan (first-expiry-
// first-out batches from unexpired stock, stock shared by lines of one drug, what a choice
// breaks) and the stock status marks (low stock, near expiry, expired) at their boundaries.

#include "core/pharmacy/dispense_plan.h"
#include "core/pharmacy/stock_model.h"

#include <QTest>

using namespace openopd;
using namespace openopd::app;

namespace {

const QDate kToday(2026, 3, 10);

protocol::StockItem batch(const QString& code, const QString& name, int expiresInDays, int quantity,
                          int reorderLevel = 10)
{
    protocol::StockItem item;
    item.drugCode = code;
    item.drugName = QStringLiteral("Drug ") + code;
    item.batch = name;
    item.expiry = kToday.addDays(expiresInDays);
    item.quantity = quantity;
    item.reorderLevel = reorderLevel;
    return item;
}

protocol::PendingPrescriptionLine line(int number, const QString& code, int quantity,
                                       int dispensed = 0)
{
    protocol::PendingPrescriptionLine l;
    l.line = number;
    l.prescription.drugCode = code;
    l.prescription.drugName = QStringLiteral("Drug ") + code;
    l.prescription.quantity = quantity;
    l.dispensedQuantity = dispensed;
    return l;
}

} // namespace

class TestAppPharmacyPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void suggestsTheFirstExpiringUnexpiredBatch()
    {
        protocol::PendingPrescription p;
        p.lines = {line(1, QStringLiteral("A"), 30)};
        const QList<protocol::StockItem> stock{
            batch(QStringLiteral("A"), QStringLiteral("LATE"), 400, 100),
            batch(QStringLiteral("A"), QStringLiteral("EXPIRED"), -1, 100),
            batch(QStringLiteral("A"), QStringLiteral("EMPTY"), 5, 0),
            batch(QStringLiteral("A"), QStringLiteral("TODAY"), 0, 20), // usable on its day
            batch(QStringLiteral("B"), QStringLiteral("OTHER"), 1, 100)};
        const QList<DispenseLinePlan> plan = DispensePlan::make(p, stock, true, kToday);
        QCOMPARE(plan.size(), 1);
        QCOMPARE(plan.at(0).available, 120);
        QCOMPARE(plan.at(0).remaining, 30);
        QCOMPARE(plan.at(0).suggested()->batch, QStringLiteral("TODAY"));
        QCOMPARE(plan.at(0).batches.size(), 2); // 20 from TODAY, 10 from LATE
        QCOMPARE(plan.at(0).batches.at(1).batch, QStringLiteral("LATE"));
        QCOMPARE(plan.at(0).batches.at(1).quantity, 10);
    }

    void linesOfOneDrugShareItsStock()
    {
        protocol::PendingPrescription p;
        p.lines = {line(1, QStringLiteral("A"), 6), line(2, QStringLiteral("A"), 6, 2)};
        const QList<protocol::StockItem> stock{
            batch(QStringLiteral("A"), QStringLiteral("A1"), 10, 5),
            batch(QStringLiteral("A"), QStringLiteral("A2"), 20, 4)};
        const QList<DispenseLinePlan> plan = DispensePlan::make(p, stock, true, kToday);
        QCOMPARE(plan.at(1).remaining, 4);
        // Line 1 takes A1 (5) and 1 of A2: line 2 starts in A2.
        QCOMPARE(plan.at(1).suggested()->batch, QStringLiteral("A2"));
        // 6 + 4 = 10 > 9 in stock: both lines are short.
        const DispenseCheck both = DispensePlan::check(plan, {6, 4}, {});
        QVERIFY(both.lineErrors.value(0).startsWith(QStringLiteral("Insufficient stock")));
        QVERIFY(both.lineErrors.value(1).startsWith(QStringLiteral("Insufficient stock")));
        // 6 + 3 fits, but is less than remains: a reason is needed.
        const DispenseCheck partial = DispensePlan::check(plan, {6, 3}, {});
        QVERIFY(partial.lineErrors.isEmpty());
        QVERIFY(partial.partial);
        QVERIFY(!partial.notesError.isEmpty());
        QVERIFY(DispensePlan::check(plan, {6, 3}, QStringLiteral("short")).ok());
    }

    void aChoiceIsChecked()
    {
        protocol::PendingPrescription p;
        p.lines = {line(1, QStringLiteral("A"), 5)};
        const QList<protocol::StockItem> stock{
            batch(QStringLiteral("A"), QStringLiteral("A1"), 10, 50)};
        const QList<DispenseLinePlan> plan = DispensePlan::make(p, stock, true, kToday);
        QVERIFY(DispensePlan::check(plan, {5}, {}).ok()); // all: no reason needed
        QVERIFY(!DispensePlan::check(plan, {0}, QStringLiteral("x")).summary.isEmpty());
        QVERIFY(DispensePlan::check(plan, {6}, {}).lineErrors.contains(0)); // above remaining
        // Stock not read yet: no shortage is claimed.
        const QList<DispenseLinePlan> unknown = DispensePlan::make(p, {}, false, kToday);
        QCOMPARE(unknown.at(0).available, -1);
        QVERIFY(DispensePlan::check(unknown, {5}, {}).ok());
    }

    void stockStatusAtItsBoundaries()
    {
        const auto status = [](int days, int total, int reorder) {
            return StockModel::statusOf(
                batch(QStringLiteral("A"), QStringLiteral("A1"), days, total, reorder), total,
                kToday);
        };
        QCOMPARE(status(kNearExpiryDays + 1, 11, 10), int(StockModel::Ok));
        QCOMPARE(status(kNearExpiryDays, 11, 10), int(StockModel::NearExpiry));
        QCOMPARE(status(0, 11, 10), int(StockModel::NearExpiry));
        QCOMPARE(status(-1, 11, 10), int(StockModel::Expired));
        QCOMPARE(status(200, 10, 10), int(StockModel::Low)); // at the reorder level
        QCOMPARE(StockModel::statusText(StockModel::Low | StockModel::NearExpiry),
                 QStringLiteral("Low stock, Expires soon"));
    }

    void theModelTotalsUnexpiredBatchesPerDrug()
    {
        StockModel model;
        model.setToday(kToday);
        model.resetItems({batch(QStringLiteral("A"), QStringLiteral("OLD"), -5, 100, 20),
                          batch(QStringLiteral("A"), QStringLiteral("NEW"), 300, 15, 20),
                          batch(QStringLiteral("B"), QStringLiteral("B1"), 300, 50, 20)});
        // 100 expired do not count: A is low (15 <= 20), on both its rows.
        QVERIFY(model.statusAt(0) & StockModel::Low);
        QVERIFY(model.statusAt(0) & StockModel::Expired);
        QCOMPARE(model.statusAt(1), int(StockModel::Low));
        QCOMPARE(model.statusAt(2), int(StockModel::Ok));
        QCOMPARE(model.index(1, StockModel::StatusColumn).data().toString(),
                 QStringLiteral("Low stock"));
        QCOMPARE(model.index(2, StockModel::StatusColumn).data(Qt::AccessibleTextRole).toString(),
                 QStringLiteral("In stock"));
    }
};

QTEST_GUILESS_MAIN(TestAppPharmacyPlan)
#include "test_app_pharmacy_plan.moc"
