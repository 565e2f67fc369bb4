// Bad input over every endpoint of openopd-consultation: malformed JSON, missing fields,
// wrong types, oversized strings, out-of-range values, unknown ids and wrong states each get
// the right 4xx with the field named, and nothing is written (no event, queue unchanged).

#include "bus/nats_library.h"
#include "consultation_harness.h"
#include "protocol/catalog.h"
#include "service/jetstream_probe.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace Qt::StringLiterals;

namespace {

// base with the value at path replaced (or removed when value is nullopt). Path: dotted
// names with optional indexes, "consultation.prescriptions[1].quantity".
QJsonValue edit(QJsonValue node, QStringList path, const std::optional<QJsonValue>& value)
{
    QString token = path.takeFirst();
    qsizetype index = -1;
    if (token.endsWith(u']')) {
        const qsizetype open = token.indexOf(u'[');
        index = token.mid(open + 1, token.size() - open - 2).toInt();
        token.truncate(open);
    }
    QJsonObject object = node.toObject();
    if (index < 0) {
        if (path.isEmpty()) {
            if (value)
                object.insert(token, *value);
            else
                object.remove(token);
        } else {
            object.insert(token, edit(object.value(token), path, value));
        }
        return object;
    }
    QJsonArray array = object.value(token).toArray();
    array[index] =
        path.isEmpty() ? value.value_or(QJsonValue()) : edit(array.at(index), path, value);
    object.insert(token, array);
    return object;
}

QByteArray edited(const QJsonObject& base, const QString& path, std::optional<QJsonValue> value)
{
    const QJsonObject object = edit(base, path.split(u'.'), value).toObject();
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray body(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString text(qsizetype length)
{
    return QString(length, u'x');
}

} // namespace

class TestConsultationInput : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    ConsultationEnvironment m_env;
    Visit m_waiting; // registered, never called

    qint64 stored(const char* subject)
    {
        return streamCount(*m_env.client, QStringLiteral("OPD_EVENTS"),
                           QString::fromLatin1(subject));
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_env.start(), qPrintable(m_env.errorString()));
        m_waiting = makeVisit(1, Priority::Normal);
        QVERIFY(publishEvent(*m_env.client, kVisitRegistered, registeredEvent(m_waiting)));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*m_env.client).size(), 1, 15000);
    }

    void cleanupTestCase()
    {
        if (QTest::currentTestFailed() && m_env.service)
            qWarning().noquote() << "service log:\n" << m_env.service->log();
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<QByteArray>("subject");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");

        const QByteArray list(kDoctorQueue.subject);
        const QByteArray next(kCallNext.subject);
        const QByteArray callOne(kCallVisit.subject);
        const QByteArray start(kStartConsultation.subject);
        const QByteArray save(kSaveConsultation.subject);
        const QByteArray history(kPatientHistory.subject);

        const QJsonObject listBase = DoctorQueueRequest{QStringLiteral("general"), true}.toJson();
        const QJsonObject nextBase =
            CallNextRequest{doctor(QStringLiteral("dr.a")), QStringLiteral("general"),
                            QStringLiteral("Room 3")}
                .toJson();
        const QJsonObject callOneBase =
            CallVisitRequest{doctor(QStringLiteral("dr.a")), m_waiting.id, QStringLiteral("Room 3")}
                .toJson();
        const QJsonObject startBase =
            StartConsultationRequest{doctor(QStringLiteral("dr.a")), m_waiting.id}.toJson();
        const QJsonObject saveBase =
            SaveConsultationRequest{doctor(QStringLiteral("dr.a")), m_waiting.id, fullContent()}
                .toJson();
        const QJsonObject historyBase = PatientHistoryRequest{m_waiting.patientId, 20, {}}.toJson();
        const QString unknown = newId();
        const QString none; // no field

        auto row = [](const char* name, const QByteArray& subject, const QByteArray& payload,
                      int code, const QString& field) {
            QTest::newRow(name) << subject << payload << code << field;
        };

        // queue.list
        row("list: malformed JSON", list, "{\"queue\":", 400, none);
        row("list: not an object", list, "[1,2]", 400, none);
        row("list: queue wrong type", list, edited(listBase, u"queue"_s, 5), 400, u"queue"_s);
        row("list: queue invalid", list, edited(listBase, u"queue"_s, u"General Ward"_s), 400,
            u"queue"_s);
        row("list: queue oversized", list, edited(listBase, u"queue"_s, QString(33, u'a')), 400,
            u"queue"_s);
        row("list: include_called wrong type", list,
            edited(listBase, u"include_called"_s, u"yes"_s), 400, u"include_called"_s);
        row("list: future version", list, edited(listBase, u"v"_s, 2), 400, u"v"_s);

        // queue.call_next
        row("next: malformed JSON", next, "{{", 400, none);
        row("next: missing staff", next, edited(nextBase, u"staff"_s, std::nullopt), 400,
            u"staff"_s);
        row("next: staff wrong type", next, edited(nextBase, u"staff"_s, u"dr.a"_s), 400,
            u"staff"_s);
        row("next: missing staff.id", next, edited(nextBase, u"staff.id"_s, std::nullopt), 400,
            u"staff.id"_s);
        row("next: staff.role invalid", next, edited(nextBase, u"staff.role"_s, u"surgeon"_s), 400,
            u"staff.role"_s);
        row("next: staff.name oversized", next, edited(nextBase, u"staff.name"_s, text(201)), 400,
            u"staff.name"_s);
        row("next: room oversized", next, edited(nextBase, u"room"_s, text(51)), 400, u"room"_s);
        row("next: queue wrong type", next, edited(nextBase, u"queue"_s, QJsonArray{1}), 400,
            u"queue"_s);

        // queue.call (call this one); none of these calls m_waiting
        row("call one: malformed JSON", callOne, "{\"visit_id\"", 400, none);
        row("call one: missing visit_id", callOne, edited(callOneBase, u"visit_id"_s, std::nullopt),
            400, u"visit_id"_s);
        row("call one: visit_id not a UUID", callOne,
            edited(callOneBase, u"visit_id"_s, u"token-7"_s), 400, u"visit_id"_s);
        row("call one: missing staff", callOne, edited(callOneBase, u"staff"_s, std::nullopt), 400,
            u"staff"_s);
        row("call one: room oversized", callOne, edited(callOneBase, u"room"_s, text(51)), 400,
            u"room"_s);
        row("call one: unknown visit", callOne, edited(callOneBase, u"visit_id"_s, unknown), 404,
            u"visit_id"_s);

        // visit.start
        row("start: malformed JSON", start, "not json", 400, none);
        row("start: missing visit_id", start, edited(startBase, u"visit_id"_s, std::nullopt), 400,
            u"visit_id"_s);
        row("start: visit_id wrong type", start, edited(startBase, u"visit_id"_s, 42), 400,
            u"visit_id"_s);
        row("start: visit_id not a UUID", start, edited(startBase, u"visit_id"_s, u"visit-1"_s),
            400, u"visit_id"_s);
        row("start: visit_id oversized", start, edited(startBase, u"visit_id"_s, text(5000)), 400,
            u"visit_id"_s);
        row("start: missing staff", start, edited(startBase, u"staff"_s, std::nullopt), 400,
            u"staff"_s);
        row("start: unknown visit", start, edited(startBase, u"visit_id"_s, unknown), 404,
            u"visit_id"_s);
        row("start: visit not called", start, body(startBase), 409, none);

        // record.save
        row("save: malformed JSON", save, "{\"visit_id\": }", 400, none);
        row("save: missing consultation", save, edited(saveBase, u"consultation"_s, std::nullopt),
            400, u"consultation"_s);
        row("save: consultation wrong type", save,
            edited(saveBase, u"consultation"_s, QJsonArray{}), 400, u"consultation"_s);
        row("save: missing disposition", save,
            edited(saveBase, u"consultation.disposition"_s, std::nullopt), 400,
            u"consultation.disposition"_s);
        row("save: disposition invalid", save,
            edited(saveBase, u"consultation.disposition"_s, u"home"_s), 400,
            u"consultation.disposition"_s);
        row("save: to_pharmacy without prescriptions", save,
            edited(saveBase, u"consultation.prescriptions"_s, QJsonArray{}), 400,
            u"consultation.prescriptions"_s);
        row("save: prescription quantity out of range", save,
            edited(saveBase, u"consultation.prescriptions[1].quantity"_s, 0), 400,
            u"consultation.prescriptions[1].quantity"_s);
        row("save: prescription quantity wrong type", save,
            edited(saveBase, u"consultation.prescriptions[0].quantity"_s, u"24"_s), 400,
            u"consultation.prescriptions[0].quantity"_s);
        row("save: ICD-10 invalid", save,
            edited(saveBase, u"consultation.diagnoses[0].icd10"_s, u"j02"_s), 400,
            u"consultation.diagnoses[0].icd10"_s);
        row("save: vitals wrong type", save,
            edited(saveBase, u"consultation.vitals.diastolic_mmhg"_s, u"82"_s), 400,
            u"consultation.vitals.diastolic_mmhg"_s);
        row("save: notes oversized", save, edited(saveBase, u"consultation.notes"_s, text(4001)),
            400, u"consultation.notes"_s);
        row("save: lab order test_name oversized", save,
            edited(saveBase, u"consultation.lab_orders[0].test_name"_s, text(201)), 400,
            u"consultation.lab_orders[0].test_name"_s);
        row("save: missing staff.role", save, edited(saveBase, u"staff.role"_s, std::nullopt), 400,
            u"staff.role"_s);
        row("save: visit_id not a UUID", save, edited(saveBase, u"visit_id"_s, u"1"_s), 400,
            u"visit_id"_s);
        row("save: unknown visit", save, edited(saveBase, u"visit_id"_s, unknown), 404,
            u"visit_id"_s);
        row("save: visit not called", save, body(saveBase), 409, none);

        // patient.history
        row("history: malformed JSON", history, "\x01\x02", 400, none);
        row("history: missing patient_id", history,
            edited(historyBase, u"patient_id"_s, std::nullopt), 400, u"patient_id"_s);
        row("history: patient_id wrong type", history, edited(historyBase, u"patient_id"_s, true),
            400, u"patient_id"_s);
        row("history: patient_id oversized", history,
            edited(historyBase, u"patient_id"_s, text(300)), 400, u"patient_id"_s);
        row("history: limit too small", history, edited(historyBase, u"limit"_s, 0), 400,
            u"limit"_s);
        row("history: limit too large", history, edited(historyBase, u"limit"_s, 51), 400,
            u"limit"_s);
        row("history: limit wrong type", history, edited(historyBase, u"limit"_s, u"20"_s), 400,
            u"limit"_s);
        row("history: before not a timestamp", history,
            edited(historyBase, u"before"_s, u"yesterday"_s), 400, u"before"_s);
    }

    void badInputIsRefused()
    {
        QFETCH(QByteArray, subject);
        QFETCH(QByteArray, payload);
        QFETCH(int, code);
        QFETCH(QString, field);
        const auto reply = callRaw(*m_env.client, subject, payload);
        QVERIFY2(!reply.ok(), "the request was accepted");
        QCOMPARE(reply.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, code);
        QCOMPARE(reply.error().field, field);
        QVERIFY(!reply.error().message.isEmpty());
    }

    // Unknown ids where the protocol answers with an empty result rather than 404.
    void unknownPatientHasAnEmptyHistory()
    {
        const auto reply = call(*m_env.client, kPatientHistory, {newId(), 20, {}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QVERIFY(reply->entries.isEmpty());
        QVERIFY(!reply->truncated);
    }

    void unknownQueueCallsNobody()
    {
        const auto reply =
            call(*m_env.client, kCallNext,
                 {doctor(QStringLiteral("dr.a")), QStringLiteral("nosuchqueue"), {}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QVERIFY(!reply->entry.has_value());
    }

    // Discovery: INFO lists the eight endpoints of the protocol, in queue group q.
    void infoListsEveryEndpoint()
    {
        const QJsonObject info = callJson(*m_env.client, "$SRV.INFO.consultation", {});
        QCOMPARE(info.value(u"type"_s).toString(), u"io.nats.micro.v1.info_response"_s);
        QStringList subjects;
        for (const QJsonValue& endpoint : info.value(u"endpoints"_s).toArray()) {
            subjects.append(endpoint.toObject().value(u"subject"_s).toString());
            QCOMPARE(endpoint.toObject().value(u"queue_group"_s).toString(), u"q"_s);
        }
        subjects.sort();
        QStringList expected;
        for (const EndpointInfo& endpoint : endpointCatalog())
            if (endpoint.service == u"consultation"_s)
                expected.append(QString::fromLatin1(endpoint.subject));
        expected.sort();
        QCOMPARE(expected.size(), 8);
        QCOMPARE(subjects, expected);
    }

    void nothingWasWritten()
    {
        QCOMPARE(stored(kVisitCalled.subject), 0);
        QCOMPARE(stored(kVisitConsultationStarted.subject), 0);
        QCOMPARE(stored(kVisitConsulted.subject), 0);
        const QList<QueueEntry> queue = queueOf(*m_env.client);
        QCOMPARE(queue.size(), 1);
        QCOMPARE(queue.at(0).visitId, m_waiting.id);
        QCOMPARE(queue.at(0).state, VisitState::Registered);
        QVERIFY(!queue.at(0).calledBy.has_value());
        const auto history = call(*m_env.client, kPatientHistory, {m_waiting.patientId, 20, {}});
        QVERIFY(history.ok());
        QVERIFY(history->entries.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConsultationInput)

#include "test_consultation_input.moc"
