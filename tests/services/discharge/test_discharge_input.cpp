// Bad input over every endpoint of the discharge service: malformed JSON, missing fields,
// wrong types, oversized strings, out-of-range values, unknown ids. Each gets the right 4xx
// with the field named, and nothing is written (no visit.discharged event, the pending list
// unchanged).

#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <csignal>

using namespace openopd;
using namespace Qt::StringLiterals;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::discharge;

namespace {

QByteArray bytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// A valid record request for visitId, as JSON, to be spoiled one field at a time.
QJsonObject validRecord(const QString& visitId)
{
    RecordDischargeRequest request;
    request.staff = doctor();
    request.visitId = visitId;
    request.details.outcome = DischargeOutcome::Discharged;
    request.details.postMedication = {postMedication()};
    request.details.nextVisit = QDate::currentDate().addDays(7);
    return request.toJson();
}

// Removes the field when value is kRemove.
const QJsonValue kRemove(QJsonValue::Undefined);

QJsonObject with(QJsonObject object, const QString& key, const QJsonValue& value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

} // namespace

class TestDischargeInput : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ServiceEnvironment> m_env;
    Visit m_visit; // consulted, ready: every bad request below must leave it pending

    bus::Connection& client() { return *m_env->client; }
    qsizetype pendingCount()
    {
        const auto reply = call(client(), kPendingReleases, PendingReleasesRequest{1000});
        return reply ? reply->releases.size() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_DISCHARGE_BIN),
                                                     QStringLiteral("discharge"));
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
        m_visit = newVisit(1);
        QVERIFY(publishEvent(client(), kVisitRegistered,
                             envelope(kVisitRegistered, m_visit, receptionist())));
        QVERIFY(publishEvent(
            client(), kVisitConsulted,
            envelope(kVisitConsulted, consultation(m_visit, Disposition::Discharge), doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(pendingCount(), 1, 10000);
    }
    void cleanupTestCase()
    {
        QCOMPARE(m_env->service->terminate(), 0);
        m_env.reset();
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("subject");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");
        const QByteArray pending = kPendingReleases.subjectBytes();
        const QByteArray record = kRecordDischarge.subjectBytes();
        const QString v = m_visit.id;
        const QJsonObject ok = validRecord(v);
        const QJsonObject staff = ok.value(QStringLiteral("staff")).toObject();
        QJsonArray badLine{with(postMedication().toJson(), QStringLiteral("drug_code"), kRemove)};
        auto row = [](const char* name, const QByteArray& subject, const QByteArray& body, int code,
                      const char* field) {
            QTest::newRow(name) << subject << body << code << QString::fromLatin1(field);
        };
        // opd.discharge.release.pending
        row("pending: malformed JSON", pending, "{\"limit\": ", 400, "");
        row("pending: not an object", pending, "[1, 2]", 400, "");
        row("pending: limit wrong type", pending, bytes({{u"limit"_s, u"ten"_s}}), 400, "limit");
        row("pending: limit 0", pending, bytes({{u"limit"_s, 0}}), 400, "limit");
        row("pending: limit too big", pending, bytes({{u"limit"_s, 1001}}), 400, "limit");
        row("pending: limit fraction", pending, bytes({{u"limit"_s, 1.5}}), 400, "limit");
        row("pending: version 2", pending, bytes({{u"v"_s, 2}}), 400, "v");
        // opd.discharge.release.record
        row("record: malformed JSON", record, "{\"visit_id\": \"" + v.toUtf8(), 400, "");
        row("record: empty body", record, "", 400, "");
        row("record: staff missing", record, bytes(with(ok, u"staff"_s, kRemove)), 400, "staff");
        row("record: staff wrong type", record, bytes(with(ok, u"staff"_s, u"dr.silva"_s)), 400,
            "staff");
        row("record: staff.id missing", record,
            bytes(with(ok, u"staff"_s, with(staff, u"id"_s, kRemove))), 400, "staff.id");
        row("record: staff.id invalid", record,
            bytes(with(ok, u"staff"_s, with(staff, u"id"_s, u"dr silva"_s))), 400, "staff.id");
        row("record: staff.name too long", record,
            bytes(with(ok, u"staff"_s, with(staff, u"name"_s, QString(201, u'x')))), 400,
            "staff.name");
        row("record: staff.role unknown", record,
            bytes(with(ok, u"staff"_s, with(staff, u"role"_s, u"janitor"_s))), 400, "staff.role");
        row("record: visit_id missing", record, bytes(with(ok, u"visit_id"_s, kRemove)), 400,
            "visit_id");
        row("record: visit_id wrong type", record, bytes(with(ok, u"visit_id"_s, 42)), 400,
            "visit_id");
        row("record: visit_id not a UUID", record, bytes(with(ok, u"visit_id"_s, u"visit-1"_s)),
            400, "visit_id");
        row("record: outcome missing", record, bytes(with(ok, u"outcome"_s, kRemove)), 400,
            "outcome");
        row("record: outcome unknown", record, bytes(with(ok, u"outcome"_s, u"escaped"_s)), 400,
            "outcome");
        row("record: admitted without destination", record,
            bytes(with(ok, u"outcome"_s, u"admitted"_s)), 400, "destination");
        row("record: referred without destination", record,
            bytes(with(ok, u"outcome"_s, u"referred"_s)), 400, "destination");
        row("record: destination too long", record,
            bytes(
                with(with(ok, u"outcome"_s, u"referred"_s), u"destination"_s, QString(201, u'x'))),
            400, "destination");
        row("record: notes too long", record, bytes(with(ok, u"notes"_s, QString(4001, u'n'))), 400,
            "notes");
        row("record: notes wrong type", record, bytes(with(ok, u"notes"_s, true)), 400, "notes");
        row("record: post_medication wrong type", record,
            bytes(with(ok, u"post_medication"_s, u"amoxicillin"_s)), 400, "post_medication");
        row("record: post_medication line incomplete", record,
            bytes(with(ok, u"post_medication"_s, badLine)), 400, "post_medication[0].drug_code");
        row("record: next_visit not a date", record,
            bytes(with(ok, u"next_visit"_s, u"next monday"_s)), 400, "next_visit");
        row("record: next_visit in the past", record,
            bytes(
                with(ok, u"next_visit"_s, QDate::currentDate().addDays(-1).toString(Qt::ISODate))),
            400, "next_visit");
        row("record: unknown visit", record, bytes(with(ok, u"visit_id"_s, newId())), 404,
            "visit_id");
    }
    void badInput()
    {
        QFETCH(QByteArray, subject);
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(QString, field);
        const auto reply = callRaw(client(), subject, body);
        QVERIFY2(!reply.ok(), reply.ok() ? reply.value().constData() : "");
        QCOMPARE(reply.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, code);
        QCOMPARE(reply.error().field, field);
        QVERIFY(!reply.error().message.isEmpty());
    }

    void nothingWasWritten()
    {
        QCOMPARE(pendingCount(), 1);
        QCOMPARE(storedEvents(client(), kVisitDischarged.subjectBytes()), 0);
        // and the valid request still works afterwards (the visit was not touched)
        const auto reply =
            callRaw(client(), kRecordDischarge.subjectBytes(), bytes(validRecord(m_visit.id)));
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(storedEvents(client(), kVisitDischarged.subjectBytes()), 1,
                                  10000);
        QCOMPARE(pendingCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDischargeInput)
#include "test_discharge_input.moc"
