// Bad input, table-driven, over every endpoint of openopd-registration: malformed JSON,
// missing fields, wrong types, oversized strings, unknown ids. Each gets the right 4xx with
// the field named, and nothing is written (no event, no change visible through the reads).

#include "registration_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace openopd;
using namespace openopd::testing;

namespace {

const QJsonValue kRemove(QJsonValue::Undefined);

// base with the field at a dotted path set to value (removed when value is undefined).
QJsonObject with(QJsonObject base, const QString& path, const QJsonValue& value)
{
    const qsizetype dot = path.indexOf(u'.');
    if (dot < 0) {
        if (value.isUndefined())
            base.remove(path);
        else
            base.insert(path, value);
        return base;
    }
    const QString head = path.left(dot);
    base.insert(head, with(base.value(head).toObject(), path.mid(dot + 1), value));
    return base;
}

QByteArray json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString text(int length)
{
    return QString(length, u'x');
}

} // namespace

class TestRegistrationBadInput : public QObject
{
    Q_OBJECT

    RegistrationFixture m_fixture;
    protocol::Patient m_patient;
    protocol::Visit m_visit;
    qint64 m_eventsBefore = 0;

    QJsonObject base(const QByteArray& subject) const
    {
        const protocol::PatientDetails details =
            person(QStringLiteral("Test Person"), QDate(1980, 1, 1));
        if (subject == protocol::kCreatePatient.subjectBytes())
            return createRequest(details).toJson();
        if (subject == protocol::kUpdatePatient.subjectBytes())
            return protocol::UpdatePatientRequest{receptionist(), m_patient.id, 1, details}
                .toJson();
        if (subject == protocol::kGetPatient.subjectBytes())
            return protocol::GetPatientRequest{m_patient.id, {}}.toJson();
        if (subject == protocol::kSearchPatients.subjectBytes())
            return protocol::SearchPatientsRequest{QStringLiteral("test")}.toJson();
        if (subject == protocol::kOpenVisit.subjectBytes())
            return openRequest(m_patient.id, QStringLiteral("paeds")).toJson();
        if (subject == protocol::kGetVisit.subjectBytes())
            return protocol::GetVisitRequest{m_visit.id}.toJson();
        if (subject == protocol::kCancelVisit.subjectBytes())
            return protocol::CancelVisitRequest{receptionist(), m_visit.id, QStringLiteral("x")}
                .toJson();
        if (subject == protocol::kMarkLeftUnseen.subjectBytes())
            return protocol::LeftUnseenRequest{receptionist(), m_visit.id, {}}.toJson();
        return protocol::WaitingListRequest{}.toJson();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fixture.start(), qPrintable(m_fixture.errorString()));
        auto created =
            m_fixture.call(protocol::kCreatePatient,
                           createRequest(person(QStringLiteral("Ana Silva"), QDate(1990, 2, 3))));
        QVERIFY2(created.ok(), qPrintable(created.error().toString()));
        m_patient = *created->patient;
        auto opened = m_fixture.call(protocol::kOpenVisit, openRequest(m_patient.id));
        QVERIFY2(opened.ok(), qPrintable(opened.error().toString()));
        m_visit = opened->visit;
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.>")), 2);
        m_eventsBefore = 2;
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("subject");
        QTest::addColumn<QString>("path");     // field to change; empty: send `raw` instead
        QTest::addColumn<QJsonValue>("value"); // undefined: remove the field
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("field");

