// A visit in the doctor's hands with openopd-consultation: call next -> visit.called, start ->
// visit.consultation_started, save -> visit.consulted carrying the whole consultation; the
// steps refused with 409 when the visit is not in this doctor's hands or in the wrong state;
// "call this one" (queue.call) for a chosen waiting visit, one winner when two doctors race;
// the patient's history newest first with a lab result that arrived afterwards.

#include "bus/nats_library.h"
#include "consultation_harness.h"
#include "service/jetstream_probe.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

class TestConsultationVisit : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    ConsultationEnvironment m_env;
    const StaffRef m_drA = doctor(QStringLiteral("dr.silva"));
    const StaffRef m_drB = doctor(QStringLiteral("dr.okoye"));

    bus::Connection& client() { return *m_env.client; }

    template <class P>
    std::optional<EventEnvelope<P>> lastEvent(const bus::Event<EventEnvelope<P>>& event)
    {
        const StoredMessage stored =
            lastMessage(client(), QStringLiteral("OPD_EVENTS"), QString::fromLatin1(event.subject));
        auto decoded = bus::Codec<EventEnvelope<P>>::decode(stored.data);
        if (!decoded) {
            qWarning().noquote() << "cannot decode" << event.subject << decoded.error().toString();
            return std::nullopt;
        }
        return decoded.value();
    }
    qint64 stored(const char* subject)
    {
        return streamCount(client(), QStringLiteral("OPD_EVENTS"), QString::fromLatin1(subject));
    }

    // A registered visit in its own queue, waiting in the doctor's queue.
    Visit waitingVisit(const QString& queue, const QString& patientId = {})
    {
        const Visit visit = makeVisit(1, Priority::Normal, queue, {}, patientId);
        if (!publishEvent(client(), kVisitRegistered, registeredEvent(visit)))
            return {};
        if (!QTest::qWaitFor([&] { return !queueOf(client(), queue).isEmpty(); }, 15000))
            return {};
        return visit;
    }
    // Events are processed in stream order: once a visit published last is in its queue,
    // everything published before it was processed too.
    bool processedUpTo(const QString& queue) { return !waitingVisit(queue).id.isEmpty(); }
    // Called, started and saved by m_drA; the consultation (or nullopt).
    std::optional<Consultation> consult(const QString& queue, const QString& patientId,
                                        const ConsultationContent& content)
    {
        const Visit visit = waitingVisit(queue, patientId);
        const auto called = call(client(), kCallNext, {m_drA, queue, {}});
        if (!called || !called->entry || called->entry->visitId != visit.id)
            return std::nullopt;
        const auto saved = call(client(), kSaveConsultation, {m_drA, visit.id, content});
        if (!saved) {
            qWarning().noquote() << "save failed:" << saved.error().toString();
            return std::nullopt;
        }
        return saved->consultation;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_env.start(), qPrintable(m_env.errorString()));
    }

    void cleanupTestCase()
    {
        if (m_env.service && qEnvironmentVariableIsSet("OPENOPD_SHOW_SERVICE_LOG"))
            qInfo().noquote() << "service log:\n" << m_env.service->log();
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_env.service)
            qWarning().noquote() << "service log:\n" << m_env.service->log();
    }

    void callStartSaveAnnounceEachStep()
    {
        const QString queue = QStringLiteral("flow");
        const Visit visit = waitingVisit(queue);
        QVERIFY(!visit.id.isEmpty());

        // Call next: the visit, now called by dr A to Room 3.
        const auto called = call(client(), kCallNext, {m_drA, queue, QStringLiteral("Room 3")});
        QVERIFY2(called.ok(), qPrintable(called.error().toString()));
        QVERIFY(called->entry.has_value());
        const QueueEntry& entry = *called->entry;
        QCOMPARE(entry.visitId, visit.id);
        QCOMPARE(entry.state, VisitState::Called);
        QCOMPARE(entry.calledBy, std::optional<StaffRef>(m_drA));
        QCOMPARE(entry.room, QStringLiteral("Room 3"));
        QVERIFY(entry.calledAt.isValid());
        QTRY_COMPARE_WITH_TIMEOUT(stored(kVisitCalled.subject), 1, 10000);
        const auto calledEvent = lastEvent(kVisitCalled);
        QVERIFY(calledEvent.has_value());
        QCOMPARE(calledEvent->actor, m_drA);
        QCOMPARE(calledEvent->patientId, visit.patientId);
        QCOMPARE(calledEvent->payload.visitId, visit.id);
        QCOMPARE(calledEvent->payload.state, VisitState::Called);
        QCOMPARE(calledEvent->payload.room, QStringLiteral("Room 3"));
        QCOMPARE(calledEvent->payload.token, visit.token);
        QCOMPARE(calledEvent->payload.at, entry.calledAt);

        // Nobody else is waiting in this queue: an empty reply, not an error.
        const auto empty = call(client(), kCallNext, {m_drB, queue, {}});
        QVERIFY2(empty.ok(), qPrintable(empty.error().toString()));
        QVERIFY(!empty->entry.has_value());

        // Dr B may neither start nor save dr A's patient.
        const auto startB = call(client(), kStartConsultation, {m_drB, visit.id});
        QCOMPARE(startB.error().code, 409);
        QVERIFY2(startB.error().message.contains(m_drA.name), qPrintable(startB.error().message));
        const auto saveB = call(client(), kSaveConsultation, {m_drB, visit.id, fullContent()});
        QCOMPARE(saveB.error().code, 409);

        // Start: in consultation.
        const auto started = call(client(), kStartConsultation, {m_drA, visit.id});
        QVERIFY2(started.ok(), qPrintable(started.error().toString()));
        QCOMPARE(started->entry.state, VisitState::InConsultation);
        QCOMPARE(started->entry.visitId, visit.id);
        QTRY_COMPARE_WITH_TIMEOUT(stored(kVisitConsultationStarted.subject), 1, 10000);
        const auto startedEvent = lastEvent(kVisitConsultationStarted);
        QVERIFY(startedEvent.has_value());
        QCOMPARE(startedEvent->payload.state, VisitState::InConsultation);
        QCOMPARE(startedEvent->payload.visitId, visit.id);
        QCOMPARE(startedEvent->actor, m_drA);
        // Started twice: 409.
        QCOMPARE(call(client(), kStartConsultation, {m_drA, visit.id}).error().code, 409);
        // Still in the list with include_called, no longer waiting.
        QCOMPARE(queueOf(client(), queue, true).size(), 1);
        QCOMPARE(queueOf(client(), queue, false).size(), 0);

        // Save: the consultation, announced with every field.
        const ConsultationContent content = fullContent();
        const auto saved = call(client(), kSaveConsultation, {m_drA, visit.id, content});
        QVERIFY2(saved.ok(), qPrintable(saved.error().toString()));
        const Consultation& consultation = saved->consultation;
        QVERIFY(isValidId(consultation.id));
        QCOMPARE(consultation.visitId, visit.id);
        QCOMPARE(consultation.patientId, visit.patientId);
        QCOMPARE(consultation.patientName, visit.patientName);
        QCOMPARE(consultation.doctor, m_drA);
        QVERIFY(consultation.savedAt.isValid());
        ConsultationContent expected = content;
        expected.complaint = visit.complaint; // taken from the visit when the doctor left it out
        QCOMPARE(consultation.content, expected);
        QTRY_COMPARE_WITH_TIMEOUT(stored(kVisitConsulted.subject), 1, 10000);
        const auto consulted = lastEvent(kVisitConsulted);
        QVERIFY(consulted.has_value());
        QCOMPARE(consulted->payload, consultation);
        QCOMPARE(consulted->actor, m_drA);
        QCOMPARE(consulted->patientId, visit.patientId);
        QCOMPARE(consulted->occurredAt, consultation.savedAt);
        QCOMPARE(queueOf(client(), queue, true).size(), 0);

        // A second save of the same visit: 409, nothing new published.
        const auto again = call(client(), kSaveConsultation, {m_drA, visit.id, content});
        QCOMPARE(again.error().code, 409);
        QVERIFY2(again.error().message.contains(consultation.id),
                 qPrintable(again.error().message));
        QCOMPARE(call(client(), kStartConsultation, {m_drA, visit.id}).error().code, 409);
        QTest::qWait(200);
        QCOMPARE(stored(kVisitConsulted.subject), 1);
        QCOMPARE(stored(kVisitCalled.subject), 1);
        QCOMPARE(stored(kVisitConsultationStarted.subject), 1);
    }

    // "Call this one": the doctor picks a waiting visit that is not the next; a second doctor
    // is refused with who got there first; call next skips the called visit.
    void callThisOneCallsThatVisit()
    {
        const QString queue = QStringLiteral("pick");
        const Visit first = makeVisit(1, Priority::Normal, queue);
        const Visit second = makeVisit(2, Priority::Normal, queue);
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(first)));
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(second)));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(client(), queue).size(), 2, 15000);

        const auto called =
            call(client(), kCallVisit, {m_drA, second.id, QStringLiteral("Room 4")});
        QVERIFY2(called.ok(), qPrintable(called.error().toString()));
        QCOMPARE(called->entry.visitId, second.id);
        QCOMPARE(called->entry.state, VisitState::Called);
        QCOMPARE(called->entry.calledBy, std::optional<StaffRef>(m_drA));
        QCOMPARE(called->entry.room, QStringLiteral("Room 4"));
        QTRY_VERIFY_WITH_TIMEOUT(lastEvent(kVisitCalled) &&
                                     lastEvent(kVisitCalled)->payload.visitId == second.id,
                                 10000);
        const auto event = lastEvent(kVisitCalled);
        QCOMPARE(event->actor, m_drA);
        QCOMPARE(event->payload.state, VisitState::Called);
        QCOMPARE(event->payload.room, QStringLiteral("Room 4"));
        QCOMPARE(event->payload.at, called->entry.calledAt);

        // Dr B was too late: 409 naming dr A; dr A again: 409 too (already called).
        const auto late = call(client(), kCallVisit, {m_drB, second.id, {}});
        QCOMPARE(late.error().code, 409);
        QVERIFY2(late.error().message.contains(m_drA.name), qPrintable(late.error().message));
        QCOMPARE(call(client(), kCallVisit, {m_drA, second.id, {}}).error().code, 409);

        // Call next takes the one still waiting; then nobody waits.
        const auto next = call(client(), kCallNext, {m_drB, queue, {}});
        QVERIFY2(next.ok(), qPrintable(next.error().toString()));
        QVERIFY(next->entry);
        QCOMPARE(next->entry->visitId, first.id);
        QVERIFY(!call(client(), kCallNext, {m_drB, queue, {}})->entry);
        // The called visit goes on as after call next.
        QVERIFY(call(client(), kStartConsultation, {m_drA, second.id}).ok());
    }

    void callThisOneRefusesWhatIsNotWaiting()
    {
        const auto unknown =
            call(client(), kCallVisit,
                 {m_drA, QStringLiteral("0b5a4e1c-4f3e-4e55-9d67-1c2b3a4d5e6f"), {}});
        QCOMPARE(unknown.error().code, 404);
        QCOMPARE(unknown.error().field, QStringLiteral("visit_id"));

        const QString queue = QStringLiteral("gone");
        const Visit cancelled = waitingVisit(queue);
        QVERIFY(publishEvent(client(), kVisitCancelled,
                             closedEvent(kVisitCancelled, cancelled, VisitState::Cancelled)));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(client(), queue, true).size(), 0, 15000);
        const auto closed = call(client(), kCallVisit, {m_drA, cancelled.id, {}});
        QCOMPARE(closed.error().code, 409);
        QVERIFY2(closed.error().message.contains(QStringLiteral("cancelled")),
                 qPrintable(closed.error().message));

        // Yesterday's visit is in the table but not called from today's queue.
        const Visit old =
            makeVisit(3, Priority::Normal, QStringLiteral("old"), QDate::currentDate().addDays(-1));
        QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(old)));
        QVERIFY(processedUpTo(QStringLiteral("old-sentinel")));
        const auto yesterday = call(client(), kCallVisit, {m_drA, old.id, {}});
        QCOMPARE(yesterday.error().code, 409);
        QVERIFY2(yesterday.error().message.contains(QStringLiteral("today")),
                 qPrintable(yesterday.error().message));
    }

    // Two doctors call the same visit at the same moment: exactly one wins, the other is told.
    void callThisOneRaceHasOneWinner()
    {
        const QString queue = QStringLiteral("race");
        for (int round = 0; round < 10; ++round) {
            const Visit visit = makeVisit(round + 1, Priority::Normal, queue);
            QVERIFY(publishEvent(client(), kVisitRegistered, registeredEvent(visit)));
            QTRY_VERIFY_WITH_TIMEOUT(visitIds(queueOf(client(), queue, false)).contains(visit.id),
                                     15000);
            std::optional<bus::Result<QueueEntryReply>> a;
            std::optional<bus::Result<QueueEntryReply>> b;
            QObject context;
            bus::request(client(), kCallVisit, CallVisitRequest{m_drA, visit.id, {}}, &context,
                         [&a](bus::Result<QueueEntryReply> r) { a = std::move(r); });
            bus::request(client(), kCallVisit, CallVisitRequest{m_drB, visit.id, {}}, &context,
                         [&b](bus::Result<QueueEntryReply> r) { b = std::move(r); });
            QTRY_VERIFY_WITH_TIMEOUT(a && b, 15000);
            QCOMPARE(int(a->ok()) + int(b->ok()), 1);
            const auto& winner = a->ok() ? *a : *b;
            const auto& loser = a->ok() ? *b : *a;
            const StaffRef winnerDoctor = a->ok() ? m_drA : m_drB;
            QCOMPARE(winner->entry.calledBy, std::optional<StaffRef>(winnerDoctor));
            QCOMPARE(loser.error().code, 409);
            QVERIFY2(loser.error().message.contains(winnerDoctor.name),
                     qPrintable(loser.error().message));
        }
    }

    void saveWithoutStartIsAllowedForTheCaller()
    {
        const QString queue = QStringLiteral("direct");
        const Visit visit = waitingVisit(queue);
        QVERIFY(call(client(), kCallNext, {m_drB, queue, {}}).ok());
        ConsultationContent content;
        content.disposition = Disposition::Refer;
        content.referralTo = QStringLiteral("District hospital, ENT");
        content.complaint = QStringLiteral("Ear pain");
        const auto saved = call(client(), kSaveConsultation, {m_drB, visit.id, content});
        QVERIFY2(saved.ok(), qPrintable(saved.error().toString()));
        QCOMPARE(saved->consultation.content.complaint, QStringLiteral("Ear pain"));
        QCOMPARE(saved->consultation.content.disposition, Disposition::Refer);
    }

    void closedVisitCannotBeSaved()
    {
        const QString queue = QStringLiteral("closing");
        const Visit visit = waitingVisit(queue);
        QVERIFY(call(client(), kCallNext, {m_drA, queue, {}}).ok());
        QVERIFY(publishEvent(client(), kVisitCancelled,
                             closedEvent(kVisitCancelled, visit, VisitState::Cancelled)));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(client(), queue, true).size(), 0, 15000);
        const auto saved = call(client(), kSaveConsultation, {m_drA, visit.id, fullContent()});
        QCOMPARE(saved.error().code, 409);
        QVERIFY2(saved.error().message.contains(QStringLiteral("cancelled")),
                 qPrintable(saved.error().message));
    }

    void historyIsNewestFirstWithLaterLabResults()
    {
        const QString patient = newId();
        ConsultationContent first = fullContent();
        first.disposition = Disposition::ToLab;
        first.prescriptions.clear();
        first.notes = QStringLiteral("first visit");
        const auto older = consult(QStringLiteral("hist-a"), patient, first);
        QVERIFY(older.has_value());
        QTest::qWait(20); // distinct saved_at
        ConsultationContent second = fullContent();
        second.labOrders.clear();
        second.notes = QStringLiteral("second visit");
        const auto newer = consult(QStringLiteral("hist-b"), patient, second);
        QVERIFY(newer.has_value());
        QVERIFY(older->savedAt < newer->savedAt);

        // The lab result of the first consultation arrives afterwards (from the lab).
        const LabResult result = labResult(*older, 1);
        QVERIFY(
            publishEvent(client(), kLabResulted, makeEvent(kLabResulted, result, labTechnician())));
        PatientHistoryReply history;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto reply = call(client(), kPatientHistory, {patient, 20, {}});
                if (!reply)
                    return false;
                history = *reply;
                return history.entries.size() == 2 && !history.entries.at(1).labResults.isEmpty();
            }(),
            15000);
        QCOMPARE(history.patientId, patient);
        QVERIFY(!history.truncated);
        QCOMPARE(history.entries.at(0).consultation, *newer);
        QCOMPARE(history.entries.at(1).consultation, *older);
        QVERIFY(history.entries.at(0).labResults.isEmpty());
        QCOMPARE(history.entries.at(1).labResults, QList<LabResult>{result});

        // Paging: limit 1 says truncated; before the newest gives the older one.
        const auto page = call(client(), kPatientHistory, {patient, 1, {}});
        QVERIFY(page.ok());
        QCOMPARE(page->entries.size(), 1);
        QVERIFY(page->truncated);
        QCOMPARE(page->entries.at(0).consultation.id, newer->id);
        const auto before = call(client(), kPatientHistory, {patient, 20, newer->savedAt});
        QVERIFY(before.ok());
        QCOMPARE(before->entries.size(), 1);
        QCOMPARE(before->entries.at(0).consultation.id, older->id);
        QVERIFY(!before->truncated);

        // A re-entered result for the same order replaces the first.
        LabResult corrected = result;
        corrected.entry.value = QStringLiteral("WBC 12.9");
        corrected.resultedAt = nowUtc().addSecs(1);
        QVERIFY(publishEvent(client(), kLabResulted,
                             makeEvent(kLabResulted, corrected, labTechnician())));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto reply = call(client(), kPatientHistory, {patient, 20, {}});
                return reply && reply->entries.size() == 2 &&
                       reply->entries.at(1).labResults == QList<LabResult>{corrected};
            }(),
            15000);
    }
};

QTEST_GUILESS_MAIN(TestConsultationVisit)

#include "test_consultation_visit.moc"
