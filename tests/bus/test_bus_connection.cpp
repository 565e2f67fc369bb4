// Connection life cycle against a real nats-server: state property, a server that dies
// and comes back on the same port, a server that is not there yet.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QSignalSpy>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using State = bus::Connection::State;

class TestBusConnection : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        qRegisterMetaType<State>();
    }

    void stateGoesConnectingThenConnected()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        bus::Connection connection(optionsFor(server.url()));
        QSignalSpy states(&connection, &bus::Connection::stateChanged);
        QCOMPARE(connection.state(), State::Disconnected);
        connection.open();
        QCOMPARE(connection.state(), State::Connecting); // open() returned without blocking
        QTRY_COMPARE(connection.state(), State::Connected);
        QCOMPARE(states.count(), 2);
        QCOMPARE(states.at(1).at(0).value<State>(), State::Connected);
        QVERIFY(connection.connectedUrl().contains(QString::number(server.port())));
        // The property system sees it too (what a window binds to).
        QCOMPARE(connection.property("state").value<State>(), State::Connected);
        connection.close();
        QCOMPARE(connection.state(), State::Closed);
    }

    void serverRestartReconnectsAndSubscriptionsResume()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto service = connectTo(server.url());
        auto client = connectTo(server.url());
        QVERIFY(service && client);
        QObject owner;
        bus::serve(*service, kEcho, &owner,
                   [](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       replier.reply(EchoReply{request.text});
                   });
        QList<qint64> ticks;
        bus::subscribe(*client, kTicks, &owner, [&](const Tick& t) { ticks.append(t.sequence); });
        QTest::qWait(100);

        QList<State> seen;
        connect(client.get(), &bus::Connection::stateChanged, this,
                [&seen](State s) { seen.append(s); });
        server.kill();
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Reconnecting, 5000);
        QVERIFY2(server.restart(), qPrintable(server.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Connected, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(service->state(), State::Connected, 10000);
        QCOMPARE(seen, (QList<State>{State::Reconnecting, State::Connected}));

        // Both the service's queue subscription and the client's event subscription resume.
        std::optional<bus::Result<EchoReply>> reply;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                reply.reset();
                bus::request(*client, kEcho, EchoRequest{QStringLiteral("again"), 1}, this,
                             [&](bus::Result<EchoReply> r) { reply = std::move(r); });
                return QTest::qWaitFor([&] { return reply.has_value(); }, 6000) && reply->ok();
            }(),
            15000);
        QCOMPARE(reply->value().text, QStringLiteral("again"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                bus::publish(*service, kTicks, Tick{7});
                return QTest::qWaitFor([&] { return ticks.contains(7); }, 500);
            }(),
            10000);
    }

    void connectsOnceTheServerAppears()
    {
        // The clinic PC starts the app before nats-server is up: keep trying, don't block.
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        server.kill();
        bus::Connection connection(optionsFor(server.url()));
        connection.open();
        QTest::qWait(500);
        QCOMPARE(connection.state(), State::Connecting);
        QVERIFY2(server.restart(), qPrintable(server.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Connected, 10000);
    }

    void givesUpWhenToldToAndSaysWhy()
    {
        auto options = optionsFor(findFreeTcpPortUrl());
        options.retryOnFailedConnect = false;
        bus::Connection connection(options);
        QSignalSpy errors(&connection, &bus::Connection::errorOccurred);
        connection.open();
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), State::Closed, 10000);
        QVERIFY(errors.count() >= 1);
        const auto error = errors.at(0).at(0).value<bus::BusError>();
        QCOMPARE(error.kind, bus::BusError::Kind::NotConnected);
        QVERIFY2(error.message.contains(QStringLiteral("127.0.0.1")), qPrintable(error.message));
    }

    void badOptionsAreReportedNotCrashed()
    {
        auto options = optionsFor(QStringLiteral("nats://127.0.0.1:4222"));
        options.tls.caFile = QStringLiteral("/nonexistent/ca.pem");
        bus::Connection connection(options);
        QSignalSpy errors(&connection, &bus::Connection::errorOccurred);
        connection.open();
        QCOMPARE(connection.state(), State::Closed);
        QCOMPARE(errors.count(), 1);
        QVERIFY(connection.lastError().message.contains(QStringLiteral("/nonexistent/ca.pem")));
    }

    void reopenAfterCloseResubscribes()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto publisher = connectTo(server.url());
        bus::Connection connection(optionsFor(server.url()));
        QObject owner;
        QList<qint64> ticks;
        bus::subscribe(connection, kTicks, &owner,
                       [&](const Tick& t) { ticks.append(t.sequence); });
        connection.open();
        QTRY_COMPARE(connection.state(), State::Connected);
        connection.close();
        QCOMPARE(connection.state(), State::Closed);
        QCOMPARE(connection.lastError().kind, bus::BusError::Kind::None); // closing is no error
        connection.open();
        QTRY_COMPARE(connection.state(), State::Connected);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                bus::publish(*publisher, kTicks, Tick{5});
                return QTest::qWaitFor([&] { return ticks.contains(5); }, 300);
            }(),
            5000);
    }

    void destroyWhileConnectingIsSafe()
    {
        for (int i = 0; i < 5; ++i) {
            bus::Connection connection(optionsFor(findFreeTcpPortUrl()));
            connection.open();
        }
    }
};

QTEST_GUILESS_MAIN(TestBusConnection)
#include "test_bus_connection.moc"
