// Request ids end to end, with the test service as a real process on a real nats-server, on
// SQLite and on PostgreSQL: a repeat is answered from the request log (same body, marked
// Openopd-Replayed) without acting; refusals and requests without an id are evaluated every
// time; a malformed id is refused. PostgreSQL only: two instances on one database receiving
// the same ids at once act once per id; and a COMMIT whose connection was terminated is
// answered "outcome unknown" (never "nothing was saved"), after which the repeat acts once.

#include "bus/nats_library.h"
#include "bus/request_id.h"
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

const QByteArray kAddNote = "test.svc.note.add";

QJsonObject note(const QString& id)
{
    return {{QStringLiteral("id"), id}, {QStringLiteral("text"), QStringLiteral("hello")}};
}

QJsonObject bodyOf(const bus::Message& message)
{
    return QJsonDocument::fromJson(message.data).object();
}

} // namespace

class TestHostIdempotency : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    int m_databases = 0;
    TestServiceRig m_rig;
    std::unique_ptr<ServiceProcess> m_second; // a second instance on the same database

    // Sends without waiting; the reply (or a transport error's empty message) lands in *out.
    void send(const QByteArray& subject, const QJsonObject& body, const QByteArray& requestId,
              std::optional<bus::Message>* out)
    {
        bus::RequestOptions options;
        options.timeout = std::chrono::seconds(10);
        if (!requestId.isNull())
            options.headers.append({bus::kRequestIdHeader, requestId});
        m_rig.client->request(subject, QJsonDocument(body).toJson(QJsonDocument::Compact), options,
                              this, [out](bus::Result<bus::Message> reply) {
                                  *out = reply.ok() ? reply.value() : bus::Message{};
                              });
    }
    bus::Message call(const QByteArray& subject, const QJsonObject& body,
                      const QByteArray& requestId = {})
    {
        std::optional<bus::Message> reply;
        send(subject, body, requestId, &reply);
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, 15000))
            return {};
        return *reply;
    }
    // Past the bridge, which refuses to send a malformed id itself.
    bus::Message rawCall(const QByteArray& subject, const QJsonObject& body,
                         const QByteArray& requestId)
    {
        const QByteArray inbox = m_rig.client->newInbox();
        std::optional<bus::Message> reply;
        QObject owner;
        m_rig.client->subscribe(inbox, &owner, [&reply](const bus::Message& m) { reply = m; });
        m_rig.client->publish(subject, QJsonDocument(body).toJson(QJsonDocument::Compact),
                              {{bus::kRequestIdHeader, requestId}}, inbox);
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, 10000))
            return {};
        return *reply;
    }
    int notes()
    {
        return callJson(*m_rig.client, "test.svc.counts", {})
            .value(QStringLiteral("notes"))
            .toInt(-1);
    }
    bool isPostgres()
    {
        QFETCH_GLOBAL(QString, backend);
        return backend == QStringLiteral("postgres");
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
        QString error;
        QVERIFY2(m_rig.start({}, isPostgres() ? &m_postgres : nullptr,
                             QStringLiteral("idempotency_%1").arg(++m_databases), &error),
                 qPrintable(error));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_second)
            qWarning().noquote() << "second service log:\n" << m_second->log();
        m_second.reset();
        m_rig.reset();
    }

    void repeatIsAnsweredFromTheLog()
    {
        QVERIFY(m_rig.service->start());
        const bus::Message first = call(kAddNote, note(QStringLiteral("n1")), "r-1");
        QCOMPARE(bodyOf(first).value(QStringLiteral("id")).toString(), QStringLiteral("n1"));
        QVERIFY(!first.hasHeader(bus::kReplayedHeader));

        const bus::Message again = call(kAddNote, note(QStringLiteral("n1")), "r-1");
        QCOMPARE(again.data, first.data);
        QCOMPARE(again.header(bus::kReplayedHeader), QByteArray("true"));
        // The id decides, not the body: the same id with another note is the same action.
        const bus::Message other = call(kAddNote, note(QStringLiteral("n2")), "r-1");
        QCOMPARE(other.data, first.data);
        QCOMPARE(notes(), 1);

        // A new id is a new action: evaluated, refused (the note exists), and not stored.
        const bus::Message refused = call(kAddNote, note(QStringLiteral("n1")), "r-2");
        QCOMPARE(refused.header(bus::kServiceErrorCodeHeader), QByteArray("409"));
        QVERIFY(!refused.hasHeader(bus::kReplayedHeader));
        QCOMPARE(call(kAddNote, note(QStringLiteral("n1")), "r-2").data, refused.data);

        // Still there after a restart (it is in the database, not in memory).
        QCOMPARE(m_rig.service->terminate(), 0);
        QVERIFY(m_rig.service->start());
        const bus::Message later = call(kAddNote, note(QStringLiteral("n1")), "r-1");
        QCOMPARE(later.data, first.data);
        QCOMPARE(later.header(bus::kReplayedHeader), QByteArray("true"));
        QCOMPARE(notes(), 1);
    }

    void refusalsAndRequestsWithoutIdAreEvaluatedEachTime()
    {
        QVERIFY(m_rig.service->start());
        for (int i = 0; i < 2; ++i) {
            const bus::Message failed = call("test.svc.fail", {}, "r-fail");
            QCOMPARE(failed.header(bus::kServiceErrorCodeHeader), QByteArray("409"));
            QVERIFY(!failed.hasHeader(bus::kReplayedHeader));
        }
        // Without an id a command acts every time, as before: the second add is refused.
        QVERIFY(
            !bodyOf(call(kAddNote, note(QStringLiteral("n1")))).contains(QStringLiteral("code")));
        QCOMPARE(call(kAddNote, note(QStringLiteral("n1"))).header(bus::kServiceErrorCodeHeader),
                 QByteArray("409"));

        const bus::Message malformed = rawCall(kAddNote, note(QStringLiteral("n2")), "bad id!");
        QCOMPARE(malformed.header(bus::kServiceErrorCodeHeader), QByteArray("400"));
        QCOMPARE(bodyOf(malformed).value(QStringLiteral("field")).toString(),
                 QString::fromLatin1(bus::kRequestIdHeader));
        QCOMPARE(rawCall(kAddNote, note(QStringLiteral("n3")), QByteArray(65, 'a'))
                     .header(bus::kServiceErrorCodeHeader),
                 QByteArray("400"));
        QCOMPARE(notes(), 1);
    }

    void twoInstancesActOncePerId()
    {
        if (!isPostgres())
            QSKIP("two instances share one database on PostgreSQL only");
        QVERIFY(m_rig.service->start({QStringLiteral("--instance"), QStringLiteral("one")}));
        m_second =
            std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_TEST_SERVICE), m_rig.arguments);
        QVERIFY(m_second->start({QStringLiteral("--instance"), QStringLiteral("two")}));
        constexpr int kPairs = 60;
        // Each id sent twice at once; the queue group spreads them over both instances. A 503
        // (a deadlock between the two groups, resolved by PostgreSQL) is repeated with the
        // same id, as the app does.
        std::vector<std::optional<bus::Message>> replies(2 * kPairs);
        for (int i = 0; i < kPairs; ++i)
            for (int copy = 0; copy < 2; ++copy)
                send(kAddNote, note(QStringLiteral("n%1").arg(i)), "p-" + QByteArray::number(i),
                     &replies[static_cast<size_t>(2 * i + copy)]);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::all_of(replies.begin(), replies.end(),
                                   [](const auto& r) { return r.has_value(); });
            },
            60000));
        int repeated = 0;
        for (int i = 0; i < 2 * kPairs; ++i) {
            auto& reply = replies[static_cast<size_t>(i)];
            for (int attempt = 0;
                 attempt < 5 && reply->header(bus::kServiceErrorCodeHeader) == QByteArray("503");
                 ++attempt, ++repeated)
                reply = call(kAddNote, note(QStringLiteral("n%1").arg(i / 2)),
                             "p-" + QByteArray::number(i / 2));
        }
        int bothInstances = 0;
        for (int i = 0; i < kPairs; ++i) {
            const bus::Message& a = *replies[static_cast<size_t>(2 * i)];
            const bus::Message& b = *replies[static_cast<size_t>(2 * i + 1)];
            QCOMPARE(bodyOf(a).value(QStringLiteral("id")).toString(),
                     QStringLiteral("n%1").arg(i));
            QCOMPARE(b.data, a.data);
            // Exactly one of the two acted; the other repeats its answer.
            QVERIFY(a.hasHeader(bus::kReplayedHeader) != b.hasHeader(bus::kReplayedHeader));
        }
        bothInstances =
            static_cast<int>(m_rig.service->log().count(QStringLiteral("claimed by another")) +
                             m_second->log().count(QStringLiteral("claimed by another")));
        qInfo() << "pairs" << kPairs << "| ids met on both instances at once:" << bothInstances
                << "| repeated after 503:" << repeated;
        QCOMPARE(notes(), kPairs);
    }

    void lostConnectionDuringCommitIsOutcomeUnknown()
    {
        if (!isPostgres())
            QSKIP("SQLite cannot lose a connection: its failed COMMIT is certain");
        QVERIFY(m_rig.service->start(
            {QStringLiteral("--fault-point"), QStringLiteral("db-lost-before-commit")}));
        const bus::Message unknown = call(kAddNote, note(QStringLiteral("n1")), "r-lost");
        QCOMPARE(unknown.header(bus::kServiceErrorCodeHeader), QByteArray("503"));
        QCOMPARE(bodyOf(unknown).value(QStringLiteral("outcome")).toString(),
                 QStringLiteral("unknown"));
        const QString message = bodyOf(unknown).value(QStringLiteral("error")).toString();
        QVERIFY2(message.contains(QStringLiteral("may have been saved")), qPrintable(message));
        QVERIFY2(!message.contains(QStringLiteral("Nothing was saved")), qPrintable(message));
        QVERIFY(m_rig.service->log().contains(QStringLiteral("reconnecting")));

        // The client repeats with the same id: here the COMMIT had not happened, so the
        // service acts now, once; a further repeat is answered from the log.
        const bus::Message repeated = call(kAddNote, note(QStringLiteral("n1")), "r-lost");
        QCOMPARE(bodyOf(repeated).value(QStringLiteral("id")).toString(), QStringLiteral("n1"));
        QVERIFY(!repeated.hasHeader(bus::kReplayedHeader));
        const bus::Message again = call(kAddNote, note(QStringLiteral("n1")), "r-lost");
        QCOMPARE(again.data, repeated.data);
        QCOMPARE(again.header(bus::kReplayedHeader), QByteArray("true"));
        QCOMPARE(notes(), 1);
    }
};

QTEST_GUILESS_MAIN(TestHostIdempotency)
#include "test_host_idempotency.moc"
