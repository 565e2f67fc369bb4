// The outbox relay with outbox rows that commit out of order (two instances of a service on
// one PostgreSQL database: the row with sequence 10 commits after the row with 11), on a
// real nats-server; and the small pure helpers of the stream checks.

#include "bus/nats_library.h"
#include "host/event_streams.h"
#include "host/host_schema.h"
#include "host/migrations.h"
#include "host/outbox.h"
#include "host/outbox_reconcile.h"
#include "host/outbox_relay.h"
#include "service/jetstream_probe.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace openopd;
using namespace openopd::testing;
using host::Database;

namespace {
const QByteArray kSubject = "opd.events.test.note_added";
} // namespace

class TestHostOutboxOrder : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    QTemporaryDir m_dir;

    std::unique_ptr<Database> open(const QString& spec, const QString& instance)
    {
        auto db = Database::open(spec, m_dir.path(), QStringLiteral("test"), instance);
        if (!db) {
            qWarning().noquote() << db.error().toString();
            return nullptr;
        }
        return std::move(db).value();
    }

    static host::OutboxEvent event(const QString& id)
    {
        return {id, kSubject, QByteArrayLiteral("{}")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
    }

    // Two writers: A takes outbox sequence 1 and commits late, B takes 2 and commits at once.
    // The relay (a third connection, as a second instance's) publishes 2 first, then must
    // still find 1 once it commits, without anyone poking it.
    void rowCommittedBelowTheCursorIsPublished()
    {
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("outbox_order")),
                 qPrintable(m_postgres.errorString()));
        const QString spec = m_postgres.connectionUrl(QStringLiteral("outbox_order"));
        auto relayDb = open(spec, QStringLiteral("r"));
        auto writerA = open(spec, QStringLiteral("a"));
        auto writerB = open(spec, QStringLiteral("b"));
        QVERIFY(relayDb && writerA && writerB);
        host::Migrations migrations;
        host::addHostMigrations(migrations);
        QVERIFY(migrations.apply(*relayDb).ok());

        NatsServer nats;
        QVERIFY2(nats.start(), qPrintable(nats.errorString()));
        bus::ConnectionOptions options;
        options.servers = {nats.url()};
        bus::Connection bus(options);
        bus.open();
        QTRY_COMPARE(bus.state(), bus::Connection::State::Connected);
        std::optional<bus::BusError> ensured;
        QObject context;
        host::ensureOpdStreams(bus, {}, &context,
                               [&ensured](const bus::BusError& error) { ensured = error; });
        QTRY_VERIFY(ensured.has_value());
        QVERIFY2(!ensured->isError(), qPrintable(ensured->toString()));

        host::FaultPoints faults;
        host::OutboxRelay::Options relayOptions;
        relayOptions.pollInterval = std::chrono::milliseconds(200);
        auto relay = std::make_unique<host::OutboxRelay>(*relayDb, bus, faults, relayOptions);
        QStringList published;
        connect(relay.get(), &host::OutboxRelay::published, this,
                [&published](const QString& id) { published << id; });
        relay->start();

        QString error;
        QVERIFY2(writerA->beginGroup(&error), qPrintable(error));
        QCOMPARE(writerA->savepoint(
                     [&](QSqlDatabase&, QString* e) {
                         return host::enqueueEvent(*writerA, event(QStringLiteral("e-10")), e);
                     },
                     &error),
                 Database::Step::Kept);
        QVERIFY2(writerB->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         return host::enqueueEvent(*writerB, event(QStringLiteral("e-11")), e);
                     },
                     &error),
                 qPrintable(error));
        relay->poke();
        QTRY_COMPARE_WITH_TIMEOUT(published, QStringList{QStringLiteral("e-11")}, 10000);
        QTest::qWait(600); // a few polls pass the uncommitted row
        QCOMPARE(published.size(), 1);

        QVERIFY2(writerA->endGroup(true, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(published.size(), 2, 10000);
        QCOMPARE(published.last(), QStringLiteral("e-10"));
        QCOMPARE(streamCount(bus, QStringLiteral("OPD_EVENTS"), QString::fromUtf8(kSubject)), 2);
        qint64 unsent = -1;
        QTRY_VERIFY(host::countUnsent(*relayDb, &unsent, &error) && unsent == 0);
        // The relay stops here: it would republish the rows the check below marks unsent.
        relay.reset();

        // The check after a reconnect finds both events in the stream...
        host::OutboxReconciler reconciler(*relayDb, bus, {});
        std::optional<std::pair<int, bool>> outcome;
        connect(&reconciler, &host::OutboxReconciler::finished, this,
                [&outcome](int requeued, bool complete) {
                    outcome = {requeued, complete};
                });
        reconciler.run();
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(*outcome, std::make_pair(0, true));
        // ...and both lost once the stream is gone (recreated empty).
        QVERIFY(!jetStreamQuery(bus, "STREAM.DELETE.OPD_EVENTS").isEmpty());
        ensured.reset();
        host::ensureOpdStreams(bus, {}, &context,
                               [&ensured](const bus::BusError& e) { ensured = e; });
        QTRY_VERIFY(ensured.has_value());
        outcome.reset();
        reconciler.run();
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(*outcome, std::make_pair(2, true));
        QVERIFY(host::countUnsent(*relayDb, &unsent, &error));
        QCOMPARE(unsent, 2);
    }

    void msgIdIsReadFromHeaders()
    {
        QCOMPARE(host::msgIdFromHeaders("NATS/1.0\r\nNats-Msg-Id: note-1\r\nOther: x\r\n\r\n"),
                 QByteArray("note-1"));
        QCOMPARE(host::msgIdFromHeaders("NATS/1.0\r\nnats-msg-id:abc\r\n\r\n"), QByteArray("abc"));
        QCOMPARE(host::msgIdFromHeaders("NATS/1.0\r\nOther: x\r\n\r\n"), QByteArray());
    }

    void streamProblemsIgnoreOperatorLimits()
    {
        const QJsonObject wanted = host::eventsStreamConfig();
        QJsonObject actual = wanted;
        actual.insert(QStringLiteral("num_replicas"), 3);
        actual.insert(QStringLiteral("max_age"), 1);
        actual.insert(QStringLiteral("max_bytes"), 1024);
        actual.insert(QStringLiteral("subjects"), QJsonArray{QStringLiteral("opd.>")});
        QCOMPARE(host::streamConfigProblems(wanted, actual), QStringList());

        actual.insert(QStringLiteral("subjects"), QJsonArray{QStringLiteral("opd.events.test.>")});
        actual.insert(QStringLiteral("storage"), QStringLiteral("memory"));
        actual.insert(QStringLiteral("duplicate_window"), 1000);
        const QStringList problems = host::streamConfigProblems(wanted, actual);
        QCOMPARE(problems.size(), 3);
        QVERIFY(problems[0].contains(QStringLiteral("opd.events.>")));
        QVERIFY(problems[1].startsWith(QStringLiteral("storage is memory")));
        QVERIFY(problems[2].startsWith(QStringLiteral("duplicate_window")));
    }
};

QTEST_GUILESS_MAIN(TestHostOutboxOrder)

#include "test_host_outbox_order.moc"
