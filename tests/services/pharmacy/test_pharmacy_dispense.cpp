// openopd-pharmacy dispensing and stock, as a real process on a real nats-server, on SQLite and
// on PostgreSQL: visit.consulted creates the work exactly once; first-expiry-first-out skips
// expired batches; short stock is refused with 409 and changes nothing; partial dispenses leave
// the remainder pending; visit.dispensed carries the dispense; stock.low fires once per
// crossing; receive/adjust publish their movements; visit.discharged closes the pending work.

#include "bus/nats_library.h"
#include "pharmacy_harness.h"

#include <csignal>

using namespace openopd;
using namespace openopd::testing;
using protocol::BatchQuantity;

class TestPharmacyDispense : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PharmacyHarness m_harness;
    QString m_backend;
    QDate m_today = QDate::currentDate();

    std::optional<protocol::PendingPrescription> pendingFor(const QString& consultationId)
    {
        protocol::PendingPrescriptionsRequest request;
        request.limit = 200;
        const auto reply = m_harness.call(protocol::kPendingPrescriptions, request);
        if (!reply)
            return std::nullopt;
        for (const auto& p : reply->prescriptions)
            if (p.consultationId == consultationId)
                return p;
        return std::nullopt;
    }
    QList<protocol::LabOrder> labOrdersFor(const QString& consultationId)
    {
        protocol::PendingLabOrdersRequest request;
        request.limit = 200;
        QList<protocol::LabOrder> orders;
        const auto reply = m_harness.call(protocol::kPendingLabOrders, request);
        if (!reply)
            return orders;
        for (const auto& o : reply->orders)
            if (o.consultationId == consultationId)
                orders.append(o);
        return orders;
    }
    QList<protocol::StockItem> stockOf(const QString& drugCode)
    {
        protocol::StockListRequest request;
        request.query = drugCode;
        request.includeEmpty = true;
        QList<protocol::StockItem> items;
        const auto reply = m_harness.call(protocol::kStockList, request);
        if (!reply)
            return items;
        for (const auto& item : reply->items)
            if (item.drugCode == drugCode)
                items.append(item);
        return items;
    }
    int quantityOf(const QString& drugCode, const QString& batch)
    {
        for (const auto& item : stockOf(drugCode))
            if (item.batch == batch)
                return item.quantity;
        return -1;
    }
    bool receive(const QString& drug, const QString& batch, int days, int quantity,
                 std::optional<int> reorderLevel = std::nullopt)
    {
        const auto reply =
            m_harness.call(protocol::kReceiveStock,
                           receipt(drug, batch, m_today.addDays(days), quantity, reorderLevel));
        if (!reply)
            qWarning() << reply.error().toString();
        return reply.ok();
    }
    // Publishes the consultation and waits until its prescription is pending.
    bool prescribe(const protocol::Consultation& c)
    {
        return m_harness.publish(protocol::kVisitConsulted,
                                 protocol::makeEvent(protocol::kVisitConsulted, c, doctor())) &&
               QTest::qWaitFor([&] { return pendingFor(c.id).has_value(); }, 15000);
    }
    bus::Result<protocol::DispenseReply> dispense(const QString& consultationId,
                                                  QList<protocol::DispenseRequestLine> lines,
                                                  const QString& notes = {})
    {
        return m_harness.call(protocol::kDispense, protocol::DispenseRequest{
                                                       pharmacist(), consultationId, lines, notes});
    }
    QList<protocol::EventEnvelope<protocol::Dispense>> dispensedFor(const QString& consultationId)
    {
        QList<protocol::EventEnvelope<protocol::Dispense>> found;
        for (const auto& e : m_harness.eventsOf(protocol::kVisitDispensed))
            if (e.payload.consultationId == consultationId)
                found.append(e);
        return found;
    }
    QList<protocol::StockLow> lowEventsOf(const QString& drugCode)
    {
        QList<protocol::StockLow> found;
        for (const auto& e : m_harness.eventsOf(protocol::kStockLow))
            if (e.payload.drugCode == drugCode)
                found.append(e.payload);
        return found;
    }

    QList<protocol::StockMovement>
    movementsOf(const bus::Event<protocol::EventEnvelope<protocol::StockMovement>>& event,
                const QString& drugCode)
    {
        QList<protocol::StockMovement> found;
        for (const auto& e : m_harness.eventsOf(event))
            if (e.payload.drugCode == drugCode)
                found.append(e.payload);
        return found;
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != m_backend) {
            QVERIFY2(m_harness.start(backend), qPrintable(m_harness.error()));
            m_backend = backend;
        }
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_harness.serviceLog();
    }

    void consultedCreatesPendingWorkOnce()
    {
        const protocol::Consultation c = consultation(
            {prescriptionLine(QStringLiteral("ONCE1"), QStringLiteral("Once 1"), 10),
             prescriptionLine(QStringLiteral("ONCE2"), QStringLiteral("Once 2"), 4)},
            {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"), true),
             labOrderLine(QStringLiteral("CRP"), QStringLiteral("C-reactive protein"))});
        const auto event = protocol::makeEvent(protocol::kVisitConsulted, c, doctor());
        bool duplicate = true;
        QVERIFY(m_harness.publish(protocol::kVisitConsulted, event, {}, &duplicate));
        QVERIFY(!duplicate);
        // The same event again: the stream drops it by Nats-Msg-Id.
        QVERIFY(m_harness.publish(protocol::kVisitConsulted, event, {}, &duplicate));
        QVERIFY(duplicate);
        // The same consultation delivered again under another id: the service ignores it.
        QVERIFY(m_harness.publish(protocol::kVisitConsulted, event, protocol::newId(), &duplicate));
        QVERIFY(!duplicate);
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-orders"));

        const auto pending = pendingFor(c.id);
        QVERIFY(pending.has_value());
        QCOMPARE(pending->visitId, c.visitId);
        QCOMPARE(pending->patientId, c.patientId);
        QCOMPARE(pending->patientName, c.patientName);
        QCOMPARE(pending->prescribedBy, doctor());
        QCOMPARE(pending->prescribedAt, c.savedAt);
        QCOMPARE(pending->lines.size(), 2);
        QCOMPARE(pending->lines.at(0).line, 1);
        QCOMPARE(pending->lines.at(0).prescription, c.content.prescriptions.at(0));
        QCOMPARE(pending->lines.at(1).line, 2);
        QCOMPARE(pending->lines.at(1).dispensedQuantity, 0);
        const QList<protocol::LabOrder> orders = labOrdersFor(c.id);
        QCOMPARE(orders.size(), 2);
        QCOMPARE(orders.at(0).line, 1); // urgent first
        QCOMPARE(orders.at(0).test, c.content.labOrders.at(0));
        QCOMPARE(orders.at(0).state, protocol::LabOrderState::Ordered);
        QCOMPARE(orders.at(1).line, 2);
        QCOMPARE(orders.at(1).orderedBy, doctor());
        QVERIFY(orders.at(0).id != orders.at(1).id);
        QVERIFY(m_harness.serviceLog().contains(QStringLiteral("no new prescription")));
    }

    void fefoSkipsExpiredBatches()
    {
        const QString drug = QStringLiteral("FEFO1");
        QVERIFY(receive(drug, QStringLiteral("EXPIRED"), -10, 50));
        QVERIFY(receive(drug, QStringLiteral("LATE"), 400, 100));
        QVERIFY(receive(drug, QStringLiteral("SOON"), 30, 20));
        QVERIFY(receive(drug, QStringLiteral("MID"), 200, 30));
        const protocol::Consultation c =
            consultation({prescriptionLine(drug, QStringLiteral("Fefo 1"), 40)});
        QVERIFY(prescribe(c));
        const auto reply = dispense(c.id, {{1, 40}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const protocol::Dispense& d = reply->dispense;
        QCOMPARE(d.lines.size(), 1);
        QCOMPARE(d.lines.at(0).quantity, 40);
        const QList<BatchQuantity> expected{{QStringLiteral("SOON"), m_today.addDays(30), 20},
                                            {QStringLiteral("MID"), m_today.addDays(200), 20}};
        QCOMPARE(d.lines.at(0).batches, expected);
        QVERIFY(!d.partial);
        QCOMPARE(quantityOf(drug, QStringLiteral("EXPIRED")), 50);
        QCOMPARE(quantityOf(drug, QStringLiteral("SOON")), 0);
        QCOMPARE(quantityOf(drug, QStringLiteral("MID")), 10);
        QCOMPARE(quantityOf(drug, QStringLiteral("LATE")), 100);
        QVERIFY(!pendingFor(c.id).has_value()); // dispensed in full
    }

    void shortStockIsRefusedAndChangesNothing()
    {
        const QString drug = QStringLiteral("SHORT1");
        QVERIFY(receive(drug, QStringLiteral("OLD"), -1, 100)); // expired: does not count
        QVERIFY(receive(drug, QStringLiteral("A"), 100, 10));
        QVERIFY(receive(QStringLiteral("PLENTY1"), QStringLiteral("P"), 100, 50));
        const protocol::Consultation c = consultation(
            {prescriptionLine(QStringLiteral("PLENTY1"), QStringLiteral("Plenty 1"), 5),
             prescriptionLine(drug, QStringLiteral("Shortol 250 mg tablet"), 15)});
        QVERIFY(prescribe(c));
        const qint64 eventsBefore = m_harness.stored(QStringLiteral("opd.events.>"));
        const auto reply = dispense(c.id, {{1, 5}, {2, 15}});
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().code, 409);
        QCOMPARE(reply.error().field, QStringLiteral("lines[1].quantity"));
        const QString message = reply.error().message;
        QVERIFY2(message.contains(QStringLiteral("Shortol 250 mg tablet (SHORT1)")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("15 needed, 10 in unexpired stock, short by 5")),
                 qPrintable(message));
        // Nothing written: stock, prescription and events as before.
        QCOMPARE(quantityOf(drug, QStringLiteral("A")), 10);
        QCOMPARE(quantityOf(drug, QStringLiteral("OLD")), 100);
        QCOMPARE(quantityOf(QStringLiteral("PLENTY1"), QStringLiteral("P")), 50);
        QCOMPARE(pendingFor(c.id).value().lines.at(0).dispensedQuantity, 0);
        QCOMPARE(pendingFor(c.id).value().lines.at(1).dispensedQuantity, 0);
        QTest::qWait(300);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.>")), eventsBefore);
        QVERIFY(dispensedFor(c.id).isEmpty());
        // What is there can still be given.
        QVERIFY(dispense(c.id, {{1, 5}, {2, 10}}).ok());
    }

    void partialDispenseLeavesTheRemainderPending()
    {
        QVERIFY(receive(QStringLiteral("PART1"), QStringLiteral("P1"), 300, 100));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("PART1"), QStringLiteral("Part 1"), 30),
                          prescriptionLine(QStringLiteral("PART2"), QStringLiteral("Part 2"), 10)});
        QVERIFY(prescribe(c));
        auto first = dispense(c.id, {{1, 12}}, QStringLiteral("Part 2 out of stock"));
        QVERIFY2(first.ok(), qPrintable(first.error().toString()));
        QVERIFY(first->dispense.partial);
        QCOMPARE(pendingFor(c.id).value().lines.at(0).dispensedQuantity, 12);

        const auto tooMuch = dispense(c.id, {{1, 19}});
        QCOMPARE(tooMuch.error().code, 409);
        QCOMPARE(tooMuch.error().field, QStringLiteral("lines[0].quantity"));
        QVERIFY(tooMuch.error().message.contains(QStringLiteral("at most 18")));
        const auto noStock = dispense(c.id, {{2, 1}});
        QCOMPARE(noStock.error().code, 409);
        QVERIFY(noStock.error().message.contains(QStringLiteral("0 in unexpired stock")));

        auto second = dispense(c.id, {{1, 18}});
        QVERIFY(second.ok());
        QVERIFY(second->dispense.partial); // line 2 is still missing
        QVERIFY(receive(QStringLiteral("PART2"), QStringLiteral("Q1"), 300, 10));
        auto last = dispense(c.id, {{2, 10}});
        QVERIFY(last.ok());
        QVERIFY(!last->dispense.partial);
        QVERIFY(!pendingFor(c.id).has_value());
        const auto again = dispense(c.id, {{1, 1}});
        QCOMPARE(again.error().code, 409);
        QCOMPARE(again.error().field, QStringLiteral("consultation_id"));
        QCOMPARE(quantityOf(QStringLiteral("PART1"), QStringLiteral("P1")), 70);
        QTRY_COMPARE(dispensedFor(c.id).size(), 3);
        QCOMPARE(dispensedFor(c.id).at(0).payload.partial, true);
        QCOMPARE(dispensedFor(c.id).at(2).payload.partial, false);
    }

    void dispensedEventCarriesTheDispense()
    {
        QVERIFY(receive(QStringLiteral("EVT1"), QStringLiteral("E1"), 50, 5));
        QVERIFY(receive(QStringLiteral("EVT1"), QStringLiteral("E2"), 90, 50));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("EVT1"), QStringLiteral("Event 1"), 8)});
        QVERIFY(prescribe(c));
        const auto reply = dispense(c.id, {{1, 8}}, QStringLiteral("Take with food"));
        QVERIFY(reply.ok());
        QTRY_COMPARE(dispensedFor(c.id).size(), 1);
        const auto event = dispensedFor(c.id).at(0);
        QCOMPARE(event.type, QStringLiteral("visit.dispensed"));
        QCOMPARE(event.actor, pharmacist());
        QCOMPARE(event.patientId, c.patientId);
        QCOMPARE(event.occurredAt, reply->dispense.dispensedAt);
        QCOMPARE(event.payload, reply->dispense);
        const protocol::Dispense& d = event.payload;
        QCOMPARE(d.consultationId, c.id);
        QCOMPARE(d.visitId, c.visitId);
        QCOMPARE(d.dispensedBy, pharmacist());
        QCOMPARE(d.notes, QStringLiteral("Take with food"));
        QCOMPARE(d.lines.at(0).drugCode, QStringLiteral("EVT1"));
        QCOMPARE(d.lines.at(0).drugName, QStringLiteral("Event 1"));
        QCOMPARE(d.lines.at(0).batches.size(), 2);
        QCOMPARE(d.lines.at(0).batches.at(0).quantity, 5);
        QCOMPARE(d.lines.at(0).batches.at(1).quantity, 3);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.visit.dispensed")),
                 m_harness.eventsOf(protocol::kVisitDispensed).size());
    }

    void stockLowOncePerCrossing()
    {
        const QString drug = QStringLiteral("LOW1");
        QVERIFY(receive(drug, QStringLiteral("L1"), 300, 50, 20));
        const protocol::Consultation c =
            consultation({prescriptionLine(drug, QStringLiteral("Low 1"), 40)});
        QVERIFY(prescribe(c));
        QVERIFY(dispense(c.id, {{1, 20}}).ok()); // 30 left, above 20
        QTest::qWait(200);
        QVERIFY(lowEventsOf(drug).isEmpty());
        QVERIFY(dispense(c.id, {{1, 10}}).ok()); // 20: at the level -> stock.low
        QTRY_COMPARE(lowEventsOf(drug).size(), 1);
        QVERIFY(dispense(c.id, {{1, 5}}).ok()); // 15: still low, no new event
        QVERIFY(dispense(c.id, {{1, 5}}).ok()); // 10
        QTest::qWait(300);
        QCOMPARE(lowEventsOf(drug).size(), 1);
        QCOMPARE(lowEventsOf(drug).at(0).totalQuantity, 20);
        QCOMPARE(lowEventsOf(drug).at(0).reorderLevel, 20);

        protocol::StockListRequest lowOnly;
        lowOnly.lowOnly = true;
        bool listed = false;
        const auto lowList = m_harness.call(protocol::kStockList, lowOnly);
        QVERIFY(lowList.ok());
        for (const auto& item : lowList->items)
            listed = listed || item.drugCode == drug;
        QVERIFY(listed);

        QVERIFY(receive(drug, QStringLiteral("L2"), 300, 30)); // 40: above again, re-armed
        protocol::AdjustStockRequest damaged{pharmacist(),
                                             drug,
                                             QStringLiteral("L2"),
                                             -25,
                                             std::nullopt,
                                             protocol::StockReason::Damaged,
                                             QStringLiteral("Crushed")};
        QVERIFY(m_harness.call(protocol::kAdjustStock, damaged).ok()); // 15: crosses again
        QTRY_COMPARE(lowEventsOf(drug).size(), 2);
        QCOMPARE(lowEventsOf(drug).at(1).totalQuantity, 15);
        QTest::qWait(300);
        QCOMPARE(lowEventsOf(drug).size(), 2);
    }

    void receiveAndAdjustPublishMovements()
    {
        const QString drug = QStringLiteral("MOVE1");
        QVERIFY(receive(drug, QStringLiteral("M1"), 365, 40, 5));
        QVERIFY(receive(drug, QStringLiteral("M1"), 365, 60));
        auto wrongExpiry = m_harness.call(
            protocol::kReceiveStock, receipt(drug, QStringLiteral("M1"), m_today.addDays(10), 1));
        QCOMPARE(wrongExpiry.error().code, 409);
        QCOMPARE(wrongExpiry.error().field, QStringLiteral("expiry"));
        QCOMPARE(quantityOf(drug, QStringLiteral("M1")), 100);

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
        QCOMPARE(quantityOf(drug, QStringLiteral("M1")), 100);
        adjust.delta = -4;
        adjust.note = QStringLiteral("Counted 96");
        auto adjusted = m_harness.call(protocol::kAdjustStock, adjust);
        QVERIFY(adjusted.ok());
        QCOMPARE(adjusted->item.quantity, 96);
        adjust.delta = 0;
        adjust.reorderLevel = 30;
        QCOMPARE(m_harness.call(protocol::kAdjustStock, adjust).value().item.reorderLevel, 30);

        QTRY_COMPARE(movementsOf(protocol::kStockReceived, drug).size(), 2);
        const QList<protocol::StockMovement> received = movementsOf(protocol::kStockReceived, drug);
        QCOMPARE(received.at(0).delta, 40);
        QCOMPARE(received.at(0).quantityAfter, 40);
        QCOMPARE(received.at(1).quantityAfter, 100);
        QCOMPARE(received.at(1).reason, protocol::StockReason::Received);
        QTRY_COMPARE(movementsOf(protocol::kStockAdjusted, drug).size(), 2);
        const QList<protocol::StockMovement> changes = movementsOf(protocol::kStockAdjusted, drug);
        QCOMPARE(changes.at(0).delta, -4);
        QCOMPARE(changes.at(0).quantityAfter, 96);
        QCOMPARE(changes.at(0).reason, protocol::StockReason::CountCorrection);
        QCOMPARE(changes.at(0).note, QStringLiteral("Counted 96"));
        QCOMPARE(changes.at(1).delta, 0);
        QCOMPARE(changes.at(1).reorderLevel, 30);
    }

    void dischargeClosesThePendingWork()
    {
        QVERIFY(receive(QStringLiteral("DIS1"), QStringLiteral("D1"), 300, 10));
        protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("DIS1"), QStringLiteral("Dis 1"), 5)},
                         {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count")),
                          labOrderLine(QStringLiteral("MPS"), QStringLiteral("Malaria smear"))});
        QVERIFY(prescribe(c));
        const QList<protocol::LabOrder> orders = labOrdersFor(c.id);
        QCOMPARE(orders.size(), 2);
        QVERIFY(m_harness
                    .call(protocol::kCollectSample,
                          protocol::CollectSampleRequest{labTechnician(), orders.at(0).id, {}, {}})
                    .ok());
        protocol::Discharge discharge;
        discharge.id = protocol::newId();
        discharge.visitId = c.visitId;
        discharge.patientId = c.patientId;
        discharge.recordedAt = protocol::nowUtc();
        discharge.recordedBy = doctor();
        QVERIFY(m_harness.publish(
            protocol::kVisitDischarged,
            protocol::makeEvent(protocol::kVisitDischarged, discharge, doctor())));
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-discharges"));
        QVERIFY(!pendingFor(c.id).has_value());
        const auto refused = dispense(c.id, {{1, 5}});
        QCOMPARE(refused.error().code, 409);
        QCOMPARE(refused.error().field, QStringLiteral("consultation_id"));
        QCOMPARE(labOrdersFor(c.id).size(), 1); // the collected sample can still be resulted
        QCOMPARE(labOrdersFor(c.id).at(0).state, protocol::LabOrderState::Collected);

        // Out of order: the discharge of a visit arrives before its consultation.
        protocol::Consultation late =
            consultation({prescriptionLine(QStringLiteral("DIS1"), QStringLiteral("Dis 1"), 5)},
                         {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"))});
        discharge.id = protocol::newId();
        discharge.visitId = late.visitId;
        QVERIFY(m_harness.publish(
            protocol::kVisitDischarged,
            protocol::makeEvent(protocol::kVisitDischarged, discharge, doctor())));
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-discharges"));
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, late, doctor())));
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-orders"));
        QVERIFY(!pendingFor(late.id).has_value());
        QVERIFY(labOrdersFor(late.id).isEmpty());
        QCOMPARE(dispense(late.id, {{1, 1}}).error().code, 409);
    }

    void cleanupTestCase() { m_harness.stop(); }
};

QTEST_GUILESS_MAIN(TestPharmacyDispense)
#include "test_pharmacy_dispense.moc"
