// openopd-pharmacy dispensing, as a real process on a real nats-server, on SQLite and on
// PostgreSQL: visit.consulted creates the work exactly once; first-expiry-first-out skips
// expired batches; short stock is refused with 409 and changes nothing; partial dispenses leave
// the remainder pending; visit.dispensed carries the dispense; visit.discharged closes the
// pending work (also when it arrives first).

#include "pharmacy_backend_test.h"

#include <QElapsedTimer>
#include <algorithm>

using namespace openopd;
using namespace openopd::testing;
using protocol::BatchQuantity;

class TestPharmacyDispense : public PharmacyBackendTest
{
    Q_OBJECT

private Q_SLOTS:
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

        const auto pending = m_harness.pendingFor(c.id);
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
        const QList<protocol::LabOrder> orders = m_harness.labOrdersFor(c.id);
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
        QVERIFY(m_harness.receive(drug, QStringLiteral("EXPIRED"), -10, 50));
        QVERIFY(m_harness.receive(drug, QStringLiteral("LATE"), 400, 100));
        QVERIFY(m_harness.receive(drug, QStringLiteral("SOON"), 30, 20));
        QVERIFY(m_harness.receive(drug, QStringLiteral("MID"), 200, 30));
        const protocol::Consultation c =
            consultation({prescriptionLine(drug, QStringLiteral("Fefo 1"), 40)});
        QVERIFY(m_harness.prescribe(c));
        const auto reply = m_harness.dispense(c.id, {{1, 40}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const protocol::Dispense& d = reply->dispense;
        QCOMPARE(d.lines.size(), 1);
        QCOMPARE(d.lines.at(0).quantity, 40);
        const QList<BatchQuantity> expected{{QStringLiteral("SOON"), m_today.addDays(30), 20},
                                            {QStringLiteral("MID"), m_today.addDays(200), 20}};
        QCOMPARE(d.lines.at(0).batches, expected);
        QVERIFY(!d.partial);
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("EXPIRED")), 50);
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("SOON")), 0);
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("MID")), 10);
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("LATE")), 100);
        QVERIFY(!m_harness.pendingFor(c.id).has_value()); // dispensed in full
    }

    void shortStockIsRefusedAndChangesNothing()
    {
        const QString drug = QStringLiteral("SHORT1");
        QVERIFY(m_harness.receive(drug, QStringLiteral("OLD"), -1, 100)); // expired: does not count
        QVERIFY(m_harness.receive(drug, QStringLiteral("A"), 100, 10));
        QVERIFY(m_harness.receive(QStringLiteral("PLENTY1"), QStringLiteral("P"), 100, 50));
        const protocol::Consultation c = consultation(
            {prescriptionLine(QStringLiteral("PLENTY1"), QStringLiteral("Plenty 1"), 5),
             prescriptionLine(drug, QStringLiteral("Shortol 250 mg tablet"), 15)});
        QVERIFY(m_harness.prescribe(c));
        // The prescription's own list event may still be on its way from the outbox (the
        // relay publishes after the consumer's commit): count once the stream is still.
        qint64 eventsBefore = -1;
        for (qint64 now = m_harness.stored(QStringLiteral("opd.events.>")); now != eventsBefore;
             now = m_harness.stored(QStringLiteral("opd.events.>"))) {
            eventsBefore = now;
            QTest::qWait(300);
        }
        const auto reply = m_harness.dispense(c.id, {{1, 5}, {2, 15}});
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().code, 409);
        QCOMPARE(reply.error().field, QStringLiteral("lines[1].quantity"));
        const QString message = reply.error().message;
        QVERIFY2(message.contains(QStringLiteral("Shortol 250 mg tablet (SHORT1)")),
                 qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("15 needed, 10 in unexpired stock, short by 5")),
                 qPrintable(message));
        // Nothing written: stock, prescription and events as before.
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("A")), 10);
        QCOMPARE(m_harness.quantityOf(drug, QStringLiteral("OLD")), 100);
        QCOMPARE(m_harness.quantityOf(QStringLiteral("PLENTY1"), QStringLiteral("P")), 50);
        QCOMPARE(m_harness.pendingFor(c.id).value().lines.at(0).dispensedQuantity, 0);
        QCOMPARE(m_harness.pendingFor(c.id).value().lines.at(1).dispensedQuantity, 0);
        QTest::qWait(300);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.>")), eventsBefore);
        QVERIFY(m_harness.dispensedFor(c.id).isEmpty());
        // What is there can still be given.
        QVERIFY(m_harness.dispense(c.id, {{1, 5}, {2, 10}}).ok());
    }

    void partialDispenseLeavesTheRemainderPending()
    {
        QVERIFY(m_harness.receive(QStringLiteral("PART1"), QStringLiteral("P1"), 300, 100));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("PART1"), QStringLiteral("Part 1"), 30),
                          prescriptionLine(QStringLiteral("PART2"), QStringLiteral("Part 2"), 10)});
        QVERIFY(m_harness.prescribe(c));
        auto first = m_harness.dispense(c.id, {{1, 12}}, QStringLiteral("Part 2 out of stock"));
        QVERIFY2(first.ok(), qPrintable(first.error().toString()));
        QVERIFY(first->dispense.partial);
        QCOMPARE(m_harness.pendingFor(c.id).value().lines.at(0).dispensedQuantity, 12);

        const auto tooMuch = m_harness.dispense(c.id, {{1, 19}});
        QCOMPARE(tooMuch.error().code, 409);
        QCOMPARE(tooMuch.error().field, QStringLiteral("lines[0].quantity"));
        QVERIFY(tooMuch.error().message.contains(QStringLiteral("at most 18")));
        const auto noStock = m_harness.dispense(c.id, {{2, 1}});
        QCOMPARE(noStock.error().code, 409);
        QVERIFY(noStock.error().message.contains(QStringLiteral("0 in unexpired stock")));

        auto second = m_harness.dispense(c.id, {{1, 18}});
        QVERIFY(second.ok());
        QVERIFY(second->dispense.partial); // line 2 is still missing
        QVERIFY(m_harness.receive(QStringLiteral("PART2"), QStringLiteral("Q1"), 300, 10));
        auto last = m_harness.dispense(c.id, {{2, 10}});
        QVERIFY(last.ok());
        QVERIFY(!last->dispense.partial);
        QVERIFY(!m_harness.pendingFor(c.id).has_value());
        const auto again = m_harness.dispense(c.id, {{1, 1}});
        QCOMPARE(again.error().code, 409);
        QCOMPARE(again.error().field, QStringLiteral("consultation_id"));
        QCOMPARE(m_harness.quantityOf(QStringLiteral("PART1"), QStringLiteral("P1")), 70);
        QTRY_COMPARE(m_harness.dispensedFor(c.id).size(), 3);
        QCOMPARE(m_harness.dispensedFor(c.id).at(0).payload.partial, true);
        QCOMPARE(m_harness.dispensedFor(c.id).at(2).payload.partial, false);
    }

    void dispensedEventCarriesTheDispense()
    {
        QVERIFY(m_harness.receive(QStringLiteral("EVT1"), QStringLiteral("E1"), 50, 5));
        QVERIFY(m_harness.receive(QStringLiteral("EVT1"), QStringLiteral("E2"), 90, 50));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("EVT1"), QStringLiteral("Event 1"), 8)});
        QVERIFY(m_harness.prescribe(c));
        const auto reply = m_harness.dispense(c.id, {{1, 8}}, QStringLiteral("Take with food"));
        QVERIFY(reply.ok());
        QTRY_COMPARE(m_harness.dispensedFor(c.id).size(), 1);
        const auto event = m_harness.dispensedFor(c.id).at(0);
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

    void dischargeClosesThePendingWork()
    {
        QVERIFY(m_harness.receive(QStringLiteral("DIS1"), QStringLiteral("D1"), 300, 10));
        protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("DIS1"), QStringLiteral("Dis 1"), 5)},
                         {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count")),
                          labOrderLine(QStringLiteral("MPS"), QStringLiteral("Malaria smear"))});
        QVERIFY(m_harness.prescribe(c));
        const QList<protocol::LabOrder> orders = m_harness.labOrdersFor(c.id);
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
        QVERIFY(!m_harness.pendingFor(c.id).has_value());
        const auto refused = m_harness.dispense(c.id, {{1, 5}});
        QCOMPARE(refused.error().code, 409);
        QCOMPARE(refused.error().field, QStringLiteral("consultation_id"));
        QCOMPARE(m_harness.labOrdersFor(c.id).size(),
                 1); // the collected sample can still be resulted
        QCOMPARE(m_harness.labOrdersFor(c.id).at(0).state, protocol::LabOrderState::Collected);

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
        QVERIFY(!m_harness.pendingFor(late.id).has_value());
        QVERIFY(m_harness.labOrdersFor(late.id).isEmpty());
        QCOMPARE(m_harness.dispense(late.id, {{1, 1}}).error().code, 409);
    }

    // Not a pass/fail check: prints figures for the record (this machine, this backend).
    void measureDispenseRequests()
    {
        QFETCH_GLOBAL(QString, backend);
        constexpr int kCount = 40;
        QVERIFY(m_harness.receive(QStringLiteral("LAT1"), QStringLiteral("A"), 100, 50));
        QVERIFY(m_harness.receive(QStringLiteral("LAT1"), QStringLiteral("B"), 200, 5000));
        QList<protocol::Consultation> consultations;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < kCount; ++i) {
            consultations.append(consultation(
                {prescriptionLine(QStringLiteral("LAT1"), QStringLiteral("Latency 1"), 3)}));
            QVERIFY(m_harness.publish(
                protocol::kVisitConsulted,
                protocol::makeEvent(protocol::kVisitConsulted, consultations.last(), doctor())));
        }
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-orders"));
        const qint64 consumedMs = clock.elapsed();
        QList<qint64> micros;
        for (const protocol::Consultation& c : std::as_const(consultations)) {
            clock.restart();
            QVERIFY(m_harness.dispense(c.id, {{1, 3}}).ok());
            micros.append(clock.nsecsElapsed() / 1000);
        }
        std::sort(micros.begin(), micros.end());
        qInfo().noquote() << QStringLiteral("%1: %2 consultations published and consumed in %3 ms; "
                                            "dispense request p50 %4 us, max %5 us")
                                 .arg(backend)
                                 .arg(kCount)
                                 .arg(consumedMs)
                                 .arg(micros.at(kCount / 2))
                                 .arg(micros.last());
        QCOMPARE(m_harness.quantityOf(QStringLiteral("LAT1"), QStringLiteral("A")), 0);
    }

    void cleanupTestCase() { m_harness.stop(); }
};

QTEST_GUILESS_MAIN(TestPharmacyDispense)
#include "test_pharmacy_dispense.moc"
