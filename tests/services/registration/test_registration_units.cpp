// Unit tests of the registration service's pure parts: search keys, the FTS5 query text, the
// visit life cycle as other services' events move it, and the demo people.

#include "demo_people.h"
#include "protocol/events.h"
#include "search_keys.h"
#include "visit_lifecycle.h"

#include <QTest>

using namespace openopd;
using namespace openopd::registration;
using protocol::VisitState;

class TestRegistrationUnits : public QObject
{
    Q_OBJECT

    static protocol::Visit registeredVisit()
    {
        protocol::Visit visit;
        visit.id = protocol::newId();
        visit.patientId = protocol::newId();
        visit.patientName = QStringLiteral("Zoë Ångström-Nkosi");
        visit.queue = QStringLiteral("general");
        visit.day = QDate(2024, 5, 6);
        visit.history = {{VisitState::Registered, protocol::nowUtc(), {}, {}}};
        return visit;
    }
    static VisitStep step(VisitState state) { return {state, protocol::nowUtc(), {}, {}}; }

private Q_SLOTS:
    void nameKey_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("key");
        QTest::newRow("accents") << QStringLiteral("José Álvarez")
                                 << QStringLiteral("jose alvarez");
        QTest::newRow("hyphen") << QStringLiteral("Zoë Ångström-Nkosi")
                                << QStringLiteral("zoe angstrom nkosi");
        QTest::newRow("apostrophe")
            << QStringLiteral("Seán O'Brien") << QStringLiteral("sean o brien");
        QTest::newRow("spaces") << QStringLiteral("  Ana   SILVA ") << QStringLiteral("ana silva");
        QTest::newRow("vietnamese")
            << QStringLiteral("Nguyễn Thị Minh") << QStringLiteral("nguyen thi minh");
        QTest::newRow("cedilla") << QStringLiteral("Conceição Gonçalves")
                                 << QStringLiteral("conceicao goncalves");
        QTest::newRow("digits") << QStringLiteral("Baby 2 of Mary")
                                << QStringLiteral("baby 2 of mary");
        QTest::newRow("only punctuation") << QStringLiteral("-- ' --") << QString();
    }
    void nameKey()
    {
        QFETCH(QString, name);
        QFETCH(QString, key);
        QCOMPARE(registration::nameKey(name), key);
    }

    void otherKeys()
    {
        QCOMPARE(phoneKey(QStringLiteral("+27 (82) 555-0123")), QStringLiteral("32105552872"));
        QCOMPARE(phoneDigits(QStringLiteral("+27 82 555 0123")), QStringLiteral("27825550123"));
        QCOMPARE(phoneKey(QStringLiteral("none")), QString());
        QCOMPARE(nationalIdKey(QStringLiteral("ab 12.34/56-c")), QStringLiteral("AB123456C"));
        QCOMPARE(mrnKey(QStringLiteral("mrn-000123")), QStringLiteral("MRN-000123"));
        QVERIFY(looksLikePhone(QStringLiteral("082 555 0123")));
        QVERIFY(!looksLikePhone(QStringLiteral("12")));
        QVERIFY(!looksLikePhone(QStringLiteral("MRN-000123")));
        QVERIFY(hasLetter(QStringLiteral("é1")));
        QVERIFY(!hasLetter(QStringLiteral("123-45")));
        QCOMPARE(nameWords(QStringLiteral("a b c d"), 2),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    }

    void prefixBounds()
    {
        QCOMPARE(prefixUpperBound(QStringLiteral("jose alv")), QStringLiteral("jose alw"));
        QCOMPARE(prefixUpperBound(QStringLiteral("321")), QStringLiteral("322"));
        QCOMPARE(prefixUpperBound(QStringLiteral("9")), QStringLiteral(":"));
        QCOMPARE(prefixUpperBound(QString()), QString());
        QCOMPARE(prefixUpperBound(QString(QChar(0xFFFF))), QString());
    }

    void ftsQueryQuotesEveryWord()
    {
        QCOMPARE(ftsPrefixQuery({QStringLiteral("jose"), QStringLiteral("alv")}),
                 QStringLiteral("\"jose\"* AND \"alv\"*"));
        // Whatever the words hold, they stay inside a quoted string.
        QCOMPARE(ftsPrefixQuery({QStringLiteral("a\"b OR c")}), QStringLiteral("\"a\"\"b OR c\"*"));
    }

    void stepsFollowTheLifeCycle()
    {
        protocol::Visit visit = registeredVisit();
        QCOMPARE(applyStep(visit, step(VisitState::Called)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::Called)), StepOutcome::AlreadyThere);
        QCOMPARE(applyStep(visit, step(VisitState::InConsultation)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::Called)), StepOutcome::Stale); // late news
        QCOMPARE(applyStep(visit, step(VisitState::Consulted)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::AwaitingPharmacy)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::Dispensed)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::Discharged)), StepOutcome::Applied);
        QCOMPARE(applyStep(visit, step(VisitState::Called)), StepOutcome::Closed);
        QCOMPARE(visit.state, VisitState::Discharged);
        QCOMPARE(visit.history.size(), 7);
        QCOMPARE(visit.history.constLast().state, VisitState::Discharged);
    }

    void aMissedStepDoesNotStopTheVisit()
    {
        protocol::Visit visit = registeredVisit();
        // consulted arrives without called / consultation_started before it
        QCOMPARE(applyStep(visit, step(VisitState::Consulted)), StepOutcome::Applied);
        QCOMPARE(visit.state, VisitState::Consulted);
        visit.state = VisitState::Cancelled;
        QCOMPARE(applyStep(visit, step(VisitState::Discharged)), StepOutcome::Closed);
    }

    void historyStaysWithinTheLimit()
    {
        protocol::Visit visit = registeredVisit();
        for (int i = 0; i < 100; ++i) {
            applyStep(visit, step(VisitState::AwaitingLab));
            applyStep(visit, step(VisitState::AwaitingPharmacy));
        }
        QCOMPARE(visit.history.size(), 64);
        QCOMPARE(visit.history.constFirst().state, VisitState::Registered);
        QCOMPARE(visit.history.constLast().state, visit.state);
    }

    // Issue 11: a visit with lab orders shows it waits for the lab until visit.results_in,
    // also when its drugs are dispensed meanwhile.
    void labOrdersKeepTheVisitWaitingForTheLab()
    {
        protocol::Consultation consultation;
        consultation.id = protocol::newId();
        consultation.visitId = protocol::newId();
        consultation.patientId = protocol::newId();
        consultation.patientName = QStringLiteral("Ana");
        consultation.savedAt = protocol::nowUtc();
        consultation.content.disposition = protocol::Disposition::ToPharmacy;
        consultation.doctor = {QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"),
                               protocol::StaffRole::Doctor};
        consultation.content.prescriptions = {{QStringLiteral("PARA500"),
                                               QStringLiteral("Paracetamol 500 mg"),
                                               QStringLiteral("500 mg"),
                                               {},
                                               QStringLiteral("3 times a day"),
                                               3,
                                               9,
                                               {}}};
        consultation.content.labOrders = {
            {QStringLiteral("FBC"), QStringLiteral("Full blood count"), {}, false, {}}};
        const auto consulted =
            protocol::makeEvent(protocol::kVisitConsulted, consultation, consultation.doctor);
        const VisitEventSteps steps =
            stepsFromEvent(protocol::kVisitConsulted.subjectBytes(),
                           bus::Codec<std::remove_const_t<decltype(consulted)>>::encode(consulted));
        QCOMPARE(steps.steps.size(), 2);
        QCOMPARE(steps.steps.at(1).state, VisitState::AwaitingLab);

        protocol::Visit visit = registeredVisit();
        for (VisitState s : {VisitState::Called, VisitState::InConsultation, VisitState::Consulted,
                             VisitState::AwaitingLab})
            QCOMPARE(applyStep(visit, step(s)), StepOutcome::Applied);
        // Dispensed while the result is outstanding: recorded, still awaiting the lab.
        QCOMPARE(applyStep(visit, step(VisitState::Dispensed)), StepOutcome::Applied);
        QCOMPARE(visit.state, VisitState::AwaitingLab);
        QVERIFY(visit.lastTransitionTo(VisitState::Dispensed));
        QCOMPARE(visit.history.constLast().state, VisitState::AwaitingLab);

        // Results in: the visit goes on, as dispensed (registration saw the dispense).
        VisitStep resultsIn = step(VisitState::AwaitingPharmacy);
        resultsIn.resultsIn = true;
        protocol::Visit onward = visit;
        QCOMPARE(applyStep(onward, resultsIn), StepOutcome::Applied);
        QCOMPARE(onward.state, VisitState::Dispensed);
        // A repeat, or results_in for a visit no longer waiting for the lab: stale.
        QCOMPARE(applyStep(onward, resultsIn), StepOutcome::Stale);
        // Back in the doctor's queue (to_lab): registered again, then called as usual.
        resultsIn.state = VisitState::Registered;
        QCOMPARE(applyStep(visit, resultsIn), StepOutcome::Applied);
        QCOMPARE(visit.state, VisitState::Registered);
        QCOMPARE(applyStep(visit, step(VisitState::Called)), StepOutcome::Applied);

        const auto event =
            protocol::makeEvent(protocol::kVisitResultsIn,
                                protocol::VisitStatusChange{consultation.visitId,
                                                            consultation.patientId,
                                                            QStringLiteral("general"),
                                                            QDate(2024, 5, 6),
                                                            3,
                                                            VisitState::Registered,
                                                            protocol::nowUtc(),
                                                            {},
                                                            {}},
                                consultation.doctor);
        const VisitEventSteps fromEvent =
            stepsFromEvent(protocol::kVisitResultsIn.subjectBytes(),
                           bus::Codec<std::remove_const_t<decltype(event)>>::encode(event));
        QVERIFY2(fromEvent.kind == VisitEventSteps::Kind::Steps, qPrintable(fromEvent.error));
        QCOMPARE(fromEvent.steps.size(), 1);
        QVERIFY(fromEvent.steps.at(0).resultsIn);
        QCOMPARE(fromEvent.steps.at(0).state, VisitState::Registered);
    }

    void eventsBecomeSteps()
    {
        protocol::Consultation consultation;
        consultation.id = protocol::newId();
        consultation.visitId = protocol::newId();
        consultation.patientId = protocol::newId();
        consultation.patientName = QStringLiteral("Ana");
        consultation.doctor = {QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"),
                               protocol::StaffRole::Doctor};
        consultation.savedAt = protocol::nowUtc();
        consultation.content.disposition = protocol::Disposition::ToLab;
        consultation.content.labOrders = {
            {QStringLiteral("FBC"), QStringLiteral("Full blood count"), {}, false, {}}};
        const auto event =
            protocol::makeEvent(protocol::kVisitConsulted, consultation, consultation.doctor);
        const VisitEventSteps steps =
            stepsFromEvent(protocol::kVisitConsulted.subjectBytes(),
                           bus::Codec<std::remove_const_t<decltype(event)>>::encode(event));
        QCOMPARE(steps.kind, VisitEventSteps::Kind::Steps);
        QCOMPARE(steps.visitId, consultation.visitId);
        QCOMPARE(steps.steps.size(), 2);
        QCOMPARE(steps.steps.at(0).state, VisitState::Consulted);
        QCOMPARE(steps.steps.at(1).state, VisitState::AwaitingLab);
        QCOMPARE(steps.steps.at(1).by, consultation.doctor);

        QCOMPARE(stepsFromEvent(protocol::kVisitRegistered.subjectBytes(), "{}").kind,
                 VisitEventSteps::Kind::Own);
        QCOMPARE(stepsFromEvent("opd.events.visit.teleported", "{}").kind,
                 VisitEventSteps::Kind::Unknown);
        QCOMPARE(stepsFromEvent(protocol::kVisitCalled.subjectBytes(), "{\"v\":1}").kind,
                 VisitEventSteps::Kind::Invalid);
    }

    void demoPeopleAreValidAndVaried()
    {
        QSet<QString> names;
        QSet<QString> nationalIds;
        for (int i = 0; i < 300; ++i) {
            const protocol::PatientDetails details = demoPerson(i, i % 2 == 0);
            auto decoded = protocol::PatientDetails::fromJson(details.toJson());
            QVERIFY2(decoded.ok(), qPrintable(decoded.error().toString()));
            names.insert(details.fullName);
            if (!details.nationalId.isEmpty()) {
                QVERIFY(!nationalIds.contains(nationalIdKey(details.nationalId)));
                nationalIds.insert(nationalIdKey(details.nationalId));
            }
        }
        QVERIFY(names.size() > 200);
        QCOMPARE(demoPerson(7, true), demoPerson(7, true)); // deterministic
    }
};

QTEST_GUILESS_MAIN(TestRegistrationUnits)
#include "test_registration_units.moc"
