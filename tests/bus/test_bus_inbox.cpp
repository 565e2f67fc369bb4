// ConnectionOptions::inboxPrefix against a real nats-server whose users may read replies only
// under their own inbox prefix (as a signed-in staff session may read only _INBOX.<session>.>):
// requests, typed requests, newInbox(), JetStream API replies and a pull consumer all use the
// prefix; without it a request fails with PermissionDenied instead of timing out; an invalid
// prefix is refused at open() with a message naming the option.
#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "bus/pull_consumer.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>
#include <optional>

using namespace std::chrono_literals;
using namespace openopd;
using bus::BusError;
using bus::Connection;
using testing::EchoReply;
using testing::EchoRequest;
using testing::NatsServer;

namespace {

inline constexpr bus::Endpoint<EchoRequest, EchoReply> kSvcEcho{"svc.echo"};
const QByteArray kStream = QByteArrayLiteral("JOBS");
const QByteArray kDurable = QByteArrayLiteral("worker");

// One account (the global one): alice may read only _INBOX.s1.> and ask only svc.echo; bob may
// read only _INBOX.s2.> and use JetStream; service may do anything.
const QString kConfig = QStringLiteral(
    R"(authorization {
  users = [
    {user: "alice", password: "a", permissions: {
       publish: { allow: ["svc.echo"] },
       subscribe: { allow: ["_INBOX.s1.>"] } } },
    {user: "bob", password: "b", permissions: {
       publish: { allow: ["$JS.API.>", "$JS.ACK.>"] },
       subscribe: { allow: ["_INBOX.s2.>"] } } },
    {user: "service", password: "s"}
  ]
})");

bus::ConnectionOptions withUser(const QString& url, const QString& user, const QString& password,
                                const QByteArray& inboxPrefix = {})
{
    bus::ConnectionOptions options = testing::optionsFor(url);
    options.user = user;
    options.password = password;
    options.inboxPrefix = inboxPrefix;
    return options;
}

// Waits (event loop running) for one outcome of start(done).
template <class T> std::optional<T> await(const std::function<void(std::function<void(T)>)>& start)
{
    std::optional<T> result;
    start([&result](T value) { result = std::move(value); });
    const bool answered = QTest::qWaitFor([&result] { return result.has_value(); }, 15000);
    Q_UNUSED(answered); // an empty result says so
    return result;
}

bus::Result<EchoReply> typedEcho(Connection& connection, const QString& text,
                                 std::chrono::milliseconds timeout = 5s)
{
    QObject context;
    bus::RequestOptions options;
    options.timeout = timeout;
    const auto outcome = await<bus::Result<EchoReply>>([&](auto done) {
        bus::request(connection, kSvcEcho, EchoRequest{text, 1}, &context, done, options);
    });
    if (!outcome)
        return BusError::make(BusError::Kind::Timeout, QStringLiteral("test: never completed"));
    return *outcome;
}

bus::Result<bus::Message> rawEcho(Connection& connection, std::chrono::milliseconds timeout = 5s)
{
    bus::RequestOptions options;
    options.timeout = timeout;
    const auto outcome = await<bus::Result<bus::Message>>([&](auto done) {
        connection.request(kSvcEcho.subject, QByteArrayLiteral("{\"text\":\"raw\"}"), options,
                           nullptr, done);
    });
    if (!outcome)
        return BusError::make(BusError::Kind::Timeout, QStringLiteral("test: never completed"));
    return *outcome;
}

// "<prefix>.<one or more tokens>", no empty token.
bool isUnder(const QByteArray& subject, const QByteArray& prefix)
{
    if (!subject.startsWith(QByteArray(prefix + '.')))
        return false;
    const QByteArray rest = subject.mid(prefix.size() + 1);
    return !rest.isEmpty() && !rest.contains("..") && !rest.endsWith('.');
}

} // namespace

