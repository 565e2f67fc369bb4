// The doctor's queue of openopd-consultation, built from visit events published durably the
// way registration publishes them: priority order then token, today's visits only, cancelled
// and left-unseen visits removed (also when the cancellation arrives first), repeated
// deliveries of a registration never duplicate an entry.

#include "bus/nats_library.h"
#include "consultation_harness.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

class TestConsultationQueue : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ConsultationEnvironment> m_env;

    bool publishRegistered(const Visit& visit)
    {
        return publishEvent(*m_env->client, kVisitRegistered, registeredEvent(visit));
    }
    // Events of one consumer are processed in stream order: once a visit published last is in
    // the queue, everything published before it was processed too.
    bool processedUpTo(const QString& queue = QStringLiteral("sentinel"))
    {
        const Visit sentinel = makeVisit(1, Priority::Normal, queue);
        if (!publishRegistered(sentinel))
            return false;
        return QTest::qWaitFor(
            [&] { return visitIds(queueOf(*m_env->client, queue)).contains(sentinel.id); }, 15000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
    }

    void init()
    {
        m_env = std::make_unique<ConsultationEnvironment>();
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_env && m_env->service)
            qWarning().noquote() << "service log:\n" << m_env->service->log();
        m_env.reset();
    }

    void queueIsOrderedByPriorityThenToken()
    {
        const QList<Visit> visits{makeVisit(1, Priority::Normal), makeVisit(2, Priority::Urgent),
                                  makeVisit(3, Priority::Normal), makeVisit(4, Priority::Emergency),
                                  makeVisit(5, Priority::Urgent)};
        for (int index : {2, 0, 4, 1, 3}) // out of token order
            QVERIFY(publishRegistered(visits.at(index)));
        const Visit paeds = makeVisit(1, Priority::Urgent, QStringLiteral("paeds"));
        const Visit yesterday = makeVisit(9, Priority::Emergency, QStringLiteral("general"),
                                          QDate::currentDate().addDays(-1));
        QVERIFY(publishRegistered(paeds));
        QVERIFY(publishRegistered(yesterday));

        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*m_env->client).size(), 6, 15000);
        const QList<QueueEntry> general = queueOf(*m_env->client, QStringLiteral("general"));
        QCOMPARE(visitIds(general), (QStringList{visits[3].id, visits[1].id, visits[4].id,
                                                 visits[0].id, visits[2].id}));
        const QueueEntry& first = general.first();
        QCOMPARE(first.priority, Priority::Emergency);
        QCOMPARE(first.token, 4);
        QCOMPARE(first.state, VisitState::Registered);
        QCOMPARE(first.patientId, visits[3].patientId);
        QCOMPARE(first.patientName, visits[3].patientName);
        QCOMPARE(first.complaint, visits[3].complaint);
        QCOMPARE(first.day, QDate::currentDate());
        QCOMPARE(first.registeredAt, visits[3].history.first().at);
        // All queues: the urgent paeds visit sorts between the emergency and the normal ones.
        const QStringList all = visitIds(queueOf(*m_env->client));
        QCOMPARE(all.size(), 6);
        QCOMPARE(all.first(), visits[3].id);
        QVERIFY(all.indexOf(paeds.id) < all.indexOf(visits[0].id));
        QVERIFY(!all.contains(yesterday.id)); // another day's token

        // Calling follows the same order, and a called visit leaves the waiting list.
        const auto called = call(*m_env->client, kCallNext,
                                 {doctor(QStringLiteral("dr.a")), QStringLiteral("general"), {}});
        QVERIFY2(called.ok(), qPrintable(called.error().toString()));
        QCOMPARE(called->entry->visitId, visits[3].id);
        QCOMPARE(visitIds(queueOf(*m_env->client, QStringLiteral("general"), false)),
                 (QStringList{visits[1].id, visits[4].id, visits[0].id, visits[2].id}));
        QCOMPARE(queueOf(*m_env->client, QStringLiteral("general"), true).size(), 5);
    }

    void cancelledAndLeftUnseenVisitsLeaveTheQueue()
    {
        const Visit a = makeVisit(1, Priority::Normal);
        const Visit b = makeVisit(2, Priority::Normal);
        const Visit c = makeVisit(3, Priority::Normal);
        for (const Visit& visit : {a, b, c})
            QVERIFY(publishRegistered(visit));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*m_env->client).size(), 3, 15000);

        QVERIFY(publishEvent(*m_env->client, kVisitCancelled,
                             closedEvent(kVisitCancelled, a, VisitState::Cancelled)));
        QVERIFY(publishEvent(*m_env->client, kVisitLeftUnseen,
                             closedEvent(kVisitLeftUnseen, c, VisitState::LeftUnseen)));
        QTRY_COMPARE_WITH_TIMEOUT(visitIds(queueOf(*m_env->client)), QStringList{b.id}, 15000);

        // A cancelled visit cannot be started either.
        const auto start =
            call(*m_env->client, kStartConsultation, {doctor(QStringLiteral("dr.a")), a.id});
        QCOMPARE(start.error().code, 409);
        QVERIFY2(start.error().message.contains(QStringLiteral("cancelled")),
                 qPrintable(start.error().message));
    }

    void cancellationBeforeRegistrationKeepsTheVisitOut()
    {
        const Visit late = makeVisit(7, Priority::Emergency);
        QVERIFY(publishEvent(*m_env->client, kVisitCancelled,
                             closedEvent(kVisitCancelled, late, VisitState::Cancelled)));
        QVERIFY(publishRegistered(late));
        QVERIFY(processedUpTo());
        QVERIFY(!visitIds(queueOf(*m_env->client)).contains(late.id));
        const auto next = call(*m_env->client, kCallNext,
                               {doctor(QStringLiteral("dr.a")), QStringLiteral("general"), {}});
        QVERIFY(next.ok());
        QVERIFY(!next->entry.has_value());
    }

    void repeatedDeliveryDoesNotDuplicate()
    {
        const Visit visit = makeVisit(1, Priority::Urgent);
        const auto event = registeredEvent(visit);
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, event));
        // The same message again (the stream drops it), the same event under another message
        // id (a redelivery the stream cannot recognise), and a second event for the same
        // visit (a producer that published twice).
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, event));
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, event,
                             QByteArrayLiteral("redelivered-") + event.id.toUtf8()));
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, registeredEvent(visit)));
        QVERIFY(processedUpTo());
        QCOMPARE(visitIds(queueOf(*m_env->client, QStringLiteral("general"))),
                 QStringList{visit.id});

        // Once called, a late repeat of its registration does not put it back.
        const auto called = call(*m_env->client, kCallNext,
                                 {doctor(QStringLiteral("dr.a")), QStringLiteral("general"), {}});
        QVERIFY(called.ok() && called->entry);
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, registeredEvent(visit)));
        QVERIFY(processedUpTo());
        const QList<QueueEntry> queue = queueOf(*m_env->client, QStringLiteral("general"));
        QCOMPARE(queue.size(), 1);
        QCOMPARE(queue.at(0).state, VisitState::Called);
    }

    void queueSurvivesARestart()
    {
        const Visit visit = makeVisit(1, Priority::Normal);
        QVERIFY(publishRegistered(visit));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*m_env->client).size(), 1, 15000);
        QCOMPARE(m_env->service->terminate(), 0);
        // Published while the service is down: waits in the stream.
        const Visit whileDown = makeVisit(2, Priority::Normal);
        QVERIFY(publishRegistered(whileDown));
        QVERIFY(m_env->service->start());
        QTRY_COMPARE_WITH_TIMEOUT(visitIds(queueOf(*m_env->client)),
                                  (QStringList{visit.id, whileDown.id}), 15000);
    }
};

QTEST_GUILESS_MAIN(TestConsultationQueue)

#include "test_consultation_queue.moc"
