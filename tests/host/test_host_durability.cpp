// Fault tests of the service host's durable events, with the test service as a real process
// on a real nats-server, on SQLite and on PostgreSQL: a crash after the commit, after the
// publish, and after a consumer's commit loses and duplicates nothing; a poison event ends
// in OPD_DLQ with its reason; SIGTERM flushes the outbox.

#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "service/jetstream_probe.h"
#include "service/service_process.h"
#include "service/test_service_rig.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::testing;

namespace {
const QString kNoteAdded = QStringLiteral("opd.events.test.note_added");
const QString kDlqSubject = QStringLiteral("opd.dlq.test-seen");
} // namespace

class TestHostDurability : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    int m_databases = 0;
    // Per test function:
    TestServiceRig m_rig;

    bool addNote(const QString& id, const QString& text = QStringLiteral("hello"))
    {
        return !callJson(*m_rig.client, "test.svc.note.add",
                         {{QStringLiteral("id"), id}, {QStringLiteral("text"), text}})
                    .isEmpty();
    }
    QJsonObject counts() { return callJson(*m_rig.client, "test.svc.counts", {}); }
    qint64 stored(const QString& subject)
    {
        return streamCount(*m_rig.client, QStringLiteral("OPD_EVENTS"), subject);
    }

private Q_SLOTS:
    // Every test runs on both databases.
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
                             QStringLiteral("durability_%1").arg(++m_databases), &error),
                 qPrintable(error));
    }

    void cleanup() { m_rig.reset(); }

    void crashAfterCommitPublishesOnceAfterRestart()
    {
        QVERIFY(m_rig.service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("after-commit")}));
        QVERIFY(!addNote(QStringLiteral("n1"))); // the service dies before it can answer
        QVERIFY(m_rig.service->waitForExit());
        QCOMPARE(stored(kNoteAdded), 0); // committed, not published: it waits in the outbox

        QVERIFY(m_rig.service->start());
        QTRY_COMPARE_WITH_TIMEOUT(stored(kNoteAdded), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("unsent")).toInt(), 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen")).toInt(), 1, 10000);
        QCOMPARE(counts().value(QStringLiteral("notes")).toInt(), 1);
        QTest::qWait(500);
        QCOMPARE(stored(kNoteAdded), 1);
    }

    void crashAfterPublishDoesNotDuplicate()
    {
        QVERIFY(m_rig.service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("after-publish")}));
        addNote(QStringLiteral("n2")); // the reply may or may not make it out
        QVERIFY(m_rig.service->waitForExit());
        QCOMPARE(stored(kNoteAdded), 1); // acked by the stream, never marked sent

        QVERIFY(m_rig.service->start());
        // The relay republishes the row; the stream drops it by Nats-Msg-Id.
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("unsent")).toInt(), 0, 10000);
        QCOMPARE(stored(kNoteAdded), 1);
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen")).toInt(), 1, 10000);
    }

    void consumerCrashBeforeAckIsIdempotent()
    {
        QVERIFY(m_rig.service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("consumer-after-commit")}));
        QVERIFY(addNote(QStringLiteral("n3")));
        QVERIFY(m_rig.service->waitForExit()); // processed and committed, never acked

        QVERIFY(m_rig.service->start());
        // Redelivered after the ack wait; the inbox recognises it.
        QTRY_COMPARE_WITH_TIMEOUT(
            jetStreamQuery(*m_rig.client, "CONSUMER.INFO.OPD_EVENTS.test-seen")
                .value(QStringLiteral("num_ack_pending"))
                .toInt(-1),
            0, 15000);
        const QJsonObject c = counts();
        QCOMPARE(c.value(QStringLiteral("seen")).toInt(), 1);
        QCOMPARE(c.value(QStringLiteral("seen_distinct")).toInt(), 1);
        // It really was redelivered, and skipped by the inbox rather than processed again.
        QVERIFY(
            m_rig.service->log().contains(QStringLiteral("event note-n3 was already processed")));
    }

    void poisonEventGoesToDeadLetters()
    {
        QVERIFY(m_rig.service->start());
        QVERIFY(addNote(QStringLiteral("bad"), QStringLiteral("poison")));
        QVERIFY(addNote(QStringLiteral("good")));
        QTRY_COMPARE_WITH_TIMEOUT(
            streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), kDlqSubject), 1, 15000);
        const StoredMessage dead =
            lastMessage(*m_rig.client, QStringLiteral("OPD_DLQ"), kDlqSubject);
        QVERIFY2(dead.headers.contains("OpenOPD-DLQ-Reason: poison note bad"),
                 dead.headers.constData());
        QVERIFY(dead.headers.contains("OpenOPD-DLQ-Subject: opd.events.test.note_added"));
        QVERIFY(dead.headers.contains("OpenOPD-DLQ-Deliveries: 3"));
        QVERIFY(dead.data.contains("\"poison\""));
        // The good note went through; the poison one is settled (terminated), not pending.
        QTRY_COMPARE(counts().value(QStringLiteral("seen")).toInt(), 1);
        QTRY_COMPARE(jetStreamQuery(*m_rig.client, "CONSUMER.INFO.OPD_EVENTS.test-seen")
                         .value(QStringLiteral("num_ack_pending"))
                         .toInt(-1),
                     0);
        QTest::qWait(500);
        QCOMPARE(streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), kDlqSubject), 1);
    }

    // A backlog reaches the consumer in batches that share a transaction: a poison event in
    // the middle (its handler writes, then fails) is undone alone and dead-lettered; every
    // event around it is processed once.
    void backlogWithAPoisonEventInTheMiddle()
    {
        QVERIFY(m_rig.service->start()); // creates the streams and the durable consumer
        QCOMPARE(m_rig.service->terminate(), 0);
        constexpr int kGood = 60;
        int acked = 0;
        QObject context;
        for (int i = 0; i <= kGood; ++i) {
            const bool poison = i == kGood / 2;
            const QString id = poison ? QStringLiteral("bad") : QStringLiteral("b%1").arg(i);
            const QJsonObject note{{QStringLiteral("id"), id},
                                   {QStringLiteral("text"),
                                    poison ? QStringLiteral("poison") : QStringLiteral("hello")}};
            bus::publishDurable(
                *m_rig.client, kNoteAdded.toUtf8(),
                QJsonDocument(note).toJson(QJsonDocument::Compact), "note-" + id.toUtf8(), &context,
                [&acked](bus::Result<bus::PublishAck> ack) { acked += ack ? 1 : 0; });
        }
        QTRY_COMPARE(acked, kGood + 1);

        QVERIFY(m_rig.service->start());
        QTRY_COMPARE_WITH_TIMEOUT(
            streamCount(*m_rig.client, QStringLiteral("OPD_DLQ"), kDlqSubject), 1, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(counts().value(QStringLiteral("seen")).toInt(), kGood, 15000);
        QTRY_COMPARE(jetStreamQuery(*m_rig.client, "CONSUMER.INFO.OPD_EVENTS.test-seen")
                         .value(QStringLiteral("num_ack_pending"))
                         .toInt(-1),
                     0);
        const QJsonObject c = counts();
        QCOMPARE(c.value(QStringLiteral("seen_distinct")).toInt(),
                 kGood); // the poison's row undone
        const StoredMessage dead =
            lastMessage(*m_rig.client, QStringLiteral("OPD_DLQ"), kDlqSubject);
        QVERIFY2(dead.headers.contains("OpenOPD-DLQ-Reason: poison note bad"),
                 dead.headers.constData());
    }

    void sigtermFlushesTheOutbox()
    {
        QVERIFY(m_rig.service->start());
        constexpr int kNotes = 100;
        for (int i = 0; i < kNotes; ++i)
            QVERIFY(addNote(QStringLiteral("t%1").arg(i)));
        QCOMPARE(m_rig.service->terminate(), 0);
        QCOMPARE(stored(kNoteAdded), kNotes);
        QVERIFY(m_rig.service->log().contains(QStringLiteral("stopped with exit code 0")));
    }
};

QTEST_GUILESS_MAIN(TestHostDurability)

#include "test_host_durability.moc"
