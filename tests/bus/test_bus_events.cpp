// Events through the bridge against a real nats-server: typed subscribe and publish, a
// signal routed to a subject, unsubscription, and a 100,000-message flood.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <nats/nats.h>
#include <thread>

using namespace openopd;
using namespace openopd::testing;

class TickEmitter : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void ticked(const openopd::testing::Tick& tick);
};

class TickCollector : public QObject
{
    Q_OBJECT
public:
    QList<qint64> seen;
public Q_SLOTS:
    void onTick(const openopd::testing::Tick& tick) { seen.append(tick.sequence); }
};

// Publishes count raw ticks from a plain thread (an external flood, not our event loop).
static void floodFromThread(const QString& url, int count)
{
    natsConnection* nc = nullptr;
    if (natsConnection_ConnectTo(&nc, url.toUtf8().constData()) != NATS_OK)
        return;
    for (int i = 0; i < count; ++i) {
        const QByteArray payload = "{\"seq\":" + QByteArray::number(i) + '}';
        natsConnection_Publish(nc, "test.ticks", payload.constData(),
                               static_cast<int>(payload.size()));
    }
    natsConnection_FlushTimeout(nc, 10000);
    natsConnection_Destroy(nc);
    nats_ReleaseThreadMemory();
}

class TestBusEvents : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_publisher;
    std::unique_ptr<bus::Connection> m_subscriber;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_publisher = connectTo(m_server.url());
        m_subscriber = connectTo(m_server.url());
        QVERIFY(m_publisher && m_subscriber);
    }

    void eventReachesSlotOnItsThread()
    {
        TickCollector collector;
        bus::subscribe(*m_subscriber, kTicks, &collector, &TickCollector::onTick);
        QTest::qWait(100);
        for (qint64 i = 1; i <= 3; ++i)
            QVERIFY(!bus::publish(*m_publisher, kTicks, Tick{i}).isError());
        QTRY_COMPARE(collector.seen, (QList<qint64>{1, 2, 3}));
    }

    void eventReachesReceiverOnAnotherThread()
    {
        QThread worker;
        worker.start();
        auto stop = qScopeGuard([&worker] {
            worker.quit();
            worker.wait();
        });
        QObject receiver;
        receiver.moveToThread(&worker);
        std::atomic<QThread*> thread{nullptr};
        bus::subscribe(*m_subscriber, kTicks, &receiver,
                       [&thread](const Tick&) { thread = QThread::currentThread(); });
        QTest::qWait(100);
        bus::publish(*m_publisher, kTicks, Tick{1});
        QTRY_VERIFY(thread.load() != nullptr);
        QCOMPARE(thread.load(), &worker);
    }

    // A receiver busy for long (a service's slow batch of events) takes what has arrived
    // without returning to the event loop; inside a drain it gets nothing re-entrantly.
    void deliverArrivedHandsOverWithoutTheEventLoop()
    {
        QObject owner;
        QList<QByteArray> seen;
        int depth = 0;
        bool reentered = false;
        bus::Subscription* subscription = nullptr;
        bus::SubscriptionOptions options;
        options.batchSize = 1; // a drain leaves the rest in the mailbox
        subscription = m_subscriber->subscribe(
            "test.arrived", &owner,
            [&](const bus::Message& message) {
                reentered = reentered || depth > 0;
                ++depth;
                if (message.data == "0")
                    subscription->deliverArrived(); // inside a drain: must do nothing
                seen.append(message.data);
                --depth;
            },
            options);
        QTest::qWait(100);
        for (int i = 0; i < 3; ++i)
            m_publisher->publish("test.arrived", QByteArray::number(i));
        // No event loop: wait on this thread until nats.c's thread has queued all three.
        for (int waited = 0; subscription->peakQueued() < 3 && waited < 5000; waited += 10)
            QThread::msleep(10);
        QCOMPARE(subscription->peakQueued(), 3);
        QVERIFY(seen.isEmpty());
        subscription->deliverArrived();
        QCOMPARE(seen, (QList<QByteArray>{"0", "1", "2"}));
        QVERIFY(!reentered);

        // The same from inside a drain: message 0's handler asks, 1 and 2 follow in order.
        seen.clear();
        for (int i = 0; i < 3; ++i)
            m_publisher->publish("test.arrived", QByteArray::number(i));
        QTRY_COMPARE(seen, (QList<QByteArray>{"0", "1", "2"}));
        QVERIFY(!reentered);
    }

    void signalIsRoutedToSubject()
    {
        TickCollector collector;
        bus::subscribe(*m_subscriber, kTicks, &collector, &TickCollector::onTick);
        QTest::qWait(100);
        TickEmitter emitter;
        bus::route(*m_publisher, &emitter, &TickEmitter::ticked, kTicks);
        Q_EMIT emitter.ticked(Tick{41});
        Q_EMIT emitter.ticked(Tick{42});
        QTRY_COMPARE(collector.seen, (QList<qint64>{41, 42}));
    }

    void invalidEventIsSkippedNotDelivered()
    {
        TickCollector collector;
        bus::subscribe(*m_subscriber, kTicks, &collector, &TickCollector::onTick);
        QTest::qWait(100);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("dropped invalid event.*seq")));
        m_publisher->publish("test.ticks", QByteArrayLiteral(R"({"seq":"seven"})"));
        bus::publish(*m_publisher, kTicks, Tick{8});
        QTRY_COMPARE(collector.seen, (QList<qint64>{8}));
    }

    void destroyingTheOwnerUnsubscribes()
    {
        QObject service;
        bus::serve(*m_subscriber, kEcho, &service,
                   [](const EchoRequest& r, bus::Replier<EchoReply> replier) {
                       replier.reply(EchoReply{r.text});
                   });
        int ticks = 0;
        auto window = std::make_unique<QObject>();
        bus::subscribe(*m_subscriber, kTicks, window.get(), [&ticks](const Tick&) { ++ticks; });
        QTest::qWait(100);
        window.reset();
        bus::publish(*m_publisher, kTicks, Tick{1});
        QTest::qWait(200);
        QCOMPARE(ticks, 0);

        // The server forgot the interest too: with the service gone, nobody responds.
        std::optional<bus::Result<EchoReply>> reply;
        auto call = [&] {
            reply.reset();
            bus::request(*m_publisher, kEcho, EchoRequest{QStringLiteral("x"), 1}, this,
                         [&](bus::Result<EchoReply> r) { reply = std::move(r); });
            QTRY_VERIFY(reply.has_value());
        };
        call();
        QVERIFY(reply->ok());
        QMetaObject::invokeMethod(&service, [&service] { delete service.children().value(0); });
        QTest::qWait(200);
        call();
        QCOMPARE(reply->error().kind, bus::BusError::Kind::NoResponders);
    }

    void floodIsBoundedAndLoopStaysResponsive()
    {
        constexpr int kFlood = 100000;
        constexpr qsizetype kCapacity = 1000;
        qint64 last = -1;
        bool ordered = true;
        bus::SubscriptionOptions options;
        options.capacity = kCapacity;
        // Responsiveness, measured in event-loop structure rather than wall time (a loaded
        // CI machine stretches time, not structure): a call queued while events are being
        // delivered must run before more than two delivery batches have gone by.
        quint64 deliveredCount = 0;
        quint64 worstProbeLag = 0;
        int probesRun = 0;
        QObject window;
        auto* subscription = bus::subscribe(
            *m_subscriber, kTicks, &window,
            [&](const Tick& tick) {
                ordered = ordered && tick.sequence > last;
                last = tick.sequence;
                if (++deliveredCount % 500 == 0) {
                    const quint64 postedAt = deliveredCount;
                    QMetaObject::invokeMethod(
                        &window,
                        [&, postedAt] {
                            worstProbeLag = qMax(worstProbeLag, deliveredCount - postedAt);
                            ++probesRun;
                        },
                        Qt::QueuedConnection);
                }
                QElapsedTimer work; // a view update that costs ~20 µs per event
                work.start();
                while (work.nsecsElapsed() < 20000) {
                }
            },
            options);
        QTest::qWait(100);

        QElapsedTimer floodTime;
        floodTime.start();
        std::thread flood(floodFromThread, m_server.url(), kFlood);
        auto join = qScopeGuard([&flood] { flood.join(); });
        QTRY_VERIFY_WITH_TIMEOUT(
            subscription->delivered() + subscription->dropped() >= quint64{kFlood}, 60000);
        QTest::qWait(50); // let the last probes run

        qInfo("flood: delivered %llu, dropped %llu, peak queued %lld, worst probe lag %llu "
              "events, %d probes, %lld ms",
              static_cast<unsigned long long>(subscription->delivered()),
              static_cast<unsigned long long>(subscription->dropped()),
              static_cast<long long>(subscription->peakQueued()),
              static_cast<unsigned long long>(worstProbeLag), probesRun,
              static_cast<long long>(floodTime.elapsed()));
        QCOMPARE(subscription->delivered() + subscription->dropped(), quint64{kFlood});
        QVERIFY2(subscription->peakQueued() <= kCapacity, "the bound was exceeded");
        QVERIFY2(subscription->dropped() > 0, "the flood should have exceeded the bound");
        QVERIFY(ordered);
        QVERIFY(probesRun > 0);
        QVERIFY2(worstProbeLag <= quint64(2 * options.batchSize),
                 "queued work waited behind more than two delivery batches");
    }

    void cleanupTestCase()
    {
        m_subscriber.reset();
        m_publisher.reset();
    }
};

QTEST_GUILESS_MAIN(TestBusEvents)
#include "test_bus_events.moc"
