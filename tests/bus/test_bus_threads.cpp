// Events to a receiver on another thread go through the subscription's bounded mailbox
// (drop-oldest, counted) instead of one queued call per message, and the receiver may die
// while messages arrive. Lost messages are announced by Subscription::messagesDropped.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QPointer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>
#include <mutex>
#include <nats/nats.h>
#include <thread>

using namespace openopd;
using namespace openopd::testing;

namespace {

// Publishes count ticks from a plain thread with its own nats.c connection.
void floodFromThread(const QString& url, int count)
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

// Blocks a thread's event loop until released.
void blockThread(QObject* onThread, QSemaphore& entered, QSemaphore& release)
{
    QMetaObject::invokeMethod(
        onThread,
        [&entered, &release] {
            entered.release();
            release.acquire();
        },
        Qt::QueuedConnection);
    entered.acquire();
}

class TickReceiver : public QObject
{
public:
    void onTick(const Tick&) {}
};

} // namespace

class TestBusThreads : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_bus;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_bus = connectTo(m_server.url());
        QVERIFY(m_bus);
    }

    void busyReceiverOnAnotherThreadIsBounded()
    {
        QThread worker;
        worker.start();
        auto* receiver = new QObject;
        receiver->moveToThread(&worker);
        std::mutex mutex;
        QList<qint64> seen;
        std::atomic<bool> wrongThread{false};
        bus::SubscriptionOptions options;
        options.capacity = 10;
        bus::Subscription* subscription = bus::subscribe(
            *m_bus, kTicks, receiver,
            [&](const Tick& tick) {
                wrongThread = wrongThread || QThread::currentThread() != &worker;
                std::lock_guard lock(mutex);
                seen.append(tick.sequence);
            },
            options);
        QSignalSpy dropped(subscription, &bus::Subscription::messagesDropped);
        QTest::qWait(100); // subscribed on the server

        QSemaphore entered, release;
        blockThread(receiver, entered, release); // the receiver is busy: nothing is drained
        floodFromThread(m_server.url(), 100);
        QTRY_COMPARE_WITH_TIMEOUT(subscription->dropped(), quint64{90}, 10000);
        release.release();
        QTRY_COMPARE(subscription->delivered(), quint64{10});
        {
            std::lock_guard lock(mutex);
            QCOMPARE(seen.size(), 10);
            QCOMPARE(seen.first(), qint64{90}); // the newest ten: the oldest were dropped
        }
        QVERIFY(!wrongThread);
        QTRY_VERIFY(!dropped.isEmpty() && dropped.last().at(0).toLongLong() == 90);

        QPointer<bus::Subscription> watch(subscription);
        QMetaObject::invokeMethod(receiver, &QObject::deleteLater);
        QTRY_VERIFY(watch.isNull()); // the subscription ends with its receiver
        worker.quit();
        worker.wait();
    }

    void receiverDestroyedDuringAFlood()
    {
        for (int round = 0; round < 5; ++round) {
            QThread worker;
            worker.start();
            auto* receiver = new QObject;
            receiver->moveToThread(&worker);
            std::atomic<int> seen{0};
            QPointer<bus::Subscription> subscription =
                bus::subscribe(*m_bus, kTicks, receiver, [&seen](const Tick&) { ++seen; });
            QTest::qWait(50);
            std::thread flood(floodFromThread, m_server.url(), 5000);
            QTRY_VERIFY_WITH_TIMEOUT(seen.load() > 0, 10000);
            QMetaObject::invokeMethod(receiver, &QObject::deleteLater); // mid-flood
            flood.join();
            QTRY_VERIFY(subscription.isNull());
            worker.quit();
            worker.wait();
        }
    }

    void busyOwnerThreadAnnouncesDrops()
    {
        bus::SubscriptionOptions options;
        options.capacity = 10;
        QObject owner;
        int handled = 0;
        bus::Subscription* subscription = m_bus->subscribe(
            "test.ticks", &owner, [&handled](const bus::Message&) { ++handled; }, options);
        QSignalSpy dropped(subscription, &bus::Subscription::messagesDropped);
        QTest::qWait(100);
        floodFromThread(m_server.url(), 50);
        // This thread does not run its event loop meanwhile: everything waits in the mailbox.
        for (int i = 0; i < 500 && subscription->dropped() < 40; ++i)
            QThread::msleep(10);
        QCOMPARE(subscription->dropped(), quint64{40});
        QTRY_COMPARE(handled, 10);
        QCOMPARE(dropped.size(), 1); // one notice for the whole flood
        QCOMPARE(dropped.at(0).at(0).toLongLong(), qint64{40});
    }

    void nullContextMeansTheConnectionsThread()
    {
        int seen = 0;
        bus::Subscription* subscription =
            bus::subscribe(*m_bus, kTicks, nullptr, [&seen](const Tick&) { ++seen; });
        QVERIFY(subscription != nullptr);
        QCOMPARE(subscription->parent(), m_bus.get());
        QTest::qWait(100);
        QVERIFY(!bus::publish(*m_bus, kTicks, Tick{1}).isError());
        QTRY_COMPARE(seen, 1);
        delete subscription;
        TickReceiver* none = nullptr;
        QCOMPARE(bus::subscribe(*m_bus, kTicks, none, &TickReceiver::onTick), nullptr);
    }

    void cleanupTestCase() { m_bus.reset(); }
};

QTEST_GUILESS_MAIN(TestBusThreads)
#include "test_bus_threads.moc"
