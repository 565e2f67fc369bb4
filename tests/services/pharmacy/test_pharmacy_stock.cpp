// openopd-pharmacy stock, as a real process on a real nats-server, on SQLite and on
// PostgreSQL: stock.low fires once when a drug's unexpired total crosses down to its reorder
// level (not on every dispense while low, again after it rose above); receive and adjust
// publish their movements, refuse a changed expiry and a negative batch, and write nothing then.

#include "pharmacy_backend_test.h"

using namespace openopd;
using namespace openopd::testing;

class TestPharmacyStock : public PharmacyBackendTest
{
    Q_OBJECT

private Q_SLOTS:
    void stockLowOncePerCrossing()
    {
        const QString drug = QStringLiteral("LOW1");
        QVERIFY(m_harness.receive(drug, QStringLiteral("L1"), 300, 50, 20));
        const protocol::Consultation c =
            consultation({prescriptionLine(drug, QStringLiteral("Low 1"), 40)});
        QVERIFY(m_harness.prescribe(c));
        QVERIFY(m_harness.dispense(c.id, {{1, 20}}).ok()); // 30 left, above 20
        QTest::qWait(200);
        QVERIFY(m_harness.lowEventsOf(drug).isEmpty());
        QVERIFY(m_harness.dispense(c.id, {{1, 10}}).ok()); // 20: at the level -> stock.low
        QTRY_COMPARE(m_harness.lowEventsOf(drug).size(), 1);
        QVERIFY(m_harness.dispense(c.id, {{1, 5}}).ok()); // 15: still low, no new event
        QVERIFY(m_harness.dispense(c.id, {{1, 5}}).ok()); // 10
        QTest::qWait(300);
        QCOMPARE(m_harness.lowEventsOf(drug).size(), 1);
        QCOMPARE(m_harness.lowEventsOf(drug).at(0).totalQuantity, 20);
        QCOMPARE(m_harness.lowEventsOf(drug).at(0).reorderLevel, 20);

        protocol::StockListRequest lowOnly;
        lowOnly.lowOnly = true;
        bool listed = false;
        const auto lowList = m_harness.call(protocol::kStockList, lowOnly);
        QVERIFY(lowList.ok());
        for (const auto& item : lowList->items)
            listed = listed || item.drugCode == drug;
        QVERIFY(listed);

        QVERIFY(
            m_harness.receive(drug, QStringLiteral("L2"), 300, 30)); // 40: above again, re-armed
        protocol::AdjustStockRequest damaged{pharmacist(),
                                             drug,
                                             QStringLiteral("L2"),
                                             -25,
                                             std::nullopt,
                                             protocol::StockReason::Damaged,
                                             QStringLiteral("Crushed")};
        QVERIFY(m_harness.call(protocol::kAdjustStock, damaged).ok()); // 15: crosses again
        QTRY_COMPARE(m_harness.lowEventsOf(drug).size(), 2);
        QCOMPARE(m_harness.lowEventsOf(drug).at(1).totalQuantity, 15);
        QTest::qWait(300);
        QCOMPARE(m_harness.lowEventsOf(drug).size(), 2);
    }

    void receiveAndAdjustPublishMovements()
    {
        const QString drug = QStringLiteral("MOVE1");
        QVERIFY(m_harness.receive(drug, QStringLiteral("M1"), 365, 40, 5));
        QVERIFY(m_harness.receive(drug, QStringLiteral("M1"), 365, 60));
        auto wrongExpiry = m_harness.call(
            protocol::kReceiveStock, receipt(drug, QStringLiteral("M1"), m_today.addDays(10), 1));
        QCOMPARE(wrongExpiry.error().code, 409);
        QCOMPARE(wrongExpiry.error().field, QStringLiteral("expiry"));
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("M1")), 100);

        protocol::AdjustStockRequest adjust{pharmacist(),
                                            drug,
                                            QStringLiteral("M1"),
                                            -101,
                                            std::nullopt,
                                            protocol::StockReason::CountCorrection,
                                            {}};
        auto negative = m_harness.call(protocol::kAdjustStock, adjust);
        QCOMPARE(negative.error().code, 409);
        QCOMPARE(negative.error().field, QStringLiteral("delta"));
        QVERIFY(negative.error().message.contains(QStringLiteral("negative")));
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("M1")), 100);
        adjust.delta = -4;
        adjust.note = QStringLiteral("Counted 96");
        auto adjusted = m_harness.call(protocol::kAdjustStock, adjust);
        QVERIFY(adjusted.ok());
        QCOMPARE(adjusted->item.quantity, 96);
        adjust.delta = 0;
        adjust.reorderLevel = 30;
        QCOMPARE(m_harness.call(protocol::kAdjustStock, adjust).value().item.reorderLevel, 30);

        QTRY_COMPARE(m_harness.movementsOf(protocol::kStockReceived, drug).size(), 2);
        const QList<protocol::StockMovement> received =
            m_harness.movementsOf(protocol::kStockReceived, drug);
        QCOMPARE(received.at(0).delta, 40);
        QCOMPARE(received.at(0).quantityAfter, 40);
        QCOMPARE(received.at(1).quantityAfter, 100);
        QCOMPARE(received.at(1).reason, protocol::StockReason::Received);
        QTRY_COMPARE(m_harness.movementsOf(protocol::kStockAdjusted, drug).size(), 2);
        const QList<protocol::StockMovement> changes =
            m_harness.movementsOf(protocol::kStockAdjusted, drug);
        QCOMPARE(changes.at(0).delta, -4);
        QCOMPARE(changes.at(0).quantityAfter, 96);
        QCOMPARE(changes.at(0).reason, protocol::StockReason::CountCorrection);
        QCOMPARE(changes.at(0).note, QStringLiteral("Counted 96"));
        QCOMPARE(changes.at(1).delta, 0);
        QCOMPARE(changes.at(1).reorderLevel, 30);
    }

    void cleanupTestCase() { m_harness.stop(); }
};

QTEST_GUILESS_MAIN(TestPharmacyStock)
#include "test_pharmacy_stock.moc"
