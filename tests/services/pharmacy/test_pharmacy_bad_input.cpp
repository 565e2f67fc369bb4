// Bad input to every endpoint of openopd-pharmacy (a real process on a real nats-server):
// malformed JSON, missing fields, wrong types, oversized strings, out-of-range numbers
// (negative quantities) and unknown ids each get the right 4xx naming the field, and nothing
// is written (the readable state and the event stream are unchanged).

#include "bus/nats_library.h"
#include "pharmacy_harness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <csignal>

using namespace openopd;
using namespace openopd::testing;

namespace {

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject with(QJsonObject object, const QString& key, const QJsonValue& value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

QString longText(qsizetype length)
{
    return QString(length, u'x');
}

const QJsonValue kRemove = QJsonValue(QJsonValue::Undefined);

} // namespace

class TestPharmacyBadInput : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PharmacyHarness m_harness;
    QString m_consultationId;
    QString m_orderId;

    QJsonObject staff() const { return pharmacist().toJson(); }

    // What a bad request must not change: every list the service answers, and the stream.
    QByteArray fingerprint()
    {
        QByteArray state;
        state += m_harness
                     .callRaw(protocol::kStockList.subjectBytes(),
                              R"({"v":1,"include_empty":true,"limit":1000})")
                     .value();
        state += m_harness.callRaw(protocol::kPendingPrescriptions.subjectBytes(), "{}").value();
        state += m_harness.callRaw(protocol::kPendingLabOrders.subjectBytes(), "{}").value();
        state += QByteArray::number(m_harness.stored(QStringLiteral("opd.events.>")));
        return state;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_harness.start(), qPrintable(m_harness.error()));
        const auto received = m_harness.call(
            protocol::kReceiveStock,
            receipt(QStringLiteral("BADRX"), QStringLiteral("B1"), QDate(2031, 1, 31), 100, 10));
        QVERIFY2(received.ok(), qPrintable(received.error().toString()));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("BADRX"), QStringLiteral("Bad Rx"), 10)},
                         {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"))});
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, c, doctor())));
        m_consultationId = c.id;
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_harness.call(protocol::kPendingLabOrders, protocol::PendingLabOrdersRequest{})
                 .value()
                 .orders.isEmpty(),
            15000);
        m_orderId = m_harness.call(protocol::kPendingLabOrders, protocol::PendingLabOrdersRequest{})
                        .value()
                        .orders.at(0)
                        .id;
        QVERIFY(m_harness.waitConsumerIdle("pharmacy-orders"));
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("subject");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");

        const QString unknownId = protocol::newId();
        const QJsonObject pending{{QStringLiteral("v"), 1}, {QStringLiteral("limit"), 50}};
        const QJsonObject dispense{
            {QStringLiteral("v"), 1},
            {QStringLiteral("staff"), staff()},
            {QStringLiteral("consultation_id"), m_consultationId},
            {QStringLiteral("lines"), QJsonArray{QJsonObject{{QStringLiteral("line"), 1},
                                                             {QStringLiteral("quantity"), 1}}}}};
        const QJsonObject list{{QStringLiteral("v"), 1}};
        const QJsonObject receive{{QStringLiteral("v"), 1},
                                  {QStringLiteral("staff"), staff()},
                                  {QStringLiteral("drug_code"), QStringLiteral("BADRX")},
                                  {QStringLiteral("drug_name"), QStringLiteral("Bad Rx")},
                                  {QStringLiteral("batch"), QStringLiteral("B2")},
                                  {QStringLiteral("expiry"), QStringLiteral("2031-06-30")},
                                  {QStringLiteral("quantity"), 5}};
        const QJsonObject adjust{{QStringLiteral("v"), 1},
                                 {QStringLiteral("staff"), staff()},
                                 {QStringLiteral("drug_code"), QStringLiteral("BADRX")},
                                 {QStringLiteral("batch"), QStringLiteral("B1")},
                                 {QStringLiteral("delta"), -1},
                                 {QStringLiteral("reason"), QStringLiteral("damaged")}};
        const QJsonObject labPending{{QStringLiteral("v"), 1}};
        const QJsonObject collect{{QStringLiteral("v"), 1},
                                  {QStringLiteral("staff"), labTechnician().toJson()},
                                  {QStringLiteral("order_id"), m_orderId}};
        const QJsonObject resultEntry{{QStringLiteral("value"), QStringLiteral("5.4")},
                                      {QStringLiteral("flag"), QStringLiteral("normal")}};
        const QJsonObject result{{QStringLiteral("v"), 1},
                                 {QStringLiteral("staff"), labTechnician().toJson()},
                                 {QStringLiteral("order_id"), m_orderId},
                                 {QStringLiteral("result"), resultEntry}};

        struct Endpoint
        {
            const char* name;
            QByteArray subject;
            QJsonObject valid;
        };
        const QList<Endpoint> endpoints{
            {"pending", protocol::kPendingPrescriptions.subjectBytes(), pending},
            {"dispense", protocol::kDispense.subjectBytes(), dispense},
            {"stock list", protocol::kStockList.subjectBytes(), list},
            {"receive", protocol::kReceiveStock.subjectBytes(), receive},
            {"adjust", protocol::kAdjustStock.subjectBytes(), adjust},
            {"lab pending", protocol::kPendingLabOrders.subjectBytes(), labPending},
            {"collect", protocol::kCollectSample.subjectBytes(), collect},
            {"result", protocol::kEnterLabResult.subjectBytes(), result}};
        auto row = [](const char* endpoint, const char* problem, const QByteArray& subject,
                      const QByteArray& body, int code, const QString& field) {
            QTest::addRow("%s: %s", endpoint, problem) << subject << body << code << field;
        };
        // Every endpoint: not JSON, not an object, an unknown version.
        for (const Endpoint& e : endpoints) {
            row(e.name, "malformed JSON", e.subject, "{\"v\":1,", 400, {});
            row(e.name, "not an object", e.subject, "[1,2]", 400, {});
            row(e.name, "version 2", e.subject, json(with(e.valid, QStringLiteral("v"), 2)), 400,
                QStringLiteral("v"));
        }
        const QByteArray s1 = protocol::kPendingPrescriptions.subjectBytes();
        row("pending", "limit wrong type", s1,
            json(with(pending, QStringLiteral("limit"), QStringLiteral("ten"))), 400,
            QStringLiteral("limit"));
        row("pending", "limit negative", s1, json(with(pending, QStringLiteral("limit"), -5)), 400,
            QStringLiteral("limit"));
        row("pending", "limit too big", s1, json(with(pending, QStringLiteral("limit"), 201)), 400,
            QStringLiteral("limit"));

        const QByteArray s2 = protocol::kDispense.subjectBytes();
        auto lines = [](const QJsonValue& line, const QJsonValue& quantity) {
            return QJsonArray{QJsonObject{{QStringLiteral("line"), line},
                                          {QStringLiteral("quantity"), quantity}}};
        };
        QJsonObject badRole = staff();
        badRole.insert(QStringLiteral("role"), QStringLiteral("janitor"));
        QJsonObject longStaffId = staff();
        longStaffId.insert(QStringLiteral("id"), longText(65));
        row("dispense", "staff missing", s2, json(with(dispense, QStringLiteral("staff"), kRemove)),
            400, QStringLiteral("staff"));
        row("dispense", "staff role unknown", s2,
            json(with(dispense, QStringLiteral("staff"), badRole)), 400,
            QStringLiteral("staff.role"));
        row("dispense", "staff id oversized", s2,
            json(with(dispense, QStringLiteral("staff"), longStaffId)), 400,
            QStringLiteral("staff.id"));
        row("dispense", "consultation_id missing", s2,
            json(with(dispense, QStringLiteral("consultation_id"), kRemove)), 400,
            QStringLiteral("consultation_id"));
        row("dispense", "consultation_id not a UUID", s2,
            json(with(dispense, QStringLiteral("consultation_id"), QStringLiteral("abc"))), 400,
            QStringLiteral("consultation_id"));
        row("dispense", "lines missing", s2, json(with(dispense, QStringLiteral("lines"), kRemove)),
            400, QStringLiteral("lines"));
        row("dispense", "lines empty", s2,
            json(with(dispense, QStringLiteral("lines"), QJsonArray{})), 400,
            QStringLiteral("lines"));
        row("dispense", "lines not an array", s2, json(with(dispense, QStringLiteral("lines"), 1)),
            400, QStringLiteral("lines"));
        row("dispense", "negative quantity", s2,
            json(with(dispense, QStringLiteral("lines"), lines(1, -3))), 400,
            QStringLiteral("lines[0].quantity"));
        row("dispense", "zero quantity", s2,
            json(with(dispense, QStringLiteral("lines"), lines(1, 0))), 400,
            QStringLiteral("lines[0].quantity"));
        row("dispense", "quantity as text", s2,
            json(with(dispense, QStringLiteral("lines"), lines(1, QStringLiteral("2")))), 400,
            QStringLiteral("lines[0].quantity"));
        row("dispense", "line out of range", s2,
            json(with(dispense, QStringLiteral("lines"), lines(51, 1))), 400,
            QStringLiteral("lines[0].line"));
        row("dispense", "line repeated", s2,
            json(with(dispense, QStringLiteral("lines"),
                      QJsonArray{lines(1, 1).at(0), lines(1, 2).at(0)})),
            400, QStringLiteral("lines[1].line"));
        row("dispense", "notes oversized", s2,
            json(with(dispense, QStringLiteral("notes"), longText(1001))), 400,
            QStringLiteral("notes"));
        row("dispense", "unknown consultation", s2,
            json(with(dispense, QStringLiteral("consultation_id"), unknownId)), 404,
            QStringLiteral("consultation_id"));
        row("dispense", "unknown line", s2,
            json(with(dispense, QStringLiteral("lines"), lines(7, 1))), 404,
            QStringLiteral("lines[0].line"));

        const QByteArray s3 = protocol::kStockList.subjectBytes();
        row("stock list", "query oversized", s3,
            json(with(list, QStringLiteral("query"), longText(101))), 400, QStringLiteral("query"));
        row("stock list", "low_only wrong type", s3,
            json(with(list, QStringLiteral("low_only"), QStringLiteral("yes"))), 400,
            QStringLiteral("low_only"));
        row("stock list", "limit negative", s3, json(with(list, QStringLiteral("limit"), -1)), 400,
            QStringLiteral("limit"));
        row("stock list", "limit too big", s3, json(with(list, QStringLiteral("limit"), 1001)), 400,
            QStringLiteral("limit"));

        const QByteArray s4 = protocol::kReceiveStock.subjectBytes();
        row("receive", "staff missing", s4, json(with(receive, QStringLiteral("staff"), kRemove)),
            400, QStringLiteral("staff"));
        row("receive", "drug_code missing", s4,
            json(with(receive, QStringLiteral("drug_code"), kRemove)), 400,
            QStringLiteral("drug_code"));
        row("receive", "drug_code with a space", s4,
            json(with(receive, QStringLiteral("drug_code"), QStringLiteral("BAD RX"))), 400,
            QStringLiteral("drug_code"));
        row("receive", "drug_name oversized", s4,
            json(with(receive, QStringLiteral("drug_name"), longText(201))), 400,
            QStringLiteral("drug_name"));
        row("receive", "batch oversized", s4,
            json(with(receive, QStringLiteral("batch"), longText(41))), 400,
            QStringLiteral("batch"));
        row("receive", "expiry not a date", s4,
            json(with(receive, QStringLiteral("expiry"), QStringLiteral("2031-13-01"))), 400,
            QStringLiteral("expiry"));
        row("receive", "negative quantity", s4, json(with(receive, QStringLiteral("quantity"), -5)),
            400, QStringLiteral("quantity"));
        row("receive", "zero quantity", s4, json(with(receive, QStringLiteral("quantity"), 0)), 400,
            QStringLiteral("quantity"));
        row("receive", "quantity as text", s4,
            json(with(receive, QStringLiteral("quantity"), QStringLiteral("5"))), 400,
            QStringLiteral("quantity"));
        row("receive", "fractional quantity", s4,
            json(with(receive, QStringLiteral("quantity"), 2.5)), 400, QStringLiteral("quantity"));
        row("receive", "negative reorder level", s4,
            json(with(receive, QStringLiteral("reorder_level"), -1)), 400,
            QStringLiteral("reorder_level"));

        const QByteArray s5 = protocol::kAdjustStock.subjectBytes();
        row("adjust", "reason missing", s5, json(with(adjust, QStringLiteral("reason"), kRemove)),
            400, QStringLiteral("reason"));
        row("adjust", "reason received", s5,
            json(with(adjust, QStringLiteral("reason"), QStringLiteral("received"))), 400,
            QStringLiteral("reason"));
        row("adjust", "delta 0 alone", s5, json(with(adjust, QStringLiteral("delta"), 0)), 400,
            QStringLiteral("delta"));
        row("adjust", "delta out of range", s5,
            json(with(adjust, QStringLiteral("delta"), -2000000)), 400, QStringLiteral("delta"));
        row("adjust", "other without note", s5,
            json(with(adjust, QStringLiteral("reason"), QStringLiteral("other"))), 400,
            QStringLiteral("note"));
        row("adjust", "note oversized", s5,
            json(with(adjust, QStringLiteral("note"), longText(1001))), 400,
            QStringLiteral("note"));
        row("adjust", "negative reorder level", s5,
            json(with(adjust, QStringLiteral("reorder_level"), -1)), 400,
            QStringLiteral("reorder_level"));
        row("adjust", "unknown drug", s5,
            json(with(adjust, QStringLiteral("drug_code"), QStringLiteral("NOSUCHDRUG"))), 404,
            QStringLiteral("drug_code"));
        row("adjust", "unknown batch", s5,
            json(with(adjust, QStringLiteral("batch"), QStringLiteral("NOSUCHBATCH"))), 404,
            QStringLiteral("batch"));
        row("adjust", "would go negative", s5, json(with(adjust, QStringLiteral("delta"), -101)),
            409, QStringLiteral("delta"));

        const QByteArray s6 = protocol::kPendingLabOrders.subjectBytes();
        row("lab pending", "state resulted", s6,
            json(with(labPending, QStringLiteral("state"), QStringLiteral("resulted"))), 400,
            QStringLiteral("state"));
        row("lab pending", "state wrong type", s6,
            json(with(labPending, QStringLiteral("state"), 5)), 400, QStringLiteral("state"));
        row("lab pending", "limit zero", s6, json(with(labPending, QStringLiteral("limit"), 0)),
            400, QStringLiteral("limit"));

        const QByteArray s7 = protocol::kCollectSample.subjectBytes();
        row("collect", "staff missing", s7, json(with(collect, QStringLiteral("staff"), kRemove)),
            400, QStringLiteral("staff"));
        row("collect", "order_id missing", s7,
            json(with(collect, QStringLiteral("order_id"), kRemove)), 400,
            QStringLiteral("order_id"));
        row("collect", "order_id not a UUID", s7,
            json(with(collect, QStringLiteral("order_id"), 42)), 400, QStringLiteral("order_id"));
        row("collect", "sample_id with a space", s7,
            json(with(collect, QStringLiteral("sample_id"), QStringLiteral("S 1"))), 400,
            QStringLiteral("sample_id"));
        row("collect", "sample_id oversized", s7,
            json(with(collect, QStringLiteral("sample_id"), longText(41))), 400,
            QStringLiteral("sample_id"));
        row("collect", "unknown order", s7,
            json(with(collect, QStringLiteral("order_id"), unknownId)), 404,
            QStringLiteral("order_id"));

        const QByteArray s8 = protocol::kEnterLabResult.subjectBytes();
        row("result", "result missing", s8, json(with(result, QStringLiteral("result"), kRemove)),
            400, QStringLiteral("result"));
        row("result", "flag unknown", s8,
            json(with(result, QStringLiteral("result"),
                      with(resultEntry, QStringLiteral("flag"), QStringLiteral("weird")))),
            400, QStringLiteral("result.flag"));
        row("result", "value empty", s8,
            json(with(result, QStringLiteral("result"),
                      with(resultEntry, QStringLiteral("value"), QString()))),
            400, QStringLiteral("result.value"));
        row("result", "value oversized", s8,
            json(with(result, QStringLiteral("result"),
                      with(resultEntry, QStringLiteral("value"), longText(4001)))),
            400, QStringLiteral("result.value"));
        row("result", "order_id not a UUID", s8,
            json(with(result, QStringLiteral("order_id"), QStringLiteral("x"))), 400,
            QStringLiteral("order_id"));
        row("result", "unknown order", s8,
            json(with(result, QStringLiteral("order_id"), unknownId)), 404,
            QStringLiteral("order_id"));
        row("result", "sample not collected", s8, json(result), 409, QStringLiteral("order_id"));
    }

    void refused()
    {
        QFETCH(QByteArray, subject);
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(QString, field);
        const QByteArray before = fingerprint();
        const bus::Result<QByteArray> reply = m_harness.callRaw(subject, body);
        QVERIFY2(!reply.ok(), reply.ok() ? reply.value().constData() : "");
        QCOMPARE(reply.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, code);
        QCOMPARE(reply.error().field, field);
        QVERIFY(!reply.error().message.isEmpty());
        QCOMPARE(fingerprint(), before);
    }

    void nothingWasPublished()
    {
        // Only the test's own visit.consulted, the one stock.received of initTestCase, and
        // the two work-list events of that consultation's prescription and lab orders.
        QTest::qWait(300);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.list.>")), 2);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.>")), 4);
        QCOMPARE(m_harness.stored(QStringLiteral("opd.events.stock.received")), 1);
    }

    void cleanupTestCase()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << m_harness.serviceLog();
        m_harness.stop();
    }
};

QTEST_GUILESS_MAIN(TestPharmacyBadInput)
#include "test_pharmacy_bad_input.moc"