        const QString unknown = protocol::newId();
        const QList<QByteArray> every{
            protocol::kCreatePatient.subjectBytes(), protocol::kUpdatePatient.subjectBytes(),
            protocol::kGetPatient.subjectBytes(),    protocol::kSearchPatients.subjectBytes(),
            protocol::kOpenVisit.subjectBytes(),     protocol::kGetVisit.subjectBytes(),
            protocol::kCancelVisit.subjectBytes(),   protocol::kMarkLeftUnseen.subjectBytes(),
            protocol::kWaitingList.subjectBytes()};
        for (const QByteArray& subject : every) {
            QTest::addRow("%s malformed", subject.constData())
                << subject << QString() << QJsonValue() << QByteArray("{\"v\":1,") << 400
                << QString();
            QTest::addRow("%s not an object", subject.constData())
                << subject << QString() << QJsonValue() << QByteArray("[1]") << 400 << QString();
            QTest::addRow("%s version 2", subject.constData())
                << subject << QStringLiteral("v") << QJsonValue(2) << QByteArray() << 400
                << QStringLiteral("v");
        }
        auto row = [](const char* name, const char* subject, const char* path,
                      const QJsonValue& value, int code, const char* field) {
            QTest::newRow(name) << QByteArray(subject) << QString::fromLatin1(path) << value
                                << QByteArray() << code << QString::fromLatin1(field);
        };
        using namespace protocol;
        const QJsonValue id(unknown);
        // opd.registration.patient.create
        const char* s = kCreatePatient.subject;
        row("create: no patient", s, "patient", kRemove, 400, "patient");
        row("create: no staff", s, "staff", kRemove, 400, "staff");
        row("create: staff role", s, "staff.role", QStringLiteral("boss"), 400, "staff.role");
        row("create: no name", s, "patient.full_name", kRemove, 400, "patient.full_name");
        row("create: name type", s, "patient.full_name", 5, 400, "patient.full_name");
        row("create: name too long", s, "patient.full_name", text(201), 400, "patient.full_name");
        row("create: birth date", s, "patient.date_of_birth", QStringLiteral("1980-02-30"), 400,
            "patient.date_of_birth");
        row("create: sex", s, "patient.sex", QStringLiteral("f"), 400, "patient.sex");
        row("create: phone", s, "patient.phone", QStringLiteral("call me"), 400, "patient.phone");
        row("create: national id", s, "patient.national_id", QStringLiteral("AB  12"), 400,
            "patient.national_id");
        row("create: allergies type", s, "patient.allergies", QStringLiteral("penicillin"), 400,
            "patient.allergies");
        row("create: remarks too long", s, "patient.remarks", text(4001), 400, "patient.remarks");
        row("create: mrn", s, "mrn", QStringLiteral("MRN 1"), 400, "mrn");
        row("create: mrn too long", s, "mrn", text(33), 400, "mrn");
        row("create: confirm type", s, "confirm_duplicate", QStringLiteral("yes"), 400,
            "confirm_duplicate");
        // opd.registration.patient.update
        s = kUpdatePatient.subject;
        row("update: no revision", s, "revision", kRemove, 400, "revision");
        row("update: revision 0", s, "revision", 0, 400, "revision");
        row("update: revision type", s, "revision", QStringLiteral("1"), 400, "revision");
        row("update: patient id", s, "patient_id", QStringLiteral("nope"), 400, "patient_id");
        row("update: no details", s, "patient", kRemove, 400, "patient");
        row("update: name too long", s, "patient.full_name", text(201), 400, "patient.full_name");
        row("update: staff name", s, "staff.name", text(201), 400, "staff.name");
        row("update: unknown patient", s, "patient_id", id, 404, "patient_id");
        // opd.registration.patient.get
        s = kGetPatient.subject;
        row("get: neither id", s, "patient_id", kRemove, 400, "patient_id");
        row("get: id type", s, "patient_id", 7, 400, "patient_id");
        row("get: mrn", s, "mrn", QStringLiteral("a b"), 400, "mrn");
        row("get: unknown id", s, "patient_id", id, 404, "patient_id");
        // opd.registration.patient.search
        s = kSearchPatients.subject;
        row("search: no query", s, "query", kRemove, 400, "query");
        row("search: empty query", s, "query", QStringLiteral(" "), 400, "query");
        row("search: query too long", s, "query", text(101), 400, "query");
        row("search: query type", s, "query", QJsonArray{1}, 400, "query");
        row("search: limit 0", s, "limit", 0, 400, "limit");
        row("search: limit 51", s, "limit", 51, 400, "limit");
        row("search: limit type", s, "limit", QStringLiteral("ten"), 400, "limit");
        row("search: by", s, "by", QStringLiteral("surname"), 400, "by");
        // opd.registration.visit.open
        s = kOpenVisit.subject;
        row("open: no queue", s, "queue", kRemove, 400, "queue");
        row("open: queue", s, "queue", QStringLiteral("General Ward"), 400, "queue");
        row("open: queue too long", s, "queue", text(33), 400, "queue");
        row("open: priority", s, "priority", QStringLiteral("vip"), 400, "priority");
        row("open: complaint too long", s, "complaint", text(2001), 400, "complaint");
        row("open: patient type", s, "patient_id", 42, 400, "patient_id");
        row("open: no staff", s, "staff", kRemove, 400, "staff");
        row("open: unknown patient", s, "patient_id", id, 404, "patient_id");
        // opd.registration.visit.get
        s = kGetVisit.subject;
        row("get visit: no id", s, "visit_id", kRemove, 400, "visit_id");
        row("get visit: id", s, "visit_id", QStringLiteral("{not-a-uuid}"), 400, "visit_id");
        row("get visit: unknown", s, "visit_id", id, 404, "visit_id");
        // opd.registration.visit.cancel
        s = kCancelVisit.subject;
        row("cancel: no reason", s, "reason", kRemove, 400, "reason");
        row("cancel: reason too long", s, "reason", text(1001), 400, "reason");
        row("cancel: staff id", s, "staff.id", QStringLiteral("a b"), 400, "staff.id");
        row("cancel: unknown visit", s, "visit_id", id, 404, "visit_id");
        // opd.registration.visit.left_unseen
        s = kMarkLeftUnseen.subject;
        row("left unseen: no staff", s, "staff", kRemove, 400, "staff");
        row("left unseen: reason too long", s, "reason", text(1001), 400, "reason");
        row("left unseen: visit type", s, "visit_id", true, 400, "visit_id");
        row("left unseen: unknown visit", s, "visit_id", id, 404, "visit_id");
        // opd.registration.visit.waiting
        s = kWaitingList.subject;
        row("waiting: queue", s, "queue", QStringLiteral("Bad Queue"), 400, "queue");
        row("waiting: day", s, "day", QStringLiteral("2024-13-01"), 400, "day");
        row("waiting: include_closed type", s, "include_closed", QStringLiteral("no"), 400,
            "include_closed");
    }

    void badInput()
    {
        QFETCH(QByteArray, subject);
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QByteArray, raw);
        QFETCH(int, code);
        QFETCH(QString, field);
        const QByteArray body = path.isEmpty() ? raw : json(with(base(subject), path, value));
        const auto reply = m_fixture.callRaw(subject, body);
        QVERIFY2(!reply.ok(), body.constData());
        QCOMPARE(reply.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, code);
        QCOMPARE(reply.error().field, field);
        QVERIFY(!reply.error().message.isEmpty());
    }

    // Runs after the table: nothing of it was written.
    void nothingWasWritten()
    {
        QTest::qWait(500); // an event would have been relayed by now
        QCOMPARE(m_fixture.stored(QStringLiteral("opd.events.>")), m_eventsBefore);
        auto patient =
            m_fixture.call(protocol::kGetPatient, protocol::GetPatientRequest{m_patient.id, {}});
        QVERIFY(patient.ok());
        QCOMPARE(patient->patient, m_patient);
        auto visit = m_fixture.call(protocol::kGetVisit, protocol::GetVisitRequest{m_visit.id});
        QVERIFY(visit.ok());
        QCOMPARE(visit->visit, m_visit);
        protocol::WaitingListRequest all;
        all.includeClosed = true;
        auto list = m_fixture.call(protocol::kWaitingList, all);
        QVERIFY(list.ok());
        QCOMPARE(list->visits.size(), 1);
        auto found = m_fixture.call(protocol::kSearchPatients,
                                    protocol::SearchPatientsRequest{QStringLiteral("test person")});
        QVERIFY(found.ok());
        QVERIFY(found->patients.isEmpty());
    }

    void cleanupTestCase() { QCOMPARE(m_fixture.service().terminate(), 0); }
};

QTEST_GUILESS_MAIN(TestRegistrationBadInput)
#include "test_registration_bad_input.moc"
