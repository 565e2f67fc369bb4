// Typed asynchronous request/reply against a real nats-server: replies, every typed
// error, delivery thread, and replies for destroyed contexts.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <map>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

class TestBusRequests : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_service;
    std::unique_ptr<bus::Connection> m_client;
    QObject m_serviceOwner;

    // Sends one request and waits for its single outcome.
    bus::Result<EchoReply> call(const bus::Endpoint<EchoRequest, EchoReply>& endpoint,
                                const EchoRequest& request, int timeoutMs = 5000)
    {
        std::optional<bus::Result<EchoReply>> outcome;
        bus::RequestOptions options;
        options.timeout = std::chrono::milliseconds(timeoutMs);
        bus::request(
            *m_client, endpoint, request, this,
            [&outcome](bus::Result<EchoReply> reply) { outcome = std::move(reply); }, options);
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, timeoutMs + 5000))
            return BusError::make(BusError::Kind::None, QStringLiteral("callback never ran"));
        return *outcome;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_service = connectTo(m_server.url());
        m_client = connectTo(m_server.url());
        QVERIFY(m_service && m_client);
        bus::serve(*m_service, kEcho, &m_serviceOwner,
                   [](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       if (request.text == QStringLiteral("fail"))
                           return replier.fail(404, QStringLiteral("patient not found"),
                                               QStringLiteral("patientId"));
                       if (request.text == QStringLiteral("never"))
                           return; // never answers: the client must time out
                       replier.reply(EchoReply{request.text.repeated(request.repeat)});
                   });
        // A responder that answers with bytes that are not a valid EchoReply.
        m_service->subscribe("test.garbage", &m_serviceOwner, [this](const bus::Message& m) {
            m_service->publish(m.reply, QByteArrayLiteral("{\"text\": 42}"));
        });
        QTest::qWait(100); // let the subscriptions reach the server
    }

    void typedReplyArrives()
    {
        const auto reply = call(kEcho, EchoRequest{QStringLiteral("ab"), 3});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->text, QStringLiteral("ababab"));
    }

    void serviceErrorCarriesCodeAndField()
    {
        const auto reply = call(kEcho, EchoRequest{QStringLiteral("fail"), 1});
        QVERIFY(!reply.ok());
        QCOMPARE(reply.error().kind, BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, 404);
        QCOMPARE(reply.error().message, QStringLiteral("patient not found"));
        QCOMPARE(reply.error().field, QStringLiteral("patientId"));
    }

    void invalidRequestIsRefusedWithFieldNamed()
    {
        // Bypass the typed layer: a request whose "repeat" is out of range.
        std::optional<bus::Result<EchoReply>> outcome;
        m_client->request("test.echo", QByteArrayLiteral(R"({"text":"x","repeat":99})"), {}, this,
                          [&](bus::Result<bus::Message> reply) {
                              outcome = bus::decodeReply<EchoReply>(std::move(reply));
                          });
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(outcome->error().kind, BusError::Kind::ServiceError);
        QCOMPARE(outcome->error().code, 400);
        QCOMPARE(outcome->error().field, QStringLiteral("repeat"));
    }

    void timeoutIsTyped()
    {
        QElapsedTimer elapsed;
        elapsed.start();
        const auto reply = call(kEcho, EchoRequest{QStringLiteral("never"), 1}, 300);
        QCOMPARE(reply.error().kind, BusError::Kind::Timeout);
        QCOMPARE(reply.error().subject, QByteArray("test.echo"));
        QVERIFY(elapsed.elapsed() >= 250);
    }

    void noRespondersIsTyped()
    {
        QElapsedTimer elapsed;
        elapsed.start();
        const auto reply = call(kNobody, EchoRequest{QStringLiteral("x"), 1}, 10000);
        QCOMPARE(reply.error().kind, BusError::Kind::NoResponders);
        QVERIFY2(elapsed.elapsed() < 5000, "no-responders must not wait for the timeout");
    }

    void undecodableReplyIsTyped()
    {
        const bus::Endpoint<EchoRequest, EchoReply> garbage{"test.garbage"};
        const auto reply = call(garbage, EchoRequest{QStringLiteral("x"), 1});
        QCOMPARE(reply.error().kind, BusError::Kind::DecodeError);
        QCOMPARE(reply.error().field, QStringLiteral("text"));
    }

    void closedConnectionFailsPendingRequests()
    {
        auto client = connectTo(m_server.url());
        QVERIFY(client);
        std::optional<bus::Result<EchoReply>> outcome;
        bus::request(*client, kEcho, EchoRequest{QStringLiteral("never"), 1}, this,
                     [&](bus::Result<EchoReply> reply) { outcome = std::move(reply); });
        client->close();
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 2000);
        QCOMPARE(outcome->error().kind, BusError::Kind::ConnectionClosed);
        QCOMPARE(client->state(), bus::Connection::State::Closed);

        // After close, a new request fails at once (asynchronously) as not connected/closed.
        std::optional<bus::Result<EchoReply>> later;
        bus::request(*client, kEcho, EchoRequest{QStringLiteral("x"), 1}, this,
                     [&](bus::Result<EchoReply> reply) { later = std::move(reply); });
        QVERIFY(!later.has_value()); // never called from inside request()
        QTRY_VERIFY_WITH_TIMEOUT(later.has_value(), 2000);
        QVERIFY(!later->ok());
    }

    // A reply handler that closes the connection re-enters failAll while it is failing the
    // other pending requests: each must still get exactly one call, and nothing may throw.
    void handlerThatClosesTheConnectionDoesNotBreakFailAll()
    {
        auto client = connectTo(m_server.url());
        QVERIFY(client);
        bus::Connection* connection = client.get();
        int calls = 0;
        int closedErrors = 0;
        for (int i = 0; i < 3; ++i)
            bus::request(*client, kEcho, EchoRequest{QStringLiteral("never"), 1}, this,
                         [&, connection](bus::Result<EchoReply> reply) {
                             ++calls;
                             if (reply.error().kind == BusError::Kind::ConnectionClosed)
                                 ++closedErrors;
                             connection->close();
                         });
        client->close();
        QCOMPARE(calls, 3);
        QCOMPARE(closedErrors, 3);
        QTest::qWait(50);
        QCOMPARE(calls, 3);
    }

    // A handler that runs a nested event loop (QDialog::exec) while failAll is delivering:
    // the other requests time out inside it and must not be failed a second time.
    void handlerWithNestedEventLoopDuringFailAll()
    {
        auto client = connectTo(m_server.url());
        QVERIFY(client);
        std::map<int, int> callsByRequest;
        bus::RequestOptions quick;
        quick.timeout = std::chrono::milliseconds(100);
        bool nested = false;
        for (int i = 0; i < 3; ++i)
            bus::request(
                *client, kEcho, EchoRequest{QStringLiteral("never"), 1}, this,
                [&, i](bus::Result<EchoReply>) {
                    ++callsByRequest[i];
                    if (nested)
                        return;
                    nested = true;
                    QEventLoop loop; // the other requests' timers fire in here
                    QTimer::singleShot(300, &loop, &QEventLoop::quit);
                    loop.exec();
                },
                quick);
        QTest::qWait(20); // the requests are out; their timers run
        client->close();
        QTRY_COMPARE_WITH_TIMEOUT(callsByRequest.size(), std::size_t{3}, 3000);
        QTest::qWait(200);
        for (const auto& [request, calls] : callsByRequest)
            QCOMPARE(calls, 1);
    }

    void replyIsDeliveredOnTheContextThread()
    {
        QThread worker;
        worker.start();
        auto stopWorker = qScopeGuard([&worker] {
            worker.quit();
            worker.wait();
        });
        QObject receiver;
        receiver.moveToThread(&worker);
        std::atomic<QThread*> deliveredOn{nullptr};
        std::atomic<bool> ok{false};
        bus::request(*m_client, kEcho, EchoRequest{QStringLiteral("t"), 1}, &receiver,
                     [&](bus::Result<EchoReply> reply) {
                         ok = reply.ok();
                         deliveredOn = QThread::currentThread();
                     });
        QTRY_VERIFY(deliveredOn.load() != nullptr);
        QCOMPARE(deliveredOn.load(), &worker);
        QVERIFY(ok.load());
    }

    // Contexts on a worker thread deleted there while their replies arrive: a reply is
    // delivered only to a live context, on its thread, and the owner thread never touches a
    // context that is being freed (run under the tsan preset as well).
    void contextsDestroyedOnTheirThreadWhileRepliesArrive()
    {
        QThread worker;
        worker.start();
        auto stopWorker = qScopeGuard([&worker] {
            worker.quit();
            worker.wait();
        });
        constexpr int kRounds = 300;
        std::atomic<int> delivered{0};
        std::atomic<int> wrongThread{0};
        std::atomic<int> deleted{0};
        for (int i = 0; i < kRounds; ++i) {
            auto* context = new QObject;
            context->moveToThread(&worker);
            bus::request(*m_client, kEcho, EchoRequest{QStringLiteral("d"), 1}, context,
                         [&, context](bus::Result<EchoReply>) {
                             if (QThread::currentThread() != context->thread())
                                 ++wrongThread;
                             ++delivered;
                         });
            // Deleted on its own thread soon, racing the reply: sometimes before, sometimes
            // after it is delivered.
            QMetaObject::invokeMethod(
                context,
                [context, &deleted, i] {
                    if (i % 3 != 0)
                        QThread::usleep(static_cast<unsigned long>(i % 7) * 50);
                    delete context;
                    ++deleted;
                },
                Qt::QueuedConnection);
        }
        QTRY_COMPARE_WITH_TIMEOUT(deleted.load(), kRounds, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(m_client->requestsInFlight(), 0, 10000);
        QCOMPARE(wrongThread.load(), 0);
        QVERIFY(delivered.load() <= kRounds);
    }

    // A context moved to a worker after its request was sent gets the reply there.
    void replyFollowsAContextMovedAfterTheRequest()
    {
        QThread worker;
        worker.start();
        auto stopWorker = qScopeGuard([&worker] {
            worker.quit();
            worker.wait();
        });
        QObject receiver;
        std::atomic<QThread*> deliveredOn{nullptr};
        bus::request(*m_client, kEcho, EchoRequest{QStringLiteral("m"), 1}, &receiver,
                     [&](bus::Result<EchoReply>) { deliveredOn = QThread::currentThread(); });
        receiver.moveToThread(&worker); // before the reply can be drained
        QTRY_VERIFY(deliveredOn.load() != nullptr);
        QCOMPARE(deliveredOn.load(), &worker);
        QMetaObject::invokeMethod(
            &receiver,
            [&receiver] { receiver.moveToThread(QCoreApplication::instance()->thread()); },
            Qt::BlockingQueuedConnection);
    }

    void replyOnMainThreadWhenContextLivesThere()
    {
        QThread* deliveredOn = nullptr;
        bus::request(*m_client, kEcho, EchoRequest{QStringLiteral("m"), 1}, this,
                     [&](bus::Result<EchoReply>) { deliveredOn = QThread::currentThread(); });
        QTRY_VERIFY(deliveredOn != nullptr);
        QCOMPARE(deliveredOn, QThread::currentThread());
    }

    void destroyedContextDropsReply()
    {
        int calls = 0;
        {
            auto window = std::make_unique<QObject>();
            for (int i = 0; i < 50; ++i)
                bus::request(*m_client, kEcho, EchoRequest{QStringLiteral("late"), 1}, window.get(),
                             [&calls](bus::Result<EchoReply>) { ++calls; });
        } // the "window" closes before any reply arrives
        // Replies (and a timeout for good measure) come and go without a call or a crash.
        std::optional<bus::Result<EchoReply>> marker =
            call(kEcho, EchoRequest{QStringLiteral("z"), 1});
        QVERIFY(marker->ok());
        QTest::qWait(200);
        QCOMPARE(calls, 0);

        auto window = std::make_unique<QObject>();
        bus::RequestOptions quick;
        quick.timeout = std::chrono::milliseconds(50);
        bus::request(
            *m_client, kEcho, EchoRequest{QStringLiteral("never"), 1}, window.get(),
            [&calls](bus::Result<EchoReply>) { ++calls; }, quick);
        window.reset();
        QTest::qWait(200);
        QCOMPARE(calls, 0);
    }

    void manyConcurrentRequestsEachGetTheirOwnReply()
    {
        int matched = 0;
        int answered = 0;
        for (int i = 0; i < 500; ++i) {
            const QString text = QString::number(i);
            bus::request(*m_client, kEcho, EchoRequest{text, 1}, this,
                         [&, text](bus::Result<EchoReply> reply) {
                             ++answered;
                             if (reply.ok() && reply->text == text)
                                 ++matched;
                         });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 500, 10000);
        QCOMPARE(matched, 500);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_service.reset();
    }
};

QTEST_GUILESS_MAIN(TestBusRequests)
#include "test_bus_requests.moc"
