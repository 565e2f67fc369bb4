// openopd-pharmacy's lab and its demo formulary, as a real process on a real nats-server:
// lab orders from visit.consulted, sample collection and result entry with their events and
// state rules; --seed-demo loads a realistic formulary once, however often it runs; $SRV.INFO
// lists every pharmacy and lab endpoint.

#include "bus/nats_library.h"
#include "pharmacy_harness.h"
#include "service/jetstream_probe.h"

#include <QJsonArray>
#include <QSet>
#include <csignal>

using namespace openopd;
using namespace openopd::testing;
using protocol::LabOrderState;

class TestPharmacyLab : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PharmacyHarness m_harness;

    QList<protocol::LabOrder> pendingOrders(std::optional<LabOrderState> state = std::nullopt)
    {
        protocol::PendingLabOrdersRequest request;
        request.state = state;
        request.limit = 200;
        const auto reply = m_harness.call(protocol::kPendingLabOrders, request);
        return reply ? reply->orders : QList<protocol::LabOrder>{};
    }
    QList<protocol::LabOrder> ordersFor(const QString& consultationId,
                                        std::optional<LabOrderState> state = std::nullopt)
    {
        QList<protocol::LabOrder> found;
        for (const auto& order : pendingOrders(state))
            if (order.consultationId == consultationId)
                found.append(order);
        return found;
    }
    QList<protocol::StockItem> allStock()
    {
        protocol::StockListRequest request;
        request.includeEmpty = true;
        request.limit = 1000;
        const auto reply = m_harness.call(protocol::kStockList, request);
        return reply ? reply->items : QList<protocol::StockItem>{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_harness.start(QStringLiteral("sqlite"), {QStringLiteral("--seed-demo")}),
                 qPrintable(m_harness.error()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_harness.serviceLog();
    }

    void collectSampleThenEnterResult()
    {
        const protocol::Consultation c = consultation(
            {}, {labOrderLine(QStringLiteral("UECR"), QStringLiteral("Creatinine")),
                 labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"), true)});
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, c, doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(ordersFor(c.id).size(), 2, 15000);
        const QList<protocol::LabOrder> orders = ordersFor(c.id);
        QCOMPARE(orders.at(0).test.testCode, QStringLiteral("FBC")); // urgent first
        QCOMPARE(orders.at(0).line, 2);
        QCOMPARE(orders.at(1).line, 1);
        const protocol::LabOrder fbc = orders.at(0);
        const protocol::LabOrder creatinine = orders.at(1);

        // A result needs a collected sample.
        const protocol::LabResultEntry entry{
            QStringLiteral("WBC 13.2"), QStringLiteral("10^9/L"), QStringLiteral("4.0-11.0"),
            protocol::LabFlag::Abnormal, QStringLiteral("Neutrophilia")};
        auto early =
            m_harness.call(protocol::kEnterLabResult,
                           protocol::EnterLabResultRequest{labTechnician(), fbc.id, entry});
        QCOMPARE(early.error().code, 409);
        QCOMPARE(early.error().field, QStringLiteral("order_id"));
        QVERIFY(early.error().message.contains(QStringLiteral("not been collected")));

        auto collected = m_harness.call(protocol::kCollectSample,
                                        protocol::CollectSampleRequest{labTechnician(), fbc.id,
                                                                       QStringLiteral("S24-000871"),
                                                                       QStringLiteral("Left arm")});
        QVERIFY2(collected.ok(), qPrintable(collected.error().toString()));
        const protocol::LabOrder& order = collected->order;
        QCOMPARE(order.state, LabOrderState::Collected);
        QCOMPARE(order.sampleId, QStringLiteral("S24-000871"));
        QCOMPARE(order.collectedBy, std::optional<protocol::StaffRef>(labTechnician()));
        QVERIFY(order.collectedAt.isValid());
        QCOMPARE(order.test, fbc.test);
        QCOMPARE(order.orderedBy, doctor());
        auto twice =
            m_harness.call(protocol::kCollectSample,
                           protocol::CollectSampleRequest{labTechnician(), fbc.id, {}, {}});
        QCOMPARE(twice.error().code, 409);
        QVERIFY(twice.error().message.contains(QStringLiteral("S24-000871")));
        QCOMPARE(ordersFor(c.id, LabOrderState::Collected).size(), 1);
        QCOMPARE(ordersFor(c.id, LabOrderState::Ordered).size(), 1);
        QCOMPARE(ordersFor(c.id, LabOrderState::Ordered).at(0).id, creatinine.id);

        QTRY_COMPARE(m_harness.eventsOf(protocol::kLabSampleCollected).size(), 1);
        const auto sampleEvent = m_harness.eventsOf(protocol::kLabSampleCollected).at(0);
        QCOMPARE(sampleEvent.payload, order);
        QCOMPARE(sampleEvent.actor, labTechnician());
        QCOMPARE(sampleEvent.patientId, c.patientId);
        QCOMPARE(sampleEvent.type, QStringLiteral("lab.sample_collected"));

        auto resulted =
            m_harness.call(protocol::kEnterLabResult,
                           protocol::EnterLabResultRequest{labTechnician(), fbc.id, entry});
        QVERIFY2(resulted.ok(), qPrintable(resulted.error().toString()));
        const protocol::LabResult& result = resulted->result;
        QCOMPARE(result.orderId, fbc.id);
        QCOMPARE(result.consultationId, c.id);
        QCOMPARE(result.line, 2);
        QCOMPARE(result.visitId, c.visitId);
        QCOMPARE(result.patientId, c.patientId);
        QCOMPARE(result.testCode, QStringLiteral("FBC"));
        QCOMPARE(result.testName, QStringLiteral("Full blood count"));
        QCOMPARE(result.entry, entry);
        QCOMPARE(result.resultedBy, labTechnician());
        QCOMPARE(ordersFor(c.id, LabOrderState::Collected).size(), 0); // no longer pending
        auto again =
            m_harness.call(protocol::kEnterLabResult,
                           protocol::EnterLabResultRequest{labTechnician(), fbc.id, entry});
        QCOMPARE(again.error().code, 409);
        QVERIFY(again.error().message.contains(QStringLiteral("result already")));

        QTRY_COMPARE(m_harness.eventsOf(protocol::kLabResulted).size(), 1);
        const auto resultEvent = m_harness.eventsOf(protocol::kLabResulted).at(0);
        QCOMPARE(resultEvent.payload, result);
        QCOMPARE(resultEvent.actor, labTechnician());
        QCOMPARE(resultEvent.patientId, c.patientId);
        QCOMPARE(resultEvent.occurredAt, result.resultedAt);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.lab.>")), 2);
    }

    void demoFormularyLoadsOnce()
    {
        const QList<protocol::StockItem> stock = allStock();
        QSet<QString> drugs;
        for (const auto& item : stock)
            drugs.insert(item.drugCode);
        QCOMPARE(drugs.size(), 40);
        QVERIFY(drugs.contains(QStringLiteral("PARA500")));
        QVERIFY(drugs.contains(QStringLiteral("AMOX500")));
        QVERIFY(drugs.contains(QStringLiteral("ORS")));
        QVERIFY(drugs.contains(QStringLiteral("SALB100")));
        QVERIFY(stock.size() > 40);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.stock.received")), stock.size());
        const qint64 lows = m_harness.stored(QStringLiteral("opd.events.stock.low"));
        QVERIFY(lows > 0);

        // Running it again changes nothing.
        QVERIFY2(m_harness.restartService({QStringLiteral("--seed-demo")}),
                 qPrintable(m_harness.error()));
        QVERIFY(m_harness.serviceLog().contains(QStringLiteral("0 new batches")));
        QCOMPARE(allStock(), stock);
        QTest::qWait(300);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.stock.received")), stock.size());
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.stock.low")), lows);

        // The expired amoxicillin batch is skipped when dispensing.
        const protocol::Consultation c = consultation(
            {prescriptionLine(QStringLiteral("AMOX500"), QStringLiteral("Amoxicillin"), 15)});
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, c, doctor())));
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-orders"));
        const auto reply = m_harness.call(
            protocol::kDispense, protocol::DispenseRequest{pharmacist(), c.id, {{1, 15}}, {}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->dispense.lines.at(0).batches.at(0).batch, QStringLiteral("AM-2409-B"));
    }

    void discoveryListsEveryEndpoint()
    {
        const QJsonObject info = callJson(m_harness.client(), "$SRV.INFO.pharmacy", {});
        QCOMPARE(info.value(QStringLiteral("name")).toString(), QStringLiteral("pharmacy"));
        QStringList subjects;
        for (const QJsonValue& endpoint : info.value(QStringLiteral("endpoints")).toArray())
            subjects.append(endpoint.toObject().value(QStringLiteral("subject")).toString());
        subjects.sort();
        QCOMPARE(subjects, (QStringList{QStringLiteral("opd.lab.order.pending"),
                                        QStringLiteral("opd.lab.result.enter"),
                                        QStringLiteral("opd.lab.sample.collect"),
                                        QStringLiteral("opd.pharmacy.dispense"),
                                        QStringLiteral("opd.pharmacy.prescription.get"),
                                        QStringLiteral("opd.pharmacy.prescription.pending"),
                                        QStringLiteral("opd.pharmacy.stock.adjust"),
                                        QStringLiteral("opd.pharmacy.stock.list"),
                                        QStringLiteral("opd.pharmacy.stock.receive")}));
    }

    void cleanupTestCase() { m_harness.stop(); }
};

QTEST_GUILESS_MAIN(TestPharmacyLab)
#include "test_pharmacy_lab.moc"
