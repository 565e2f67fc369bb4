// Fault tests of openopd-consultation: visits registered while the service is stopped are all
// queued exactly once when it starts; a SIGKILL while it consumes (also right after a
// consumer's commit, before its ack) loses and duplicates nothing; a SIGKILL after call
// next's commit, before visit.called is published, still publishes it exactly once.

#include "bus/nats_library.h"
#include "consultation_harness.h"
#include "service/jetstream_probe.h"

#include <QSet>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

class TestConsultationFault : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ConsultationEnvironment> m_env;

    // Registers count visits while the service is stopped; their ids.
    QSet<QString> registerWhileStopped(int count)
    {
        QSet<QString> ids;
        if (m_env->service->terminate() != 0)
            return ids;
        for (int token = 1; token <= count; ++token) {
            const Visit visit =
                makeVisit(token, token % 5 == 0 ? Priority::Urgent : Priority::Normal);
            if (!publishEvent(*m_env->client, kVisitRegistered, registeredEvent(visit)))
                return {};
            ids.insert(visit.id);
        }
        return ids;
    }
    // Every visit of the queue exactly once, and nothing else.
    void expectQueuedOnce(const QSet<QString>& ids)
    {
        QList<QueueEntry> queue;
        QTRY_VERIFY_WITH_TIMEOUT((queue = queueOf(*m_env->client)).size() >= ids.size(), 30000);
        QTest::qWait(300); // anything still arriving would show now
        queue = queueOf(*m_env->client);
        const QStringList listed = visitIds(queue);
        QCOMPARE(listed.size(), ids.size());
        QCOMPARE(QSet<QString>(listed.cbegin(), listed.cend()), ids);
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
        // A crashed consumer's unacked deliveries come back after 1 s instead of 30 s.
        QVERIFY2(m_env->start({QStringLiteral("--ack-wait-ms"), QStringLiteral("1000")}),
                 qPrintable(m_env->errorString()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_env && m_env->service)
            qWarning().noquote() << "service log:\n" << m_env->service->log();
        m_env.reset();
    }

    void visitsRegisteredWhileStoppedAreQueuedOnce()
    {
        const QSet<QString> ids = registerWhileStopped(50);
        QCOMPARE(ids.size(), 50);
        QVERIFY(m_env->service->start());
        expectQueuedOnce(ids);
    }

    void crashAfterAConsumerCommitLosesAndDuplicatesNothing()
    {
        const QSet<QString> ids = registerWhileStopped(50);
        QCOMPARE(ids.size(), 50);
        // Dies right after its first consumer commit, before the ack (it may die before the
        // test even sees it ready, so the start result is not checked).
        m_env->service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("consumer-after-commit")});
        QVERIFY(m_env->service->waitForExit());
        QVERIFY(m_env->service->start());
        expectQueuedOnce(ids);
        // The committed-but-unacked events really come back (after the 1 s ack wait; the
        // whole first batch may already be committed, so the queue can be complete before
        // that) and the inbox skips them.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_env->service->log().contains(QStringLiteral("was already processed")), 15000);
        expectQueuedOnce(ids);
    }

    void sigkillWhileConsumingLosesAndDuplicatesNothing()
    {
        constexpr int kVisits = 300;
        const QSet<QString> ids = registerWhileStopped(kVisits);
        QCOMPARE(ids.size(), kVisits);
        QVERIFY(m_env->service->start());
        QTRY_VERIFY_WITH_TIMEOUT(queueOf(*m_env->client).size() >= 20, 30000);
        m_env->service->kill();                                  // in the middle of the backlog
        const qsizetype before = queueOf(*m_env->client).size(); // nobody answers: 0
        QCOMPARE(before, 0);
        QVERIFY(m_env->service->start());
        expectQueuedOnce(ids);
    }

    void crashAfterCallNextCommitPublishesTheCallOnce()
    {
        const Visit visit = makeVisit(1, Priority::Normal);
        QVERIFY(publishEvent(*m_env->client, kVisitRegistered, registeredEvent(visit)));
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*m_env->client).size(), 1, 15000);
        QCOMPARE(m_env->service->terminate(), 0);
        QVERIFY(m_env->service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("after-commit")}));
        // The service dies after the commit, before answering and before publishing.
        const auto lost =
            call(*m_env->client, kCallNext,
                 {doctor(QStringLiteral("dr.a")), QStringLiteral("general"), {}}, 3000);
        QVERIFY(!lost.ok());
        QVERIFY(m_env->service->waitForExit());
        const QString subject = QString::fromLatin1(kVisitCalled.subject);
        QCOMPARE(streamCount(*m_env->client, QStringLiteral("OPD_EVENTS"), subject), 0);

        QVERIFY(m_env->service->start());
        QTRY_COMPARE_WITH_TIMEOUT(
            streamCount(*m_env->client, QStringLiteral("OPD_EVENTS"), subject), 1, 15000);
        const QList<QueueEntry> queue = queueOf(*m_env->client);
        QCOMPARE(queue.size(), 1);
        QCOMPARE(queue.at(0).state, VisitState::Called); // the commit held
        const auto next = call(*m_env->client, kCallNext,
                               {doctor(QStringLiteral("dr.b")), QStringLiteral("general"), {}});
        QVERIFY(next.ok());
        QVERIFY(!next->entry.has_value()); // not called a second time
        QTest::qWait(300);
        QCOMPARE(streamCount(*m_env->client, QStringLiteral("OPD_EVENTS"), subject), 1);
    }
};

QTEST_GUILESS_MAIN(TestConsultationFault)

#include "test_consultation_fault.moc"
