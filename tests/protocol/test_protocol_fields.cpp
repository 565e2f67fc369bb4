// Field rules (dates, timestamps, ids, codes, ICD-10, enums, version), forward
// compatibility, the visit state machine, the audit hash chain and event construction.

#include "json_edit.h"
#include "samples.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace openopd;
using namespace openopd::protocol;

namespace {

template <class E> void checkEnum(int expectedCount)
{
    static const QRegularExpression snake(QStringLiteral("^[a-z][a-z0-9]*(_[a-z0-9]+)*$"));
    const QStringList names = wireValues<E>();
    QCOMPARE(names.size(), expectedCount);
    QCOMPARE(QSet<QString>(names.cbegin(), names.cend()).size(), names.size());
    for (const auto& entry : EnumTraits<E>::kEntries) {
        const QString wire = toWire(entry.value);
        QVERIFY2(snake.match(wire).hasMatch(), qPrintable(wire));
        QCOMPARE(enumFromWire<E>(wire), std::optional<E>(entry.value));
        QVERIFY(!enumFromWire<E>(wire.toUpper()));
    }
    QVERIFY(!enumFromWire<E>(u"no_such_value"));
}

} // namespace

class TestProtocolFields : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dates_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QDate>("date");
        QTest::newRow("plain") << "2024-05-06" << QDate(2024, 5, 6);
        QTest::newRow("leap day") << "2024-02-29" << QDate(2024, 2, 29);
        QTest::newRow("first") << "1880-01-01" << QDate(1880, 1, 1);
        QTest::newRow("last") << "2199-12-31" << QDate(2199, 12, 31);
        QTest::newRow("not leap") << "2023-02-29" << QDate();
        QTest::newRow("month 13") << "2024-13-01" << QDate();
        QTest::newRow("too early") << "1879-12-31" << QDate();
        QTest::newRow("too late") << "2200-01-01" << QDate();
        QTest::newRow("short year") << "24-05-06" << QDate();
        QTest::newRow("no padding") << "2024-5-6" << QDate();
        QTest::newRow("slashes") << "2024/05/06" << QDate();
        QTest::newRow("with time") << "2024-05-06T00:00:00Z" << QDate();
        QTest::newRow("spaces") << " 2024-05-06" << QDate();
        QTest::newRow("empty") << "" << QDate();
        QTest::newRow("final newline") << "2024-05-06\n" << QDate();
    }
    void dates()
    {
        QFETCH(QString, text);
        QFETCH(QDate, date);
        QCOMPARE(parseDate(text), date);
        if (date.isValid())
            QCOMPARE(formatDate(date), text);
    }

    void timestamps_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("msecs"); // since the epoch; -1 = invalid
        QTest::addColumn<QString>("written");
        const qint64 base = 1714982400000; // 2024-05-06T08:00:00Z
        QTest::newRow("Z with ms")
            << "2024-05-06T08:00:00.123Z" << base + 123 << "2024-05-06T08:00:00.123Z";
        QTest::newRow("Z without fraction")
            << "2024-05-06T08:00:00Z" << base << "2024-05-06T08:00:00.000Z";
        QTest::newRow("nanoseconds truncated")
            << "2024-05-06T08:00:00.987654321Z" << base + 987 << "2024-05-06T08:00:00.987Z";
        QTest::newRow("one digit")
            << "2024-05-06T08:00:00.5Z" << base + 500 << "2024-05-06T08:00:00.500Z";
        QTest::newRow("offset") << "2024-05-06T10:00:00+02:00" << base
                                << "2024-05-06T08:00:00.000Z";
        QTest::newRow("negative offset")
            << "2024-05-06T03:00:00.250-05:00" << base + 250 << "2024-05-06T08:00:00.250Z";
        QTest::newRow("epoch") << "1970-01-01T00:00:00Z" << qint64{0} << "1970-01-01T00:00:00.000Z";
        QTest::newRow("no zone") << "2024-05-06T08:00:00" << qint64{-1} << QString();
        QTest::newRow("lower case z") << "2024-05-06T08:00:00z" << qint64{-1} << QString();
        QTest::newRow("space separator") << "2024-05-06 08:00:00Z" << qint64{-1} << QString();
        QTest::newRow("ten digit fraction")
            << "2024-05-06T08:00:00.1234567890Z" << qint64{-1} << QString();
        QTest::newRow("hour 24") << "2024-05-06T24:00:00Z" << qint64{-1} << QString();
        QTest::newRow("leap second") << "2016-12-31T23:59:60Z" << qint64{-1} << QString();
        QTest::newRow("before 1970") << "1969-12-31T23:59:59Z" << qint64{-1} << QString();
        QTest::newRow("Go zero time") << "0001-01-01T00:00:00Z" << qint64{-1} << QString();
        QTest::newRow("date only") << "2024-05-06" << qint64{-1} << QString();
        QTest::newRow("unix seconds") << "1714982400" << qint64{-1} << QString();
        // PCRE's '$' also matches before a final newline: the whole text must match.
        QTest::newRow("final newline") << "2024-05-06T08:00:00Z\n" << qint64{-1} << QString();
    }
    void timestamps()
    {
        QFETCH(QString, text);
        QFETCH(qint64, msecs);
        QFETCH(QString, written);
        const QDateTime parsed = parseTimestamp(text);
        QCOMPARE(parsed.isValid(), msecs >= 0);
        if (msecs < 0)
            return;
        QCOMPARE(parsed.toMSecsSinceEpoch(), msecs);
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
        QCOMPARE(formatTimestamp(parsed), written);
    }

    // formatTimestamp writes its digits by hand; Qt's own ISO text is the reference, for
    // every field's edges and for a time given in another zone.
    void formattedTimestampsMatchQt()
    {
        const QList<QDateTime> times{
            QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC),
            QDateTime(QDate(1970, 1, 1), QTime(0, 0, 0, 1), Qt::UTC),
            QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(2026, 12, 3), QTime(9, 5, 7, 40), Qt::UTC),
            QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(2026, 1, 1), QTime(1, 30), Qt::OffsetFromUTC, 5 * 3600 + 1800),
            QDateTime(QDate(2026, 7, 1), QTime(12, 0), Qt::LocalTime),
        };
        for (const QDateTime& time : times)
            QCOMPARE(formatTimestamp(time), time.toUTC().toString(Qt::ISODateWithMs));
        QCOMPARE(formatTimestamp(QDateTime(QDate(2026, 1, 1), QTime(1, 30), Qt::OffsetFromUTC,
                                           5 * 3600 + 1800)),
                 u"2025-12-31T20:00:00.000Z");
        QVERIFY(formatTimestamp(QDateTime()).isEmpty());
    }

    void idsAndCodes()
    {
        QVERIFY(isValidId(samples::id(1)));
        QVERIFY(isValidId(newId()));
        QVERIFY(newId() != newId());
        QVERIFY(isValidId(samples::id(1).toUpper()));
        QVERIFY(!isValidId(QString(u"{" + samples::id(1) + u"}")));
        QVERIFY(!isValidId(u"00000000-0000-0000-0000-000000000000"));
        QVERIFY(!isValidId(samples::id(1).remove(u'-')));
        QVERIFY(!isValidId(u"P-000123"));
        QVERIFY(!isValidId(QString(samples::id(1) + u"\n")));
        // ids are read case-insensitively and kept in lower case
        const QJsonObject upper{{QStringLiteral("visit_id"), samples::id(2).toUpper()}};
        QCOMPARE(GetVisitRequest::fromJson(upper)->visitId, samples::id(2));

        for (const char* good : {"PARA500", "MRN-000123", "OLD/77-1", "a.b_c", "7"})
            QVERIFY2(isValidCode(QString::fromLatin1(good)), good);
        for (const char* bad : {"", "-X", "PARA 500", "x\ny", "é1", "PARA500\n"})
            QVERIFY2(!isValidCode(QString::fromUtf8(bad)), bad);
        for (const char* good : {"AB 12 34 56 C", "850101-14-5567", "X", "12.34/5"})
            QVERIFY2(isValidNationalId(QString::fromLatin1(good)), good);
        for (const char* bad : {"AB  12", " AB", "AB ", "A--B", "A_B", "AB12\n"})
            QVERIFY2(!isValidNationalId(QString::fromLatin1(bad)), bad);
        for (const char* good : {"+27 82 555 0123", "(011) 555-0123", "555", "0.11/22"})
            QVERIFY2(isValidPhone(QString::fromLatin1(good)), good);
        for (const char* bad : {"12", "+", "555 ext 2", "++27 82", "phone", "555 0123\n"})
            QVERIFY2(!isValidPhone(QString::fromLatin1(bad)), bad);
        for (const char* good : {"general", "paeds-2", "eye_clinic", "1"})
            QVERIFY2(isValidQueue(QString::fromLatin1(good)), good);
        for (const char* bad : {"General", "_x", "a b", "", "general\n"})
            QVERIFY2(!isValidQueue(QString::fromLatin1(bad)), bad);
        for (const char* good : {"dr.silva", "reception1", "a@clinic.org", "svc-audit"})
            QVERIFY2(isValidStaffId(QString::fromLatin1(good)), good);
        for (const char* bad : {".x", "a b", "x/y", "dr.silva\n"})
            QVERIFY2(!isValidStaffId(QString::fromLatin1(bad)), bad);
    }

    void icd10_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<bool>("valid");
        for (const char* good :
             {"J06.9", "A00", "Z99.89", "S72.001A", "E11.65", "O9A.1", "C7A", "T36.0X5A", "M54.5"})
            QTest::newRow(good) << QString::fromLatin1(good) << true;
        for (const char* bad : {"j06.9", "U07.1", "J6.9", "J06.", "J06.12345", "106.9", "J069",
                                "JJ6.9", "J06 .9", "J0C", ""})
            QTest::newRow(bad[0] ? bad : "empty") << QString::fromLatin1(bad) << false;
    }
    void icd10()
    {
        QFETCH(QString, code);
        QFETCH(bool, valid);
        QCOMPARE(isValidIcd10(code), valid);
    }

    void enumsUseLowerSnakeCase()
    {
        checkEnum<Sex>(4);
        checkEnum<StaffRole>(7);
        checkEnum<Priority>(3);
        checkEnum<VisitState>(12);
        checkEnum<Disposition>(5);
        checkEnum<DischargeOutcome>(3);
        checkEnum<LabOrderState>(4);
        checkEnum<LabFlag>(3);
        checkEnum<StockReason>(7);
        checkEnum<PatientSearchField>(5);
        QCOMPARE(toWire(VisitState::InConsultation), QStringLiteral("in_consultation"));
        QVERIFY(priorityRank(Priority::Emergency) < priorityRank(Priority::Urgent));
        QVERIFY(priorityRank(Priority::Urgent) < priorityRank(Priority::Normal));
    }

    void versionIsOptionalAndChecked()
    {
        QJsonObject request = samples::endpointExamples().constFirst().request;
        QVERIFY(CreatePatientRequest::fromJson(request).ok());
        request.remove(QStringLiteral("v"));
        QVERIFY2(CreatePatientRequest::fromJson(request).ok(), "a missing v means version 1");
        request.insert(QStringLiteral("v"), kProtocolVersion + 1);
        const auto newer = CreatePatientRequest::fromJson(request);
        QCOMPARE(newer.error().field, QStringLiteral("v"));
        QVERIFY(newer.error().message.contains(QString::number(kProtocolVersion + 1)));
        QVERIFY(!samples::patient().toJson().contains(QStringLiteral("v")));
    }

    void unknownFieldsAreIgnored()
    {
        using openopd::testing::edited;
        QJsonObject request;
        for (const auto& example : samples::endpointExamples())
            if (example.subject == kSaveConsultation.subjectBytes())
                request = example.request;
        QVERIFY(!request.isEmpty());
        const auto before = SaveConsultationRequest::fromJson(request);
        QVERIFY(before.ok());
        request =
            edited(request, QStringLiteral("future_top"), QJsonObject{{QStringLiteral("x"), 1}});
        request = edited(request, QStringLiteral("staff.department"), QStringLiteral("ENT"));
        request = edited(request, QStringLiteral("consultation.prescriptions[0].barcode"), 123);
        request = edited(request, QStringLiteral("consultation.vitals.gcs"), 15);
        const auto after = SaveConsultationRequest::fromJson(request);
        QVERIFY2(after.ok(), qPrintable(after.error().toString()));
        QVERIFY(after.value() == before.value());
    }

    void visitStateMachine()
    {
        using S = VisitState;
        for (S final : {S::Discharged, S::Admitted, S::Referred, S::Cancelled, S::LeftUnseen}) {
            QVERIFY(isFinalState(final));
            QVERIFY(allowedNextStates(final).isEmpty());
        }
        // Back in the queue: a called patient who was not seen, or one back with lab results
        // for the ordering doctor (issue 11).
        for (const auto& entry : EnumTraits<VisitState>::kEntries)
            QVERIFY(!isTransitionAllowed(entry.value, S::Registered) || entry.value == S::Called ||
                    entry.value == S::AwaitingLab);
        QVERIFY(isTransitionAllowed(S::AwaitingLab, S::Registered));
        QVERIFY(isTransitionAllowed(S::AwaitingLab, S::Dispensed));
        QVERIFY(isTransitionAllowed(S::AwaitingLab, S::Consulted));
        QVERIFY(!isTransitionAllowed(S::AwaitingLab, S::Called));
        QVERIFY(isTransitionAllowed(S::Registered, S::Called));
        QVERIFY(isTransitionAllowed(S::Consulted, S::AwaitingPharmacy));
        QVERIFY(isTransitionAllowed(S::Dispensed, S::Discharged));
        QVERIFY(!isTransitionAllowed(S::Registered, S::Consulted));
        QVERIFY(!isTransitionAllowed(S::Consulted, S::Cancelled));
        QVERIFY(isWaitingState(S::Called) && !isWaitingState(S::InConsultation));
        // every non-final state can reach a final one
        for (const auto& entry : EnumTraits<VisitState>::kEntries) {
            QSet<VisitState> seen{entry.value};
            QList<VisitState> todo{entry.value};
            bool reachesFinal = false;
            while (!todo.isEmpty()) {
                const VisitState state = todo.takeLast();
                reachesFinal = reachesFinal || isFinalState(state);
                for (VisitState next : allowedNextStates(state))
                    if (!seen.contains(next)) {
                        seen.insert(next);
                        todo.append(next);
                    }
            }
            QVERIFY(reachesFinal);
        }
        const Visit visit = samples::visit();
        QCOMPARE(visit.registeredAt(), samples::at(5));
        QVERIFY(visit.lastTransitionTo(VisitState::Called));
        QVERIFY(!visit.lastTransitionTo(VisitState::Consulted));
    }

    void auditChainLinksAndDetectsTampering()
    {
        QList<AuditRecord> chain;
        QString previous = auditGenesisHash();
        for (qint64 seq = 1; seq <= 5; ++seq) {
            chain.append(samples::auditRecord(seq, previous));
            previous = chain.last().hash;
        }
        previous = auditGenesisHash();
        for (const AuditRecord& record : chain) {
            QVERIFY(record.linksTo(previous));
            QVERIFY(isValidSha256Hex(record.hash));
            previous = record.hash;
        }
        AuditRecord tampered = chain.at(2);
        tampered.actor.name = QStringLiteral("Someone Else");
        QVERIFY(!tampered.linksTo(chain.at(1).hash));
        QVERIFY(!chain.at(3).linksTo(chain.at(1).hash));
        QCOMPARE(auditGenesisHash(), QString(64, u'0'));
        QCOMPARE(
            sha256Hex("abc"),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    // A fixed record and its hash, so another implementation can check its canonical form.
    void auditHashKnownAnswer()
    {
        AuditRecord record;
        record.seq = 1;
        record.eventId = QStringLiteral("3f2b8c4e-9a1d-4e57-b7a2-0c5d6e7f8a90");
        record.subject = QStringLiteral("opd.events.visit.registered");
        record.actor = {QStringLiteral("reception1"), QStringLiteral("Zoë"), StaffRole::Reception};
        record.at = parseTimestamp(u"2024-05-06T08:05:00.000Z");
        record.patientId = QString();
        record.payloadHash = sha256Hex("{}");
        record.prevHash = auditGenesisHash();
        // "1:1\n36:3f2b…\n27:opd.events.visit.registered\n10:reception1\n4:Zoë\n9:reception\n"
        // "24:2024-05-06T08:05:00.000Z\n0:\n64:<sha256 of {}>\n64:000…0\n"
        QByteArray canonical = "1:1\n36:3f2b8c4e-9a1d-4e57-b7a2-0c5d6e7f8a90\n"
                               "27:opd.events.visit.registered\n10:reception1\n4:Zo\xc3\xab\n"
                               "9:reception\n24:2024-05-06T08:05:00.000Z\n0:\n64:";
        canonical += sha256Hex("{}").toLatin1() + "\n64:" + QByteArray(64, '0') + '\n';
        QCOMPARE(record.computeHash(), sha256Hex(canonical));
    }

    void makeEventFillsTheEnvelope()
    {
        const auto event = makeEvent(kVisitRegistered, samples::visit(), samples::receptionist());
        QVERIFY(isValidId(event.id));
        QCOMPARE(event.type, QStringLiteral("visit.registered"));
        QCOMPARE(event.patientId, samples::visit().patientId);
        QCOMPARE(event.occurredAt.timeSpec(), Qt::UTC);
        QVERIFY(qAbs(event.occurredAt.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
        const auto patientEvent =
            makeEvent(kPatientRegistered, samples::patient(), samples::receptionist());
        QCOMPARE(patientEvent.patientId, samples::patient().id);
        const auto stockEvent = makeEvent(kStockLow, samples::stockLow(), samples::pharmacist());
        QVERIFY(stockEvent.patientId.isEmpty());
        QVERIFY(!stockEvent.toJson().contains(QStringLiteral("patient_id")));
        QCOMPARE(eventTypeFromSubject("opd.events.lab.resulted"), QStringLiteral("lab.resulted"));
        QVERIFY(eventTypeFromSubject("opd.registration.patient.create").isEmpty());
        // An AnyEvent keeps the payload as JSON and re-encodes the same envelope.
        const QJsonObject json = event.toJson();
        const auto any = AnyEvent::fromJson(json);
        QVERIFY(any.ok());
        QCOMPARE(any->toJson(), json);
        QCOMPARE(any->payload, samples::visit().toJson());
    }
};

QTEST_GUILESS_MAIN(TestProtocolFields)
#include "test_protocol_fields.moc"
