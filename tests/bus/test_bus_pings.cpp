// A link that dies without a word (no FIN, no RST: Wi-Fi gone, a switch unplugged) is
// noticed by PINGs that get no PONG: the connection leaves Connected for Reconnecting within
// pingInterval * (maxPingsOutstanding + 1), and comes back once the link does.

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

class TestBusPings : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        qRegisterMetaType<State>();
    }

    void defaultsNoticeADeadLinkWithinTwentySeconds()
    {
        const bus::ConnectionOptions options;
        QVERIFY(options.maxPingsOutstanding >= 2); // one lost PONG is no reason to reconnect
        QVERIFY(options.pingInterval * (options.maxPingsOutstanding + 1) <= 20s);
    }

    void silentLinkGoesReconnectingThenRecovers()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        TcpProxy proxy(server.port());
        QVERIFY(proxy.listen());
        auto options = optionsFor(proxy.url());
        options.pingInterval = 200ms;
        options.maxPingsOutstanding = 2;
        options.connectTimeout = 1s;
        auto connection = connectTo(options);
        QVERIFY(connection);
        QTest::qWait(1000);
        QCOMPARE(connection->state(), State::Connected); // PONGs come back: no false alarm

        QElapsedTimer timer;
        timer.start();
        proxy.setMode(TcpProxy::Mode::BlackHole);
        // At most 3 x 200 ms; the generous bound only absorbs a loaded machine.
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Reconnecting, 10000);
        qInfo() << "dead link noticed after" << timer.elapsed() << "ms";

        proxy.setMode(TcpProxy::Mode::Forward);
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), State::Connected, 10000);
    }

    void defaultPingsDoNotNoticeWithinTheTestWindow()
    {
        // The control: with the default 5 s interval the same black hole goes unnoticed for
        // (far) more than the 600 ms above, so the fast notice is the option's doing.
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        TcpProxy proxy(server.port());
        QVERIFY(proxy.listen());
        auto connection = connectTo(optionsFor(proxy.url()));
        QVERIFY(connection);
        proxy.setMode(TcpProxy::Mode::BlackHole);
        QTest::qWait(1500);
        QCOMPARE(connection->state(), State::Connected);
    }
};

QTEST_GUILESS_MAIN(TestBusPings)
#include "test_bus_pings.moc"
