// Connection life cycle edge cases against a real nats-server: close() and open() back to
// back, close() while still connecting, and an owner thread that never waits for nats.c
// (close and destruction return at once even when the server does not answer).

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "tcp_proxy.h"
#include "test_contracts.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using State = bus::Connection::State;

namespace {
// Far above a non-blocking call on a loaded 2-core CI machine, far below what waiting for
// nats.c costs (a connect timeout of 2 s, the 5 s wait for the closed callback).
constexpr qint64 kFastMs = 500;
} // namespace

class TestBusLifecycle : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;

    // True when a request/reply round trip works on connection (the server sees it).
    static bool echoWorks(bus::Connection& connection)
    {
        std::optional<bus::Result<EchoReply>> reply;
        QObject context;
        bus::request(connection, kEcho, EchoRequest{QStringLiteral("x"), 1}, &context,
                     [&](bus::Result<EchoReply> r) { reply = std::move(r); });
        return QTest::qWaitFor([&] { return reply.has_value(); }, 6000) && reply->ok();
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        qRegisterMetaType<State>();
    }

    void closeThenOpenEndsConnected()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        auto service = connectTo(server.url());
        QVERIFY(service);
        QObject owner;
        bus::serve(*service, kEcho, &owner,
                   [](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       replier.reply(EchoReply{request.text});
                   });
        auto connection = connectTo(server.url());
        QVERIFY(connection);
        QList<State> seen;
        connect(connection.get(), &bus::Connection::stateChanged, this,
                [&seen](State s) { seen.append(s); });
        for (int round = 0; round < 10; ++round) {
            seen.clear();
            connection->close();
            connection->open();
            QTRY_COMPARE(connection->state(), State::Connected);
        }
        // The old connections' closed callbacks arrive late: they must change nothing.
        QTest::qWait(500);
        QCOMPARE(connection->state(), State::Connected);
        QCOMPARE(seen, (QList<State>{State::Closed, State::Connecting, State::Connected}));
        QVERIFY(echoWorks(*connection));
    }

    void closeWhileConnectingCancels()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        bus::Connection connection(optionsFor(server.url()));
        QSignalSpy states(&connection, &bus::Connection::stateChanged);
        connection.open();
        QCOMPARE(connection.state(), State::Connecting);
        connection.close();
        QCOMPARE(connection.state(), State::Closed);
        // The connect attempt finishes meanwhile (the server is there): its result is closed.
        QTest::qWait(1000);
        QCOMPARE(connection.state(), State::Closed);
        QCOMPARE(states.count(), 2); // Connecting, Closed
        QCOMPARE(connection.lastError().kind, bus::BusError::Kind::None);
        // And it can be opened again.
        connection.open();
        QTRY_COMPARE(connection.state(), State::Connected);
    }

    void destroyWhileConnectingToADeadServerReturnsAtOnce()
    {
        // A server that accepts TCP (the kernel's backlog) and never says a word: nats.c waits
        // the whole connect timeout for its INFO.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        auto options = optionsFor(QStringLiteral("nats://127.0.0.1:%1").arg(silent.serverPort()));
        options.connectTimeout = std::chrono::milliseconds(3000);
        auto connection = std::make_unique<bus::Connection>(options);
        connection->open();
        QTest::qWait(200); // the connect thread is inside natsConnection_Connect now
        QElapsedTimer timer;
        timer.start();
        connection.reset();
        const qint64 elapsed = timer.elapsed();
        qInfo() << "destroyed while connecting in" << elapsed << "ms";
        QVERIFY2(elapsed < kFastMs, qPrintable(QString::number(elapsed)));
    }

    void closeAndDestroyWhileTheLinkIsDeadReturnAtOnce()
    {
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        TcpProxy proxy(server.port());
        QVERIFY(proxy.listen());
        auto options = optionsFor(proxy.url());
        options.connectTimeout = std::chrono::milliseconds(3000);
        auto connection = connectTo(options);
        QVERIFY(connection);
        QObject owner;
        bus::subscribe(*connection, kTicks, &owner, [](const Tick&) {});
        proxy.setMode(TcpProxy::Mode::BlackHole);
        for (int i = 0; i < 100; ++i) // fills socket buffers nobody reads any more
            connection->publish("test.ticks", QByteArray(1000, 'x'));
        QElapsedTimer timer;
        timer.start();
        connection->close();
        const qint64 closeMs = timer.elapsed();
        QCOMPARE(connection->state(), State::Closed);
        connection->open(); // reconnects to a server that does not answer: Connecting
        QTest::qWait(200);
        timer.restart();
        connection.reset();
        const qint64 destroyMs = timer.elapsed();
        qInfo() << "close" << closeMs << "ms, destroy" << destroyMs << "ms";
        QVERIFY2(closeMs < kFastMs, qPrintable(QString::number(closeMs)));
        QVERIFY2(destroyMs < kFastMs, qPrintable(QString::number(destroyMs)));
    }

    void manyConnectionsComeAndGoWithoutLeaks()
    {
        // Each torn-down connection is finished by a background thread; NatsLibrary waits for
        // them at exit. Under ASan/TSan this shows nats.c never calls into freed memory.
        NatsServer server;
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        for (int i = 0; i < 10; ++i) {
            bus::Connection connection(optionsFor(server.url()));
            connection.open();
            if (i % 2 == 0)
                QTRY_COMPARE(connection.state(), State::Connected);
            if (i % 3 == 0)
                connection.close();
        }
    }
};

QTEST_GUILESS_MAIN(TestBusLifecycle)
#include "test_bus_lifecycle.moc"
