// Durable events around operator actions and upgrades, with the test service as a real
// process on a real nats-server, on SQLite and PostgreSQL:
//  - the stream lost its tail (nats-server 2.9 fsyncs JetStream every 2 minutes; a power cut
//    forgets acknowledged events): the relay republishes what the stream no longer holds,
//    each event ends up in the stream exactly once;
//  - stream settings an operator changed survive a service start;
//  - an event of a newer schema version waits for a newer consumer instead of the DLQ;
//  - a handler failing on the database is retried visibly; dead letters are counted;
//  - a batch slower than the ack wait sends in-progress acks instead of being redelivered.

#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "service/jetstream_probe.h"
#include "service/service_process.h"
#include "service/test_service_rig.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"
#include "support/sanitizer_scale.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::testing;

namespace {
const QString kNoteAdded = QStringLiteral("opd.events.test.note_added");
constexpr qint64 kNsPerDay = 86400LL * 1000 * 1000 * 1000;

bool shell(const QStringList& command)
{
    QProcess process;
    process.start(command.first(), command.mid(1));
    return process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit &&
           process.exitCode() == 0;
}

QByteArray msgId(const QByteArray& headers)
{
    for (const QByteArray& line : headers.split('\n'))
        if (line.startsWith("Nats-Msg-Id:"))
            return line.mid(12).trimmed();
    return {};
}
} // namespace