class TestBusInbox : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<NatsServer> m_server;
    std::unique_ptr<Connection> m_service;
    QObject m_owner;
    QList<QByteArray> m_echoReplySubjects; // the reply subject of every svc.echo request
    QList<std::pair<QByteArray, QByteArray>> m_apiRequests; // $JS.API.> subject and reply

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        m_library.emplace();
        if (NatsServer::executable().isEmpty())
            QSKIP("nats-server is not installed");
        m_server = std::make_unique<NatsServer>(kConfig);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));
        m_service = testing::connectTo(
            withUser(m_server->url(), QStringLiteral("service"), QStringLiteral("s")));
        QVERIFY(m_service);
        // A raw responder, so the test sees the reply subject each request carried.
        m_service->subscribe(kSvcEcho.subject, &m_owner, [this](const bus::Message& message) {
            m_echoReplySubjects.append(message.reply);
            if (!message.reply.isEmpty())
                m_service->publish(message.reply, QByteArrayLiteral("{\"text\":\"echo\"}"));
        });
        m_service->subscribe(QByteArrayLiteral("$JS.API.>"), &m_owner,
                             [this](const bus::Message& message) {
                                 m_apiRequests.append({message.subject, message.reply});
                             });
        // The service's own request round trip: both subscriptions are known to the server.
        const bus::Result<bus::Message> ready = rawEcho(*m_service);
        QVERIFY2(ready.ok(), qPrintable(ready.error().toString()));
        QVERIFY(isUnder(m_echoReplySubjects.last(), "_INBOX"));
    }

    void cleanupTestCase()
    {
        m_service.reset();
        m_server.reset();
    }

    void requestsUseTheInboxPrefix()
    {
        auto alice = testing::connectTo(
            withUser(m_server->url(), QStringLiteral("alice"), QStringLiteral("a"), "_INBOX.s1"));
        QVERIFY(alice);
        QSignalSpy errors(alice.get(), &Connection::errorOccurred);

        m_echoReplySubjects.clear();
        const bus::Result<bus::Message> raw = rawEcho(*alice);
        QVERIFY2(raw.ok(), qPrintable(raw.error().toString()));
        QCOMPARE(raw->data, QByteArray("{\"text\":\"echo\"}"));

        const bus::Result<EchoReply> typed = typedEcho(*alice, QStringLiteral("hi"));
        QVERIFY2(typed.ok(), qPrintable(typed.error().toString()));
        QCOMPARE(typed->text, QStringLiteral("echo"));

        QCOMPARE(m_echoReplySubjects.size(), 2);
        for (const QByteArray& reply : std::as_const(m_echoReplySubjects))
            QVERIFY2(isUnder(reply, "_INBOX.s1"), reply.constData());
        QCOMPARE(errors.count(), 0);
        QCOMPARE(alice->state(), Connection::State::Connected);
    }

    void newInboxUsesThePrefixAndIsReadable()
    {
        auto alice = testing::connectTo(
            withUser(m_server->url(), QStringLiteral("alice"), QStringLiteral("a"), "_INBOX.s1"));
        QVERIFY(alice);
        const QByteArray first = alice->newInbox();
        const QByteArray second = alice->newInbox();
        QVERIFY2(isUnder(first, "_INBOX.s1"), first.constData());
        QVERIFY2(isUnder(second, "_INBOX.s1"), second.constData());
        QCOMPARE(first.count('.'), 2); // _INBOX.s1.<nuid>
        QVERIFY(first != second);

        // The restricted user can subscribe to it and receive on it.
        QList<QByteArray> received;
        QObject owner;
        bus::Subscription* subscription =
            alice->subscribe(first, &owner, [&received](const bus::Message& message) {
                received.append(message.data);
            });
        QSignalSpy failed(subscription, &bus::Subscription::failed);
        QVERIFY(QTest::qWaitFor(
            [&] {
                m_service->publish(first, QByteArrayLiteral("ping"));
                return !received.isEmpty();
            },
            5000));
        QCOMPARE(received.first(), QByteArray("ping"));
        QCOMPARE(failed.count(), 0);

        // Without a prefix, inboxes are the usual _INBOX.<nuid>.
        QVERIFY(isUnder(m_service->newInbox(), "_INBOX"));
        QCOMPARE(m_service->newInbox().count('.'), 1);
    }

    // The server refuses the inbox subscription: requests fail with PermissionDenied at once,
    // both one already waiting when the refusal arrives and one sent after it.
    void withoutThePrefixRequestsFailWithPermissionDenied()
    {
        Connection alice(withUser(m_server->url(), QStringLiteral("alice"), QStringLiteral("a")));
        QSignalSpy errors(&alice, &Connection::errorOccurred);
        std::optional<bus::Result<bus::Message>> pending;
        QElapsedTimer timer;
        // Sent the moment the connection is up: the inbox SUB has just gone out, and the
        // server's refusal cannot have been handled yet.
        QObject::connect(&alice, &Connection::stateChanged, &m_owner, [&](Connection::State state) {
            if (state != Connection::State::Connected || pending || timer.isValid())
                return;
            timer.start();
            bus::RequestOptions options;
            options.timeout = 20s;
            alice.request(
                kSvcEcho.subject, QByteArrayLiteral("{}"), options, nullptr,
                [&pending](bus::Result<bus::Message> reply) { pending = std::move(reply); });
        });
        alice.open();
        QVERIFY(QTest::qWaitFor([&] { return pending.has_value(); }, 25000));
        qInfo().noquote() << "pending request failed after" << timer.elapsed()
                          << "ms:" << pending->error().toString();
        QVERIFY(!pending->ok());
        QCOMPARE(pending->error().kind, BusError::Kind::PermissionDenied);
        QCOMPARE(pending->error().subject, kSvcEcho.subject);
        QVERIFY2(pending->error().message.contains(QStringLiteral("inboxPrefix")),
                 qPrintable(pending->error().message));
        QVERIFY2(timer.elapsed() < 5000, "the request waited for its timeout");

        // The connection reported the refused subscription and stays up.
        QVERIFY(!errors.isEmpty());
        QCOMPARE(alice.lastError().kind, BusError::Kind::PermissionDenied);
        QVERIFY(alice.lastError().subject.startsWith("_INBOX."));
        QCOMPARE(alice.state(), Connection::State::Connected);

        // Later requests, typed ones too, fail at once with the same error.
        QElapsedTimer later;
        later.start();
        const bus::Result<EchoReply> typed = typedEcho(alice, QStringLiteral("x"), 20s);
        QVERIFY(!typed.ok());
        QCOMPARE(typed.error().kind, BusError::Kind::PermissionDenied);
        QCOMPARE(typed.error().subject, kSvcEcho.subject);
        QVERIFY2(later.elapsed() < 2000, "the request waited for its timeout");
    }

    void jetStreamApiAndPullConsumerUseThePrefix()
    {
        // The service makes the stream and the consumer; bob (restricted) reads through them.
        const QJsonObject stream{{QStringLiteral("name"), QString::fromUtf8(kStream)},
                                 {QStringLiteral("subjects"), QJsonArray{QStringLiteral("jobs.>")}},
                                 {QStringLiteral("storage"), QStringLiteral("memory")}};
        const auto created = await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::ensureStream(*m_service, stream, &m_owner, done); });
        QVERIFY(created);
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QJsonObject consumer{{QStringLiteral("durable_name"), QString::fromUtf8(kDurable)},
                                   {QStringLiteral("ack_policy"), QStringLiteral("explicit")}};
        const auto made = await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::ensureConsumer(*m_service, kStream, consumer, &m_owner, done); });
        QVERIFY(made);
        QVERIFY2(made->ok(), qPrintable(made->error().toString()));
        const auto ack = await<bus::Result<bus::PublishAck>>([&](auto done) {
            bus::publishDurable(*m_service, QByteArrayLiteral("jobs.one"), QByteArrayLiteral("{}"),
                                QByteArrayLiteral("job-1"), &m_owner, done);
        });
        QVERIFY(ack);
        QVERIFY2(ack->ok(), qPrintable(ack->error().toString()));

        auto bob = testing::connectTo(
            withUser(m_server->url(), QStringLiteral("bob"), QStringLiteral("b"), "_INBOX.s2"));
        QVERIFY(bob);
        QSignalSpy errors(bob.get(), &Connection::errorOccurred);
        m_apiRequests.clear();

        // A JetStream API request: its reply comes to the prefixed inbox.
        const auto info = await<bus::Result<QJsonObject>>([&](auto done) {
            bus::jetStreamApi(*bob, QByteArrayLiteral("STREAM.INFO.") + kStream, {}, &m_owner,
                              done);
        });
        QVERIFY(info);
        QVERIFY2(info->ok(), qPrintable(info->error().toString()));
        QCOMPARE(info->value()
                     .value(QStringLiteral("config"))
                     .toObject()
                     .value(QStringLiteral("name"))
                     .toString(),
                 QString::fromUtf8(kStream));

        // A pull consumer: its pull requests name a prefixed inbox, deliveries arrive there.
        QList<bus::JsMessage> received;
        bus::PullConsumerOptions options;
        options.stream = kStream;
        options.durable = kDurable;
        options.expires = 2s;
        bus::PullConsumer pull(*bob, options, [&received](bus::JsMessage message) {
            received.append(std::move(message));
        });
        pull.start();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.first().message.subject, QByteArray("jobs.one"));
        received.first().ack();
        QTRY_COMPARE_WITH_TIMEOUT(pull.inFlight(), 0, 5000);

        bool sawStreamInfo = false;
        bool sawPull = false;
        for (const auto& [subject, reply] : std::as_const(m_apiRequests)) {
            if (subject == QByteArrayLiteral("$JS.API.STREAM.INFO.") + kStream) {
                sawStreamInfo = true;
                QVERIFY2(isUnder(reply, "_INBOX.s2"), reply.constData());
            }
            if (subject.startsWith("$JS.API.CONSUMER.MSG.NEXT.")) {
                sawPull = true;
                QVERIFY2(isUnder(reply, "_INBOX.s2"), reply.constData());
            }
        }
        QVERIFY(sawStreamInfo);
        QVERIFY(sawPull);

        // The ack reached the server: nothing is waiting for an ack any more.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const auto consumerInfo = await<bus::Result<QJsonObject>>([&](auto done) {
                    bus::jetStreamApi(
                        *m_service, QByteArrayLiteral("CONSUMER.INFO.") + kStream + '.' + kDurable,
                        {}, &m_owner, done);
                });
                return consumerInfo && consumerInfo->ok() &&
                       consumerInfo->value().value(QStringLiteral("num_ack_pending")).toInt(-1) ==
                           0;
            },
            5000));
        pull.stop();
        for (const QList<QVariant>& arguments : std::as_const(errors))
            QFAIL(qPrintable(arguments.at(0).value<BusError>().toString()));
    }

    void invalidPrefixIsRefusedAtOpen_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("space") << QByteArray("_INBOX s1");
        QTest::newRow("tab") << QByteArray("_INBOX.\ts1");
        QTest::newRow("star") << QByteArray("_INBOX.*");
        QTest::newRow("gt") << QByteArray("_INBOX.>");
        QTest::newRow("star inside") << QByteArray("_INBOX.a*b");
        QTest::newRow("empty token") << QByteArray("_INBOX..s1");
        QTest::newRow("leading dot") << QByteArray(".s1");
        QTest::newRow("trailing dot") << QByteArray("_INBOX.s1.");
        QTest::newRow("only a dot") << QByteArray(".");
    }

    void invalidPrefixIsRefusedAtOpen()
    {
        QFETCH(QByteArray, prefix);
        // No server is needed: the option is checked before connecting.
        bus::ConnectionOptions options = testing::optionsFor(testing::findFreeTcpPortUrl());
        options.inboxPrefix = prefix;
        Connection connection(options);
        QCOMPARE(connection.newInbox(), QByteArray());
        QSignalSpy errors(&connection, &Connection::errorOccurred);
        connection.open();
        QCOMPARE(connection.state(), Connection::State::Closed);
        QCOMPARE(errors.count(), 1);
        const BusError error = connection.lastError();
        qInfo().noquote() << "refused:" << error.toString();
        QCOMPARE(error.kind, BusError::Kind::ConfigurationError);
        QVERIFY2(error.message.contains(QStringLiteral("inboxPrefix")), qPrintable(error.message));

        // A request on it fails (no crash, no hang) with the same explanation.
        const bus::Result<bus::Message> reply = rawEcho(connection);
        QVERIFY(!reply.ok());
        QVERIFY2(reply.error().message.contains(QStringLiteral("inboxPrefix")),
                 qPrintable(reply.error().toString()));
    }

    void validPrefixesAreAccepted_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        QTest::newRow("one token") << QByteArray("replies");
        QTest::newRow("session") << QByteArray("_INBOX.0f3a-77c2_b");
        QTest::newRow("three tokens") << QByteArray("a.b.c");
    }

    void validPrefixesAreAccepted()
    {
        QFETCH(QByteArray, prefix);
        bus::ConnectionOptions options = testing::optionsFor(m_server->url());
        options.user = QStringLiteral("service");
        options.password = QStringLiteral("s");
        options.inboxPrefix = prefix;
        auto connection = testing::connectTo(options);
        QVERIFY(connection);
        QVERIFY(isUnder(connection->newInbox(), prefix));
        m_echoReplySubjects.clear();
        const bus::Result<bus::Message> reply = rawEcho(*connection);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QVERIFY(isUnder(m_echoReplySubjects.value(0), prefix));
    }
};

QTEST_GUILESS_MAIN(TestBusInbox)
#include "test_bus_inbox.moc"
