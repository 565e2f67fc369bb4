// openopd-registration as a real process: visits — tokens per day and queue, one open visit
// per patient and day, cancel and left unseen with their events, the waiting list order, the
// visit state following other services' published events, and 50 concurrent opens on two
// instances getting tokens 1..50.

#include "registration_fixture.h"

#include <algorithm>
#include <numeric>

using namespace openopd;
using namespace openopd::testing;
using protocol::VisitState;

class TestRegistrationVisits : public QObject
{
    Q_OBJECT

    RegistrationFixture m_fixture;
    QList<protocol::Patient> m_patients;
    QHash<QString, protocol::Visit> m_visits; // by name: "p1", "p2-again", ...

    protocol::Patient create(const QString& name)
    {
        auto reply = m_fixture.call(protocol::kCreatePatient,
                                    createRequest(person(name, QDate(1980, 5, 17))));
        return reply.ok() && reply->patient ? *reply->patient : protocol::Patient{};
    }
    bus::Result<protocol::VisitReply> open(int patient, const QString& queue,
                                           protocol::Priority priority = protocol::Priority::Normal)
    {
        return m_fixture.call(protocol::kOpenVisit,
                              openRequest(m_patients.at(patient).id, queue, priority));
    }
    protocol::Visit visit(const QString& id)
    {
        auto reply = m_fixture.call(protocol::kGetVisit, protocol::GetVisitRequest{id});
        return reply.ok() ? reply->visit : protocol::Visit{};
    }
    QStringList waiting(const QString& queue, bool includeClosed = false)
    {
        protocol::WaitingListRequest request;
        request.queue = queue;
        request.includeClosed = includeClosed;
        auto reply = m_fixture.call(protocol::kWaitingList, request);
        if (!reply.ok())
            return {reply.error().toString()};
        QStringList tokens; // "queue#token"
        for (const protocol::Visit& v : reply->visits)
            tokens.append(v.queue + u'#' + QString::number(v.token));
        return tokens;
    }
    static protocol::VisitStatusChange change(const protocol::Visit& v, VisitState state)
    {
        return {v.id,
                v.patientId,
                v.queue,
                v.day,
                v.token,
                state,
                protocol::nowUtc(),
                {},
                QStringLiteral("Room 3")};
    }
    static protocol::Consultation consultation(const protocol::Visit& v,
                                               protocol::Disposition disposition)
    {
        protocol::Consultation c;
        c.id = protocol::newId();
        c.visitId = v.id;
        c.patientId = v.patientId;
        c.patientName = v.patientName;
        c.doctor = doctor();
        c.savedAt = protocol::nowUtc();
        c.content.disposition = disposition;
        protocol::PrescriptionLine line;
        line.drugCode = QStringLiteral("PARA500");
        line.drugName = QStringLiteral("Paracetamol 500 mg tablet");
        line.dose = QStringLiteral("1 g");
        line.frequency = QStringLiteral("every 6 hours");
        line.durationDays = 3;
        line.quantity = 24;
        c.content.prescriptions = {line};
        if (disposition == protocol::Disposition::Refer)
            c.content.referralTo = QStringLiteral("District hospital");
        return c;
    }
    static protocol::Discharge discharge(const protocol::Visit& v,
                                         protocol::DischargeOutcome outcome)
    {
        protocol::Discharge d;
        d.id = protocol::newId();
        d.visitId = v.id;
        d.patientId = v.patientId;
        d.recordedAt = protocol::nowUtc();
        d.recordedBy = doctor();
        d.details.outcome = outcome;
        if (outcome != protocol::DischargeOutcome::Discharged)
            d.details.destination = QStringLiteral("Ward 4");
        return d;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_fixture.start(), qPrintable(m_fixture.errorString()));
        for (int i = 1; i <= 6; ++i) {
            m_patients.append(create(QStringLiteral("Visitor Number %1").arg(i)));
            QVERIFY(!m_patients.constLast().id.isEmpty());
        }
    }

    void tokensCountPerQueueAndDayFromOne()
    {
        const QList<std::pair<int, QString>> opens{{0, QStringLiteral("general")},
                                                   {1, QStringLiteral("general")},
                                                   {2, QStringLiteral("paeds")},
                                                   {3, QStringLiteral("general")}};
        const QList<int> expected{1, 2, 1, 3};
        for (qsizetype i = 0; i < opens.size(); ++i) {
            auto reply = open(opens.at(i).first, opens.at(i).second);
            QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
            const protocol::Visit& v = reply->visit;
            QCOMPARE(v.token, expected.at(i));
            QCOMPARE(v.queue, opens.at(i).second);
            QCOMPARE(v.day, QDate::currentDate());
            QCOMPARE(v.state, VisitState::Registered);
            QCOMPARE(v.patientName, m_patients.at(opens.at(i).first).details.fullName);
            QCOMPARE(v.history.size(), 1);
            QCOMPARE(v.history.at(0).by, receptionist());
            m_visits.insert(QStringLiteral("p%1").arg(opens.at(i).first + 1), v);
        }
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.visit.registered")), 4);
        const QList<QJsonObject> events =
            m_fixture.storedEvents(QStringLiteral("opd.events.visit.registered"));
        QCOMPARE(events.size(), 4);
        auto event = protocol::EventEnvelope<protocol::Visit>::fromJson(events.at(2));
        QVERIFY(event.ok());
        QCOMPARE(event->payload, m_visits.value(QStringLiteral("p3")));
        QCOMPARE(event->actor, receptionist());
    }

    void aSecondOpenVisitTheSameDayIs409()
    {
        auto reply = open(0, QStringLiteral("dental"));
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().code, 409);
        QCOMPARE(reply.error().field, QStringLiteral("patient_id"));
        QVERIFY2(reply.error().message.contains(QStringLiteral("token 1")) &&
                     reply.error().message.contains(QStringLiteral("general")),
                 qPrintable(reply.error().message));
        QCOMPARE(waiting(QStringLiteral("dental")), QStringList{});
    }

    void cancelPublishesAndFreesThePatient()
    {
        const protocol::Visit p2 = m_visits.value(QStringLiteral("p2"));
        protocol::CancelVisitRequest request{receptionist(), p2.id,
                                             QStringLiteral("Registered in the wrong queue")};
        auto reply = m_fixture.call(protocol::kCancelVisit, request);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->visit.state, VisitState::Cancelled);
        QCOMPARE(reply->visit.history.constLast().note, request.reason);
        QCOMPARE(visit(p2.id), reply->visit);
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.visit.cancelled")), 1);
        auto event = protocol::EventEnvelope<protocol::VisitStatusChange>::fromJson(
            m_fixture.storedEvents(QStringLiteral("opd.events.visit.cancelled")).at(0));
        QVERIFY(event.ok());
        QCOMPARE(event->payload.visitId, p2.id);
        QCOMPARE(event->payload.state, VisitState::Cancelled);
        QCOMPARE(event->payload.token, 2);
        QCOMPARE(event->payload.reason, request.reason);
        QCOMPARE(event->patientId, p2.patientId);

        auto again = m_fixture.call(protocol::kCancelVisit, request);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, 409);
        QCOMPARE(again.error().field, QStringLiteral("visit_id"));

        auto reopened = open(1, QStringLiteral("general")); // tokens are never reused
        QVERIFY2(reopened.ok(), qPrintable(reopened.error().toString()));
        QCOMPARE(reopened->visit.token, 4);
        m_visits.insert(QStringLiteral("p2-again"), reopened->visit);
    }

    void leftUnseenPublishesAndIsFinal()
    {
        const protocol::Visit p4 = m_visits.value(QStringLiteral("p4"));
        auto reply = m_fixture.call(protocol::kMarkLeftUnseen,
                                    protocol::LeftUnseenRequest{receptionist(), p4.id, {}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->visit.state, VisitState::LeftUnseen);
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.visit.left_unseen")), 1);
        auto cancel = m_fixture.call(
            protocol::kCancelVisit,
            protocol::CancelVisitRequest{receptionist(), p4.id, QStringLiteral("late")});
        QVERIFY(!cancel.ok());
        QCOMPARE(cancel.error().code, 409);
    }

    void waitingListIsByPriorityThenToken()
    {
        auto emergency = open(4, QStringLiteral("general"), protocol::Priority::Emergency);
        QVERIFY(emergency.ok());
        QCOMPARE(emergency->visit.token, 5);
        m_visits.insert(QStringLiteral("p5"), emergency->visit);
        QCOMPARE(waiting(QStringLiteral("general")),
                 (QStringList{QStringLiteral("general#5"), QStringLiteral("general#1"),
                              QStringLiteral("general#4")}));
        QCOMPARE(waiting(QStringLiteral("general"), true),
                 (QStringList{QStringLiteral("general#5"), QStringLiteral("general#1"),
                              QStringLiteral("general#2"), QStringLiteral("general#3"),
                              QStringLiteral("general#4")}));
        QCOMPARE(waiting({}),
                 (QStringList{QStringLiteral("general#5"), QStringLiteral("general#1"),
                              QStringLiteral("paeds#1"), QStringLiteral("general#4")}));
        protocol::WaitingListRequest yesterday;
        yesterday.day = QDate::currentDate().addDays(-1);
        auto empty = m_fixture.call(protocol::kWaitingList, yesterday);
        QVERIFY(empty.ok());
        QCOMPARE(empty->day, yesterday.day);
        QVERIFY(empty->visits.isEmpty());
    }

    void visitStateFollowsPublishedEvents()
    {
        namespace p = protocol;
        const p::Visit p1 = m_visits.value(QStringLiteral("p1"));
        QVERIFY(m_fixture.publish(
            p::kVisitCalled,
            p::makeEvent(p::kVisitCalled, change(p1, VisitState::Called), doctor())));
        QTRY_COMPARE(visit(p1.id).state, VisitState::Called);
        const p::Visit called = visit(p1.id);
        QCOMPARE(called.history.constLast().by, doctor());
        QCOMPARE(called.history.constLast().note, QStringLiteral("Room 3"));
        QVERIFY(m_fixture.publish(p::kVisitConsultationStarted,
                                  p::makeEvent(p::kVisitConsultationStarted,
                                               change(p1, VisitState::InConsultation), doctor())));
        QTRY_COMPARE(visit(p1.id).state, VisitState::InConsultation);
        QVERIFY(m_fixture.publish(p::kVisitConsulted,
                                  p::makeEvent(p::kVisitConsulted,
                                               consultation(p1, p::Disposition::ToPharmacy),
                                               doctor())));
        QTRY_COMPARE(visit(p1.id).state, VisitState::AwaitingPharmacy);
        QCOMPARE(visit(p1.id).history.at(3).state, VisitState::Consulted);

        p::Dispense dispense;
        dispense.id = p::newId();
        dispense.consultationId = p::newId();
        dispense.visitId = p1.id;
        dispense.patientId = p1.patientId;
        dispense.dispensedAt = p::nowUtc();
        dispense.dispensedBy = {QStringLiteral("pharm.okafor"), QStringLiteral("Chidi Okafor"),
                                p::StaffRole::Pharmacist};
        dispense.lines = {{1,
                           QStringLiteral("PARA500"),
                           QStringLiteral("Paracetamol"),
                           24,
                           {{QStringLiteral("PA-1"), QDate(2030, 1, 31), 24}}}};
        QVERIFY(m_fixture.publish(
            p::kVisitDispensed, p::makeEvent(p::kVisitDispensed, dispense, dispense.dispensedBy)));
        QTRY_COMPARE(visit(p1.id).state, VisitState::Dispensed);
        QCOMPARE(visit(p1.id).history.constLast().by, dispense.dispensedBy);

        // An event about a visit registration does not know is skipped; the next still counts.
        p::Visit stranger = p1;
        stranger.id = p::newId();
        QVERIFY(m_fixture.publish(
            p::kVisitCalled,
            p::makeEvent(p::kVisitCalled, change(stranger, VisitState::Called), doctor())));
        QVERIFY(m_fixture.publish(p::kVisitDischarged,
                                  p::makeEvent(p::kVisitDischarged,
                                               discharge(p1, p::DischargeOutcome::Discharged),
                                               doctor())));
        QTRY_COMPARE(visit(p1.id).state, VisitState::Discharged);
        // Closed: off the waiting list, and the patient may come back today.
        QVERIFY(!waiting(QStringLiteral("general")).contains(QStringLiteral("general#1")));
        auto back = open(0, QStringLiteral("general"));
        QVERIFY2(back.ok(), qPrintable(back.error().toString()));
        QCOMPARE(back->visit.token, 6);
        // A late, older event changes nothing on a closed visit.
        QVERIFY(m_fixture.publish(
            p::kVisitCalled,
            p::makeEvent(p::kVisitCalled, change(p1, VisitState::Called), doctor())));
        QTest::qWait(500);
        QCOMPARE(visit(p1.id).state, VisitState::Discharged);
        QCOMPARE(visit(p1.id).history.size(), 7);
    }

    void admittedAndReferredCloseTheVisit()
    {
        namespace p = protocol;
        const p::Visit p3 = m_visits.value(QStringLiteral("p3"));
        // consulted with an admit disposition waits in "consulted" for the discharge service
        QVERIFY(m_fixture.publish(
            p::kVisitConsulted,
            p::makeEvent(p::kVisitConsulted, consultation(p3, p::Disposition::Admit), doctor())));
        QTRY_COMPARE(visit(p3.id).state, VisitState::Consulted);
        QVERIFY(m_fixture.publish(p::kVisitDischarged,
                                  p::makeEvent(p::kVisitDischarged,
                                               discharge(p3, p::DischargeOutcome::Admitted),
                                               doctor())));
        QTRY_COMPARE(visit(p3.id).state, VisitState::Admitted);
        QCOMPARE(visit(p3.id).history.constLast().note, QStringLiteral("Ward 4"));

        const p::Visit p5 = m_visits.value(QStringLiteral("p5"));
        QVERIFY(m_fixture.publish(p::kVisitDischarged,
                                  p::makeEvent(p::kVisitDischarged,
                                               discharge(p5, p::DischargeOutcome::Referred),
                                               doctor())));
        QTRY_COMPARE(visit(p5.id).state, VisitState::Referred);
        QCOMPARE(waiting(QStringLiteral("paeds")), QStringList{});
    }

    void concurrentOpensGetDistinctTokens()
    {
        constexpr int kPatients = 50;
        QList<protocol::Patient> patients;
        for (int i = 0; i < kPatients; ++i) {
            patients.append(create(QStringLiteral("Concurrent Patient %1").arg(i)));
            QVERIFY(!patients.constLast().id.isEmpty());
        }
        // A second instance on the same database: the queue group spreads the requests.
        auto second = m_fixture.startAnotherInstance();
        QVERIFY2(second, qPrintable(m_fixture.errorString()));
        const qint64 before = m_fixture.stored(QStringLiteral("opd.events.visit.registered"));
        QList<int> tokens;
        QStringList errors;
        QObject context;
        for (const protocol::Patient& patient : std::as_const(patients))
            bus::request(
                m_fixture.client(), protocol::kOpenVisit,
                openRequest(patient.id, QStringLiteral("rush")), &context,
                [&](bus::Result<protocol::VisitReply> reply) {
                    if (reply.ok())
                        tokens.append(reply->visit.token);
                    else
                        errors.append(reply.error().toString());
                },
                bus::RequestOptions{std::chrono::seconds(30), {}, {}});
        QTRY_COMPARE_WITH_TIMEOUT(tokens.size() + errors.size(), kPatients, 40000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        std::sort(tokens.begin(), tokens.end());
        QList<int> expected(kPatients);
        std::iota(expected.begin(), expected.end(), 1);
        QCOMPARE(tokens, expected);
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.visit.registered")),
                     before + kPatients);
        QCOMPARE(waiting(QStringLiteral("rush")).size(), kPatients);
        QCOMPARE(second->terminate(), 0);
    }

    void aNewPatientAndTheFirstVisitInOneRequest()
    {
        const QString walkins = QStringLiteral("walkins");
        const qint64 patientsBefore =
            m_fixture.stored(QStringLiteral("opd.events.patient.registered"));
        const qint64 visitsBefore = m_fixture.stored(QStringLiteral("opd.events.visit.registered"));
        protocol::CreatePatientRequest request =
            createRequest(person(QStringLiteral("Amara First-Visit"), QDate(1990, 2, 3)));
        request.visit = protocol::FirstVisit{walkins, protocol::Priority::Urgent,
                                             QStringLiteral("Cut on the left hand")};
        auto reply = m_fixture.call(protocol::kCreatePatient, request);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QVERIFY(reply->created && reply->patient && reply->visit);
        const protocol::Visit first = *reply->visit;
        QCOMPARE(first.patientId, reply->patient->id);
        QCOMPARE(first.patientName, QStringLiteral("Amara First-Visit"));
        QCOMPARE(first.queue, walkins);
        QCOMPARE(first.token, 1);
        QCOMPARE(first.state, VisitState::Registered);
        QCOMPARE(first.priority, protocol::Priority::Urgent);
        QCOMPARE(first.complaint, QStringLiteral("Cut on the left hand"));
        QCOMPARE(visit(first.id), first);
        QCOMPARE(waiting(walkins), QStringList{QStringLiteral("walkins#1")});
        // Both events, the patient's first: a consumer knows the patient before the visit.
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.patient.registered")),
                     patientsBefore + 1);
        QTRY_COMPARE(m_fixture.stored(QStringLiteral("opd.events.visit.registered")),
                     visitsBefore + 1);
        const QList<QJsonObject> both =
            m_fixture.storedEvents(QStringLiteral("opd.events.*.registered"));
        QVERIFY(both.size() >= 2);
        QCOMPARE(both.at(both.size() - 2).value(u"type").toString(),
                 QStringLiteral("patient.registered"));
        QCOMPARE(both.last().value(u"type").toString(), QStringLiteral("visit.registered"));
        QCOMPARE(both.last().value(u"visit_id").toString(), first.id);
        // The patient now has an open visit like any other.
        auto again = m_fixture.call(protocol::kOpenVisit, openRequest(first.patientId, walkins));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, 409);

        // A likely duplicate: nothing written, no visit, no token used.
        auto duplicate = m_fixture.call(protocol::kCreatePatient, request);
        QVERIFY2(duplicate.ok(), qPrintable(duplicate.error().toString()));
        QVERIFY(!duplicate->created && !duplicate->visit);
        QCOMPARE(duplicate->duplicates.first().id, first.patientId);
        // Confirmed: a second patient with the next token.
        request.confirmDuplicate = true;
        auto confirmed = m_fixture.call(protocol::kCreatePatient, request);
        QVERIFY2(confirmed.ok(), qPrintable(confirmed.error().toString()));
        QVERIFY(confirmed->created && confirmed->visit);
        QCOMPARE(confirmed->visit->token, 2);
        QCOMPARE(confirmed->visit->patientId, confirmed->patient->id);

        // A bad first visit is 400 naming it, and the patient is not registered either.
        request.patient.fullName = QStringLiteral("Bad Queue Person");
        QJsonObject body = request.toJson();
        QJsonObject badVisit = body.value(u"visit").toObject();
        badVisit.insert(QStringLiteral("queue"), QStringLiteral("Walk Ins"));
        body.insert(QStringLiteral("visit"), badVisit);
        const auto refused = m_fixture.callRaw(protocol::kCreatePatient.subjectBytes(),
                                               QJsonDocument(body).toJson());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, 400);
        QCOMPARE(refused.error().field, QStringLiteral("visit.queue"));
        protocol::SearchPatientsRequest search;
        search.query = QStringLiteral("Bad Queue Person");
        auto found = m_fixture.call(protocol::kSearchPatients, search);
        QVERIFY(found.ok());
        QVERIFY(found->patients.isEmpty());
        QCOMPARE(waiting(walkins).size(), 2);
    }

    void cleanupTestCase()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << m_fixture.log();
        QCOMPARE(m_fixture.service().terminate(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRegistrationVisits)
#include "test_registration_visits.moc"
