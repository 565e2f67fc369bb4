// What a client sees while its link to nats-server is down, with a TCP proxy the test
// controls between them: a request made meanwhile fails at once and is never delivered
// later; a link that goes silent (no FIN, no RST) is noticed by pings.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "tcp_proxy.h"
#include "test_contracts.h"

#include <QElapsedTimer>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using State = bus::Connection::State;
using namespace std::chrono_literals;

class TestBusOutage : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        qRegisterMetaType<State>();
    }

    void requestWhileDisconnectedFailsAndIsNeverSent()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto service = connectTo(server.url());
        QVERIFY(service);
        QObject owner;
        QStringList served;
        bus::serve(*service, kEcho, &owner,
                   [&served](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       served.append(request.text);
                       replier.reply(EchoReply{request.text});
                   });
        TcpProxy proxy(server.port());
        QVERIFY(proxy.listen());
        auto client = connectTo(proxy.url());
        QVERIFY(client);

        proxy.setMode(TcpProxy::Mode::Refuse); // the client's link is down, the service's is not
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Reconnecting, 10000);
        std::optional<bus::Result<EchoReply>> reply;
        bus::RequestOptions options;
        options.timeout = 1s;
        bus::request(
            *client, kEcho, EchoRequest{QStringLiteral("while-down"), 1}, this,
            [&](bus::Result<EchoReply> r) { reply = std::move(r); }, options);
        QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 5000);
        QVERIFY(!reply->ok());
        QCOMPARE(reply->error().kind, bus::BusError::Kind::NotConnected);

        proxy.setMode(TcpProxy::Mode::Forward);
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Connected, 10000);
        // A request after the reconnect goes through: the service is reachable ...
        std::optional<bus::Result<EchoReply>> after;
        bus::request(*client, kEcho, EchoRequest{QStringLiteral("after"), 1}, this,
                     [&](bus::Result<EchoReply> r) { after = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(after.has_value(), 6000);
        QVERIFY2(after->ok(), qPrintable(after->error().toString()));
        // ... and the one the client was told had failed never reached it.
        QTest::qWait(2000);
        QCOMPARE(served, QStringList{QStringLiteral("after")});
    }

    void requestWhileTheServerIsDownIsNeverSent()
    {
        // The same with nats-server itself stopped and started again on the same port: both
        // the client and the service reconnect, and the service never sees the request.
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto service = connectTo(server.url());
        auto client = connectTo(server.url());
        QVERIFY(service && client);
        QObject owner;
        QStringList served;
        bus::serve(*service, kEcho, &owner,
                   [&served](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       served.append(request.text);
                       replier.reply(EchoReply{request.text});
                   });
        server.stop();
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Reconnecting, 10000);
        std::optional<bus::Result<EchoReply>> reply;
        bus::request(*client, kEcho, EchoRequest{QStringLiteral("while-down"), 1}, this,
                     [&](bus::Result<EchoReply> r) { reply = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 5000);
        QCOMPARE(reply->error().kind, bus::BusError::Kind::NotConnected);

        QVERIFY2(server.restart(), qPrintable(server.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Connected, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(service->state(), State::Connected, 15000);
        QTest::qWait(3000);
        QVERIFY2(served.isEmpty(), qPrintable(served.join(u',')));
    }

    void plainPublishWhileDisconnectedIsRefused()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        TcpProxy proxy(server.port());
        QVERIFY(proxy.listen());
        auto client = connectTo(proxy.url());
        QVERIFY(client);
        proxy.setMode(TcpProxy::Mode::Refuse);
        QTRY_COMPARE_WITH_TIMEOUT(client->state(), State::Reconnecting, 10000);
        const bus::BusError error = client->publish("test.ticks", QByteArrayLiteral("{}"));
        QCOMPARE(error.kind, bus::BusError::Kind::NotConnected);
    }
};

QTEST_GUILESS_MAIN(TestBusOutage)
#include "test_bus_outage.moc"
