// What saves commits and statements under load (issue 13) keeps its guarantees, on SQLite
// and a real nats-server:
//  - the outbox relay's sent marks ride the next group commit, or get a transaction of their
//    own after markDelay, or at once when flushing; a group that rolls back leaves the rows
//    unsent, and publishing them again adds nothing to the stream;
//  - a consumer acknowledges events on its ignoredSubjects without handler, inbox or
//    transaction, and still handles the others exactly once (the inbox claim);
//  - events arriving within a consumer's batchWindow share one transaction;
//  - after a commit the relay scans the outbox only when rows of this connection may wait.

#include "bus/nats_library.h"
#include "host/event_consumer.h"
#include "host/event_streams.h"
#include "host/host_schema.h"
#include "host/inbox.h"
#include "host/migrations.h"
#include "host/outbox.h"
#include "host/outbox_relay.h"
#include "service/jetstream_probe.h"
#include "support/nats_server.h"

#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <csignal>
#include <memory>

using namespace openopd;
using namespace openopd::testing;
using namespace std::chrono_literals;
using host::Database;

namespace {
const QByteArray kHandled = "opd.events.test.handled";
const QByteArray kIgnored = "opd.events.test.ignored";
} // namespace

class TestHostLeanCommits : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    NatsServer m_nats;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<bus::Connection> m_bus;
    host::FaultPoints m_faults;
    int m_events = 0;

    bool enqueue(const QByteArray& subject, QString* eventId)
    {
        *eventId =
            QStringLiteral("00000000-0000-4000-8000-%1").arg(++m_events, 12, 10, QLatin1Char('0'));
        QString error;
        const bool ok = m_db->transaction(
            [&](QSqlDatabase&, QString* e) {
                return host::enqueueEvent(*m_db, {*eventId, subject, QByteArrayLiteral("{}")}, e);
            },
            &error);
        if (!ok)
            qWarning().noquote() << error;
        return ok;
    }

    qint64 unsent()
    {
        qint64 count = -1;
        QString error;
        if (!host::countUnsent(*m_db, &count, &error))
            qWarning().noquote() << error;
        return count;
    }

    // A group commit with one unrelated step, as a request would make; the relay's marks
    // join it the way ServiceHost::endGroup() lets them.
    bool groupWithMarks(host::OutboxRelay& relay, bool commit)
    {
        QString error;
        if (!m_db->beginGroup(&error))
            return false;
        const auto step = m_db->savepoint(
            [&](QSqlDatabase&, QString* e) {
                return m_db->run(QStringLiteral("INSERT INTO scratch (n) VALUES (1)"), {}, e)
                    .has_value();
            },
            &error);
        relay.markSentInGroup();
        const bool ended = m_db->endGroup(commit, &error);
        relay.groupEnded(ended);
        return step == Database::Step::Kept && ended == commit;
    }

    std::unique_ptr<host::OutboxRelay> startRelay(std::chrono::milliseconds markDelay)
    {
        host::OutboxRelay::Options options;
        options.markDelay = markDelay;
        options.pollInterval = 200ms;
        auto relay = std::make_unique<host::OutboxRelay>(*m_db, *m_bus, m_faults, options);
        relay->start();
        return relay;
    }

    // Enqueues one event and waits until the relay has published it; *published counts the
    // relay's publishes from now on.
    void publishOne(host::OutboxRelay& relay, int* published, QString* id)
    {
        connect(&relay, &host::OutboxRelay::published, this, [published] { ++*published; });
        QVERIFY(enqueue(kHandled, id));
        relay.poke();
        QTRY_COMPARE(*published, 1);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_nats.start(), qPrintable(m_nats.errorString()));
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        auto db = Database::open({}, m_dir->path(), QStringLiteral("lean"));
        QVERIFY2(db.ok(), qPrintable(db.error().toString()));
        m_db = std::move(db).value();
        host::Migrations migrations;
        host::addHostMigrations(migrations);
        QVERIFY(migrations.apply(*m_db).ok());
        QString error;
        QVERIFY2(m_db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         return m_db->run(QStringLiteral("CREATE TABLE scratch (n INTEGER)"), {}, e)
                             .has_value();
                     },
                     &error),
                 qPrintable(error));
        bus::ConnectionOptions options;
        options.servers = {m_nats.url()};
        m_bus = std::make_unique<bus::Connection>(options);
        m_bus->open();
        QTRY_COMPARE(m_bus->state(), bus::Connection::State::Connected);
        std::optional<bus::BusError> ensured;
        QObject context;
        host::ensureOpdStreams(*m_bus, {}, &context,
                               [&ensured](const bus::BusError& e) { ensured = e; });
        QTRY_VERIFY(ensured.has_value());
        QVERIFY2(!ensured->isError(), qPrintable(ensured->toString()));
        // Each case starts from an empty stream.
        QVERIFY(!jetStreamQuery(*m_bus, "STREAM.PURGE.OPD_EVENTS").isEmpty());
    }

    void cleanup()
    {
        m_bus.reset();
        m_db.reset();
        m_dir.reset();
    }

    void marksRideTheNextGroupCommit()
    {
        auto relay = startRelay(60s); // no transaction of their own within the test
        int published = 0;
        QString id;
        publishOne(*relay, &published, &id);
        if (QTest::currentTestFailed())
            return;
        QTest::qWait(300);
        QCOMPARE(unsent(), 1); // acknowledged by the stream, waiting for a commit
        QVERIFY(groupWithMarks(*relay, true));
        QCOMPARE(unsent(), 0);
        auto row = m_db->run(QStringLiteral("SELECT stream_seq FROM outbox WHERE event_id = ?"),
                             {id}, nullptr);
        QVERIFY(row && row->next());
        QVERIFY(row->value(0).toLongLong() > 0); // the stream's sequence is kept
        QTest::qWait(500);                       // several polls: nothing is published again
        QCOMPARE(published, 1);
    }

    void marksWithoutAGroupGetTheirOwnTransaction()
    {
        auto relay = startRelay(100ms);
        QString id;
        QVERIFY(enqueue(kHandled, &id));
        relay->poke();
        QTRY_COMPARE_WITH_TIMEOUT(unsent(), 0, 5000);
    }

    void marksOfARolledBackGroupLeaveTheRowsToPublishAgain()
    {
        auto relay = startRelay(60s);
        QList<bool> duplicates;
        connect(relay.get(), &host::OutboxRelay::published, this,
                [&](const QString&, quint64, bool duplicate) { duplicates << duplicate; });
        QString id;
        QVERIFY(enqueue(kHandled, &id));
        relay->poke();
        QTRY_COMPARE(duplicates.size(), 1);
        QVERIFY(groupWithMarks(*relay, false));
        QCOMPARE(unsent(), 1);
        // The next poll reads the row again; the stream knows its Nats-Msg-Id.
        QTRY_COMPARE_WITH_TIMEOUT(duplicates.size(), 2, 5000);
        QCOMPARE(duplicates, (QList<bool>{false, true}));
        QCOMPARE(streamCount(*m_bus, QStringLiteral("OPD_EVENTS"), QString::fromUtf8(kHandled)), 1);
        QVERIFY(groupWithMarks(*relay, true));
        QCOMPARE(unsent(), 0);
    }

    void flushWritesWaitingMarksAtOnce()
    {
        auto relay = startRelay(60s);
        int published = 0;
        QString id;
        publishOne(*relay, &published, &id);
        if (QTest::currentTestFailed())
            return;
        std::optional<bool> flushed;
        connect(relay.get(), &host::OutboxRelay::flushed, this,
                [&flushed](bool complete) { flushed = complete; });
        relay->flush(10s);
        QTRY_VERIFY_WITH_TIMEOUT(flushed.has_value(), 5000); // not after the 60 s delay
        QVERIFY(*flushed);
        QCOMPARE(unsent(), 0);
    }

    // After a commit the relay scans only when this connection wrote outbox rows since its
    // last complete scan, or a scan left rows behind (maxInFlight reached). The poll is an
    // hour away here: only pokes publish.
    void aCommitPokesTheRelayWhenItsRowsWait()
    {
        host::OutboxRelay::Options options;
        options.pollInterval = 1h;
        options.maxInFlight = 1;
        options.markDelay = 1h; // no transaction of its own, which pokes after it
        host::OutboxRelay relay(*m_db, *m_bus, m_faults, options);
        relay.start();
        int published = 0;
        connect(&relay, &host::OutboxRelay::published, this, [&published] { ++published; });
        QTRY_VERIFY(!relay.isReconciling());
        QString id;
        QVERIFY(enqueue(kHandled, &id));
        relay.pokeAfterCommit();
        QTRY_COMPARE(published, 1);

        // Three rows, one in flight at a time: the scan leaves two behind, and each commit
        // (none writing) still pokes until all are out.
        for (int i = 0; i < 3; ++i)
            QVERIFY(enqueue(kHandled, &id));
        QVERIFY(QTest::qWaitFor(
            [&] {
                if (relay.inFlight() == 0)
                    relay.pokeAfterCommit();
                return published == 4;
            },
            10000));

        // A row written by another connection (another instance) is not this commit's: it
        // waits for a poke (or the poll).
        {
            auto other = Database::open({}, m_dir->path(), QStringLiteral("lean"));
            QVERIFY2(other.ok(), qPrintable(other.error().toString()));
            QString error;
            QVERIFY2(other.value()->transaction(
                         [&](QSqlDatabase&, QString* e) {
                             return host::enqueueEvent(
                                 *other.value(),
                                 {QStringLiteral("00000000-0000-4000-8000-999999999999"), kHandled,
                                  QByteArrayLiteral("{}")},
                                 e);
                         },
                         &error),
                     qPrintable(error));
        }
        relay.pokeAfterCommit();
        QTest::qWait(300);
        QCOMPARE(published, 4);
        relay.poke();
        QTRY_COMPARE(published, 5);
    }

    void ignoredSubjectsAreAckedUnhandled()
    {
        auto relay = startRelay(100ms);
        QString handledId, ignoredId, handledAgainId;
        QVERIFY(enqueue(kIgnored, &ignoredId));
        QVERIFY(enqueue(kHandled, &handledId));
        QVERIFY(enqueue(kHandled, &handledAgainId));
        relay->poke();
        QTRY_COMPARE_WITH_TIMEOUT(unsent(), 0, 5000);

        host::EventConsumerOptions options;
        options.durable = "lean-test";
        options.filterSubject = "opd.events.test.>";
        options.ignoredSubjects = {kIgnored};
        QStringList handled;
        host::EventConsumer consumer(*m_bus, *m_db, m_faults, options,
                                     [&handled](const bus::JsMessage& message, Database&) {
                                         handled << QString::fromUtf8(message.message.subject);
                                         return host::HandlerResult::done();
                                     });
        consumer.start();
        QTRY_COMPARE_WITH_TIMEOUT(consumer.counters().processed, quint64{2}, 10000);
        QCOMPARE(handled, (QStringList{QString::fromUtf8(kHandled), QString::fromUtf8(kHandled)}));
        QCOMPARE(consumer.counters().ignored, quint64{1});
        auto inbox =
            m_db->run(QStringLiteral("SELECT event_id FROM inbox ORDER BY event_id"), {}, nullptr);
        QVERIFY(inbox);
        QStringList recorded;
        while (inbox->next())
            recorded << inbox->value(0).toString();
        QCOMPARE(recorded, (QStringList{handledId, handledAgainId}));
        // Every delivery is settled, the ignored one too: nothing comes back.
        QTRY_COMPARE_WITH_TIMEOUT(jetStreamQuery(*m_bus, "CONSUMER.INFO.OPD_EVENTS.lean-test")
                                      .value(QStringLiteral("num_ack_pending"))
                                      .toInteger(-1),
                                  0, 5000);
        QCOMPARE(jetStreamQuery(*m_bus, "CONSUMER.INFO.OPD_EVENTS.lean-test")
                     .value(QStringLiteral("num_redelivered"))
                     .toInteger(-1),
                 0);
    }

    void eventsWithinTheBatchWindowShareOneCommit()
    {
        auto relay = startRelay(100ms);
        host::EventConsumerOptions options;
        options.durable = "lean-window";
        options.filterSubject = kHandled;
        options.batchWindow = 2000ms; // wide: a sanitizer build is slow
        host::EventConsumer consumer(
            *m_bus, *m_db, m_faults, options,
            [](const bus::JsMessage&, Database&) { return host::HandlerResult::done(); });
        int commits = 0;
        connect(&consumer, &host::EventConsumer::batchCommitted, this, [&commits] { ++commits; });
        consumer.start();
        QTRY_VERIFY(consumer.inFlight() == 0 && commits == 0);
        QTest::qWait(300);            // the pull request is at the server
        for (int i = 0; i < 5; ++i) { // spread over 200 ms: five turns without the window
            QString id;
            QVERIFY(enqueue(kHandled, &id));
            relay->poke();
            QTest::qWait(50);
        }
        QTRY_COMPARE_WITH_TIMEOUT(consumer.counters().processed, quint64{5}, 10000);
        QCOMPARE(commits, 1);
    }

    void aRedeliveredEventIsClaimedOnlyOnce()
    {
        // The inbox claim (INSERT ... ON CONFLICT DO NOTHING) tells a redelivery apart.
        QString error;
        bus::JsMessage message;
        message.message.subject = kHandled;
        message.metadata.streamSequence = 7;
        std::optional<bool> first, second;
        QVERIFY2(m_db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         first = host::claimInInbox(*m_db, QStringLiteral("c"),
                                                    QStringLiteral("event-1"), message, e);
                         second = host::claimInInbox(*m_db, QStringLiteral("c"),
                                                     QStringLiteral("event-1"), message, e);
                         return first.has_value() && second.has_value();
                     },
                     &error),
                 qPrintable(error));
        QCOMPARE(first, std::optional<bool>(true));
        QCOMPARE(second, std::optional<bool>(false));
        // Undone with its savepoint, the claim is gone.
        QVERIFY2(m_db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         const auto step = m_db->savepoint(
                             [&](QSqlDatabase&, QString* stepError) {
                                 host::claimInInbox(*m_db, QStringLiteral("c"),
                                                    QStringLiteral("event-2"), message, stepError);
                                 return false;
                             },
                             e);
                         return step == Database::Step::Undone;
                     },
                     &error),
                 qPrintable(error));
        auto left = m_db->run(QStringLiteral("SELECT COUNT(*) FROM inbox WHERE event_id = ?"),
                              {QStringLiteral("event-2")}, nullptr);
        QVERIFY(left && left->next());
        QCOMPARE(left->value(0).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHostLeanCommits)
#include "test_host_lean_commits.moc"
