// Bad input over every endpoint of the audit service (query, verify): malformed JSON, wrong
// types, oversized and invalid strings, out-of-range numbers, contradictory ranges. Each gets
// a 400 naming the field, and the log is unchanged. An unknown patient is not an error: the
// query answers with no records.

#include "audit_events.h"
#include "bus/nats_library.h"
#include "discharge_fixture.h"

#include <QJsonDocument>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::audit;
using namespace Qt::StringLiterals;

namespace {

QByteArray bytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAuditInput : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ServiceEnvironment> m_env;
    QList<AuditRecord> m_before;

    bus::Connection& client() { return *m_env->client; }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_AUDIT_BIN),
                                                     QStringLiteral("audit"));
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
        for (int i = 0; i < 3; ++i)
            QVERIFY(publishAny(client(), kPatientRegistered.subjectBytes(),
                               discharge::receptionist(), newId(), eventTime(i), {}));
        QTRY_COMPARE_WITH_TIMEOUT(allRecords(client()).size(), 3, 15000);
        m_before = allRecords(client());
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
        QTest::addColumn<QString>("field");
        const QByteArray query = kAuditQuery.subjectBytes();
        const QByteArray verify = kAuditVerify.subjectBytes();
        auto row = [](const char* name, const QByteArray& subject, const QByteArray& body,
                      const char* field) {
            QTest::newRow(name) << subject << body << QString::fromLatin1(field);
        };
        // opd.admin.audit.query
        row("query: malformed JSON", query, "{\"limit\": 5", "");
        row("query: not an object", query, "\"all\"", "");
        row("query: patient_id not a UUID", query, bytes({{u"patient_id"_s, u"p-1"_s}}),
            "patient_id");
        row("query: patient_id wrong type", query, bytes({{u"patient_id"_s, 7}}), "patient_id");
        row("query: staff_id invalid", query, bytes({{u"staff_id"_s, u"dr silva"_s}}), "staff_id");
        row("query: staff_id too long", query, bytes({{u"staff_id"_s, QString(65, u'a')}}),
            "staff_id");
        row("query: staff_id wrong type", query, bytes({{u"staff_id"_s, true}}), "staff_id");
        row("query: from not a timestamp", query, bytes({{u"from"_s, u"yesterday"_s}}), "from");
        row("query: to without zone", query, bytes({{u"to"_s, u"2024-05-06T08:00:00"_s}}), "to");
        row("query: to before from", query,
            bytes({{u"from"_s, u"2024-05-06T09:00:00Z"_s}, {u"to"_s, u"2024-05-06T08:00:00Z"_s}}),
            "to");
        row("query: after_seq negative", query, bytes({{u"after_seq"_s, -1}}), "after_seq");
        row("query: after_seq wrong type", query, bytes({{u"after_seq"_s, u"1"_s}}), "after_seq");
        row("query: limit 0", query, bytes({{u"limit"_s, 0}}), "limit");
        row("query: limit too big", query, bytes({{u"limit"_s, 1001}}), "limit");
        row("query: version 2", query, bytes({{u"v"_s, 2}}), "v");
        // opd.admin.audit.verify
        row("verify: malformed JSON", verify, "{", "");
        row("verify: from_seq 0", verify, bytes({{u"from_seq"_s, 0}}), "from_seq");
        row("verify: from_seq wrong type", verify, bytes({{u"from_seq"_s, u"one"_s}}), "from_seq");
        row("verify: to_seq fraction", verify, bytes({{u"to_seq"_s, 2.5}}), "to_seq");
        row("verify: to_seq below from_seq", verify, bytes({{u"from_seq"_s, 3}, {u"to_seq"_s, 2}}),
            "to_seq");
        row("verify: version 2", verify, bytes({{u"v"_s, 2}}), "v");
    }
    void badInput()
    {
        QFETCH(QByteArray, subject);
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        const auto reply = callRaw(client(), subject, body);
        QVERIFY2(!reply.ok(), reply.ok() ? reply.value().constData() : "");
        QCOMPARE(reply.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, errors::kBadRequest);
        QCOMPARE(reply.error().field, field);
    }

    void unknownIdsAreEmptyResults()
    {
        AuditQueryRequest request;
        request.patientId = newId();
        const auto byPatient = call(client(), kAuditQuery, request);
        QVERIFY(byPatient.ok());
        QVERIFY(byPatient->records.isEmpty());
        QVERIFY(!byPatient->hasMore);
        AuditVerifyRequest beyond;
        beyond.fromSeq = 100;
        const auto verified = call(client(), kAuditVerify, beyond);
        QVERIFY(verified.ok());
        QVERIFY(verified->intact);
        QCOMPARE(verified->checked, qint64(0));
        QCOMPARE(verified->headSeq, qint64(3));
    }

    void nothingWasWritten()
    {
        QCOMPARE(allRecords(client()), m_before);
        const auto verified = call(client(), kAuditVerify, AuditVerifyRequest{});
        QVERIFY(verified.ok() && verified->intact);
        QCOMPARE(verified->checked, qint64(3));
    }
};

QTEST_GUILESS_MAIN(TestAuditInput)
#include "test_audit_input.moc"