class TestHostEventRecovery : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    int m_databases = 0;
    TestServiceRig m_rig;

    bool addNote(const QString& id, const QString& text = QStringLiteral("hello"))
    {
        return !callJson(*m_rig.client, "test.svc.note.add",
                         {{QStringLiteral("id"), id}, {QStringLiteral("text"), text}})
                    .isEmpty();
    }
    bool publishSlowNote(const QString& id)
    {
        const QJsonObject note{{QStringLiteral("id"), id},
                               {QStringLiteral("text"), QStringLiteral("slow")}};
        bool acked = false;
        QObject context;
        bus::publishDurable(*m_rig.client, kNoteAdded.toUtf8(),
                            QJsonDocument(note).toJson(QJsonDocument::Compact),
                            QStringLiteral("note-%1").arg(id).toUtf8(), &context,
                            [&acked](bus::Result<bus::PublishAck> ack) { acked = ack.ok(); });
        return QTest::qWaitFor([&acked] { return acked; }, 5000);
    }
    QJsonObject counts() { return callJson(*m_rig.client, "test.svc.counts", {}); }
    qint64 stored(const QString& subject = kNoteAdded)
    {
        return streamCount(*m_rig.client, QStringLiteral("OPD_EVENTS"), subject);
    }
    QJsonObject consumerStats()
    {
        return callJson(*m_rig.client, "$SRV.STATS.test-svc", {})
            .value(QStringLiteral("data"))
            .toObject()
            .value(QStringLiteral("consumers"))
            .toObject()
            .value(QStringLiteral("test-seen"))
            .toObject();
    }
    // The Nats-Msg-Id of every message on subject in OPD_EVENTS, in stream order.
    QList<QByteArray> storedIds(const QString& subject = kNoteAdded)
    {
        const QJsonObject state = jetStreamQuery(*m_rig.client, "STREAM.INFO.OPD_EVENTS")
                                      .value(QStringLiteral("state"))
                                      .toObject();
        QList<QByteArray> ids;
        const qint64 last = state.value(QStringLiteral("last_seq")).toInteger();
        for (qint64 seq = state.value(QStringLiteral("first_seq")).toInteger(); seq <= last;
             ++seq) {
            const QJsonObject message = jetStreamQuery(*m_rig.client, "STREAM.MSG.GET.OPD_EVENTS",
                                                       {{QStringLiteral("seq"), seq}})
                                            .value(QStringLiteral("message"))
                                            .toObject();
            if (message.value(QStringLiteral("subject")).toString() == subject)
                ids << msgId(QByteArray::fromBase64(
                    message.value(QStringLiteral("hdrs")).toString().toLatin1()));
        }
        return ids;
    }
    void addNotes(const QString& prefix, int count)
    {
        for (int i = 0; i < count; ++i)
            QVERIFY(addNote(prefix + QString::number(i)));
    }
    // Waits until every note is stored and marked sent in the outbox.
    void waitSent(int total)
    {
        QTRY_COMPARE_WITH_TIMEOUT(stored(), total, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("unsent")).toInt(-1), 0, 15000);
    }
    QString backupDir() const { return m_rig.dataDir->filePath(QStringLiteral("store-backup")); }
    int serviceConnects() const
    {
        return static_cast<int>(
            m_rig.service->log().count(QStringLiteral("\"msg\":\"NATS connection Connected\"")));
    }
    void stopServer()
    {
        m_rig.nats->stop();
        QTRY_VERIFY_WITH_TIMEOUT(m_rig.client->state() != bus::Connection::State::Connected, 10000);
    }
    // Starts nats-server again; waits until the client and (if it runs) the service are
    // connected again.
    void startServer()
    {
        const int connects = m_rig.service->isRunning() ? serviceConnects() : -1;
        QVERIFY2(m_rig.nats->start(), qPrintable(m_rig.nats->errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(m_rig.client->state(), bus::Connection::State::Connected, 20000);
        if (connects >= 0)
            QTRY_VERIFY_WITH_TIMEOUT(serviceConnects() > connects, 20000);
    }
    // nats-server stopped cleanly; its store copied aside.
    void backUpStore()
    {
        stopServer();
        QVERIFY(shell(
            {QStringLiteral("cp"), QStringLiteral("-a"), m_rig.nats->storeDir(), backupDir()}));
    }
    // The store as it was at the backup: what a power cut leaves of writes not yet synced.
    void restoreStore()
    {
        stopServer();
        QVERIFY(QDir(m_rig.nats->storeDir()).removeRecursively());
        QVERIFY(shell(
            {QStringLiteral("cp"), QStringLiteral("-a"), backupDir(), m_rig.nats->storeDir()}));
        startServer();
    }
    void checkEachNoteOnce(const QList<std::pair<QString, int>>& notes)
    {
        const QList<QByteArray> ids = storedIds();
        QSet<QByteArray> expected;
        for (const auto& [prefix, count] : notes)
            for (int i = 0; i < count; ++i)
                expected.insert("note-" + prefix.toUtf8() + QByteArray::number(i));
        QCOMPARE(ids.size(), expected.size());
        QCOMPARE(QSet<QByteArray>(ids.begin(), ids.end()), expected);
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        const bool postgres = backend == QStringLiteral("postgres");
        QString error;
        QVERIFY2(m_rig.start({QStringLiteral("--ack-wait-ms"), QStringLiteral("1000"),
                              QStringLiteral("--max-deliver"), QStringLiteral("3"),
                              QStringLiteral("--backoff-ms"), QStringLiteral("100")},
                             postgres ? &m_postgres : nullptr,
                             QStringLiteral("recovery_%1").arg(++m_databases), &error),
                 qPrintable(error));
    }

    void cleanup() { m_rig.reset(); }

    // The service stays up across the server's restart: its reconnect triggers the check.
    void lostStreamTailIsRepublishedAfterReconnect()
    {
        QVERIFY(m_rig.service->start());
        addNotes(QStringLiteral("a"), 20);
        waitSent(20);
        backUpStore();
        startServer();
        addNotes(QStringLiteral("b"), 15);
        waitSent(35);

        restoreStore(); // the 15 b-notes were acknowledged, and are gone
        QTRY_COMPARE_WITH_TIMEOUT(stored(), 35, 20000);
        checkEachNoteOnce({{QStringLiteral("a"), 20}, {QStringLiteral("b"), 15}});
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("unsent")).toInt(-1), 0, 15000);
        QVERIFY(m_rig.service->log().contains(QStringLiteral("events the stream no longer holds")));
        // The consumer saw each note (the inbox absorbed the redeliveries).
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen_distinct")).toInt(), 35,
                                  15000);
    }

    // The service was down; meanwhile another service published, so the lost events' stream
    // sequences now hold other messages: only the event id tells them apart.
    void lostStreamTailIsRepublishedWhenSequencesWereReused()
    {
        QVERIFY(m_rig.service->start());
        addNotes(QStringLiteral("a"), 10);
        waitSent(10);
        backUpStore();
        startServer();
        addNotes(QStringLiteral("b"), 10);
        waitSent(20);
        QCOMPARE(m_rig.service->terminate(), 0);
        restoreStore();

        int acked = 0;
        QObject context;
        for (int i = 0; i < 15; ++i)
            bus::publishDurable(
                *m_rig.client, "opd.events.other.thing", "{}", "other-" + QByteArray::number(i),
                &context, [&acked](bus::Result<bus::PublishAck> ack) { acked += ack ? 1 : 0; });
        QTRY_COMPARE(acked, 15);
        QCOMPARE(stored(), 10);

        QVERIFY(m_rig.service->start());
        QTRY_COMPARE_WITH_TIMEOUT(stored(), 20, 20000);
        checkEachNoteOnce({{QStringLiteral("a"), 10}, {QStringLiteral("b"), 10}});
        QCOMPARE(stored(QStringLiteral("opd.events.other.thing")), 15);
        QTest::qWait(1000); // a second check (the next poll) must not republish again
        QCOMPARE(stored(), 20);
    }

    // An operator's changes to the streams (limits, subjects) survive a service start; what
    // the platform needs and misses is only warned about.
    void operatorStreamSettingsSurviveAStart()
    {
        QVERIFY(m_rig.service->start()); // creates both streams
        QJsonObject config = jetStreamQuery(*m_rig.client, "STREAM.INFO.OPD_EVENTS")
                                 .value(QStringLiteral("config"))
                                 .toObject();
        QVERIFY(!config.isEmpty());
        config.insert(QStringLiteral("max_age"), 30 * kNsPerDay);
        config.insert(QStringLiteral("max_bytes"), qint64{100} * 1024 * 1024);
        config.insert(QStringLiteral("subjects"), QJsonArray{QStringLiteral("opd.events.test.>")});
        QVERIFY(!jetStreamQuery(*m_rig.client, "STREAM.UPDATE.OPD_EVENTS", config).isEmpty());
        QJsonObject dlq = jetStreamQuery(*m_rig.client, "STREAM.INFO.OPD_DLQ")
                              .value(QStringLiteral("config"))
                              .toObject();
        dlq.insert(QStringLiteral("max_age"), 7 * kNsPerDay);
        QVERIFY(!jetStreamQuery(*m_rig.client, "STREAM.UPDATE.OPD_DLQ", dlq).isEmpty());

        QCOMPARE(m_rig.service->terminate(), 0);
        QVERIFY(m_rig.service->start());
        const QJsonObject after = jetStreamQuery(*m_rig.client, "STREAM.INFO.OPD_EVENTS")
                                      .value(QStringLiteral("config"))
                                      .toObject();
        QCOMPARE(after.value(QStringLiteral("max_age")).toInteger(), 30 * kNsPerDay);
        QCOMPARE(after.value(QStringLiteral("max_bytes")).toInteger(), qint64{100} * 1024 * 1024);
        QCOMPARE(after.value(QStringLiteral("subjects")).toArray(),
                 QJsonArray{QStringLiteral("opd.events.test.>")});
        QCOMPARE(jetStreamQuery(*m_rig.client, "STREAM.INFO.OPD_DLQ")
                     .value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("max_age"))
                     .toInteger(),
                 7 * kNsPerDay);
        QVERIFY2(m_rig.service->log().contains(
                     QStringLiteral("its subjects do not include opd.events.>")),
                 qPrintable(m_rig.service->log()));
        QVERIFY(addNote(QStringLiteral("n"))); // still works: the test subjects are covered
        QTRY_COMPARE_WITH_TIMEOUT(stored(), 1, 10000);
    }

    // A rolling upgrade: a producer already sends version 2, this consumer knows 1. The
    // event waits (nak with delay) for an instance that knows it; it is never dead-lettered.
    void newerEventVersionWaitsForANewerInstance()
    {
        QVERIFY(m_rig.service->start({QStringLiteral("--newer-delay-ms"), QStringLiteral("200")}));
        const QJsonObject note{{QStringLiteral("v"), 2},
                               {QStringLiteral("id"), QStringLiteral("future")},
                               {QStringLiteral("text"), QStringLiteral("hello")}};
        bool acked = false;
        QObject context;
        bus::publishDurable(*m_rig.client, kNoteAdded.toUtf8(),
                            QJsonDocument(note).toJson(QJsonDocument::Compact), "note-future",
                            &context,
                            [&acked](bus::Result<bus::PublishAck> ack) { acked = ack.ok(); });
        QTRY_VERIFY(acked);
        // Delivered well past max-deliver (3), never handled, never dead-lettered.
        QTRY_VERIFY_WITH_TIMEOUT(
            consumerStats().value(QStringLiteral("deferred_newer")).toInteger() >= 5, 20000);
        QCOMPARE(counts().value(QStringLiteral("seen")).toInt(-1), 0);
        QCOMPARE(streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), QStringLiteral("opd.dlq.>")),
                 0);
        QVERIFY(m_rig.service->log().contains(QStringLiteral("has schema version 2")));

        QCOMPARE(m_rig.service->terminate(), 0);
        QVERIFY(m_rig.service->start({QStringLiteral("--event-version"), QStringLiteral("2")}));
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen")).toInt(-1), 1, 15000);
        QCOMPARE(consumerStats().value(QStringLiteral("processed")).toInteger(), 1);
    }

    // A handler that fails on the database is retried with back-off, visibly (warnings, then
    // errors past max-deliver, a counter), and never dead-lettered.
    void databaseFailureIsRetriedVisibly()
    {
        QVERIFY(m_rig.service->start());
        QVERIFY(addNote(QStringLiteral("x"), QStringLiteral("dbfail")));
        QTRY_VERIFY_WITH_TIMEOUT(consumerStats().value(QStringLiteral("retried")).toInteger() >= 5,
                                 20000);
        const QJsonObject stats = consumerStats();
        QVERIFY2(stats.value(QStringLiteral("last_retry"))
                     .toString()
                     .startsWith(QStringLiteral("note-x: ")),
                 qPrintable(stats.value(QStringLiteral("last_retry")).toString()));
        QVERIFY(stats.value(QStringLiteral("last_retry"))
                    .toString()
                    .contains(QStringLiteral("no_such_table")));
        QCOMPARE(stats.value(QStringLiteral("dead_lettered")).toInteger(), 0);
        QCOMPARE(streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), QStringLiteral("opd.dlq.>")),
                 0);
        QVERIFY(m_rig.service->log().contains(QStringLiteral("event note-x still fails after")));
    }

    // A batch that takes longer than the ack wait (12 events, 250 ms each, ack wait 1 s) tells
    // the server it is still at work (+WPI): nothing is redelivered while it runs. Events
    // that arrive while it runs wait behind it, unseen by the event loop; they are taken in
    // and kept alive too (before, they were redelivered: 3 duplicates in a CI run).
    void aSlowBatchIsKeptAliveInsteadOfRedelivered()
    {
        // Under a sanitizer the service's own start and deliveries are slower than the 1 s
        // ack wait allows for, so the test says nothing there.
        if (openopd::testing::kSanitized)
            QSKIP("timing of deliveries against a 1 s ack wait: not meaningful under a sanitizer");
        constexpr int kBacklog = 12;
        constexpr int kLate = 6;
        QVERIFY(m_rig.service->start()); // makes the stream and the durable
        QCOMPARE(m_rig.service->terminate(), 0);
        for (int i = 0; i < kBacklog; ++i) // a backlog while the service is stopped
            QVERIFY(publishSlowNote(QStringLiteral("slow%1").arg(i)));
        // Not waiting for "ready": the backlog's batch (3 s) runs before it is logged.
        m_rig.service->setReadyMarker("\"msg\":\"outbox: checked");
        const bool started = m_rig.service->start();
        m_rig.service->setReadyMarker("\"msg\":\"ready");
        QVERIFY(started);
        QTest::qWait(500); // the batch is at work now
        for (int i = 0; i < kLate; ++i)
            QVERIFY(publishSlowNote(QStringLiteral("late%1").arg(i)));
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen")).toInt(-1),
                                  kBacklog + kLate, 30000);
        QTest::qWait(1500); // a redelivery would be handled by now
        const QJsonObject stats = consumerStats();
        QVERIFY2(stats.value(QStringLiteral("duplicates")).toInteger(-1) == 0,
                 QJsonDocument(stats).toJson(QJsonDocument::Compact).constData());
        QVERIFY2(stats.value(QStringLiteral("kept_alive")).toInteger() >= 1,
                 QJsonDocument(stats).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(counts().value(QStringLiteral("seen")).toInt(-1), kBacklog + kLate);
    }

    void deadLettersAreLoggedAndCounted()
    {
        QVERIFY(m_rig.service->start());
        QVERIFY(addNote(QStringLiteral("bad"), QStringLiteral("poison")));
        QTRY_COMPARE_WITH_TIMEOUT(
            consumerStats().value(QStringLiteral("dead_lettered")).toInteger(), 1, 15000);
        QCOMPARE(consumerStats().value(QStringLiteral("last_dead_letter")).toString(),
                 QStringLiteral("note-bad: poison note bad"));
        QVERIFY(m_rig.service->log().contains(QStringLiteral("dead-lettered to OPD_DLQ after 3")));
        QCOMPARE(streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), QStringLiteral("opd.dlq.>")),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestHostEventRecovery)

#include "test_host_event_recovery.moc"
