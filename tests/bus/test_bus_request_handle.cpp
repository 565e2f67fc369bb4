// Request ids, cancel, the in-flight count, RequestHandle (retry with the same id) and
// LatestRequest (only the newest reply) against a real nats-server.

#include "bus/nats_library.h"
#include "bus/request_handle.h"
#include "bus/request_id.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QHash>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

namespace {
// Replies after request.repeat * 40 ms with the text: lets a test order the replies.
constexpr bus::Endpoint<EchoRequest, EchoReply> kSlowEcho{"test.slowecho"};
// Received, never answered.
constexpr bus::Endpoint<EchoRequest, EchoReply> kSilent{"test.silent"};
} // namespace

class TestBusRequestHandle : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_service;
    std::unique_ptr<bus::Connection> m_client;
    QObject m_serviceOwner;
    // A command service that does its effect once per request id and answers repeats with
    // the first answer, marked replayed (what services do, docs/protocol.md "Request ids").
    QHash<QByteArray, QByteArray> m_answers;
    int m_effects = 0;
    int m_commandsSeen = 0;

    std::optional<bus::Result<bus::Message>> rawCall(const QByteArray& subject,
                                                     const bus::RequestOptions& options)
    {
        std::optional<bus::Result<bus::Message>> outcome;
        m_client->request(subject, {}, options, this,
                          [&outcome](bus::Result<bus::Message> reply) { outcome = reply; });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
            return std::nullopt;
        return outcome;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_service = connectTo(m_server.url());
        m_client = connectTo(m_server.url());
        QVERIFY(m_service && m_client);
        // Answers with the request ids it received, one per line.
        m_service->subscribe("test.id", &m_serviceOwner, [this](const bus::Message& m) {
            QByteArrayList ids;
            for (const auto& [name, value] : m.headers)
                if (name.compare(bus::kRequestIdHeader, Qt::CaseInsensitive) == 0)
                    ids.append(value);
            m_service->publish(m.reply, ids.join('\n'));
        });
        m_service->subscribe("test.command", &m_serviceOwner, [this](const bus::Message& m) {
            ++m_commandsSeen;
            const QByteArray id = m.header(bus::kRequestIdHeader);
            if (m_answers.contains(id)) {
                m_service->publish(m.reply, m_answers.value(id),
                                   {{bus::kReplayedHeader, QByteArrayLiteral("true")}});
                return;
            }
            ++m_effects;
            const QByteArray answer = "done " + QByteArray::number(m_effects);
            m_answers.insert(id, answer);
            if (m_commandsSeen == 1)
                return; // the first answer is lost: the client times out and retries
            m_service->publish(m.reply, answer);
        });
        bus::serve(*m_service, kSlowEcho, &m_serviceOwner,
                   [this](const EchoRequest& request, bus::Replier<EchoReply> replier) {
                       QTimer::singleShot(static_cast<int>(request.repeat) * 40, &m_serviceOwner,
                                          [request, replier]() mutable {
                                              replier.reply(EchoReply{request.text});
                                          });
                   });
        m_service->subscribe(kSilent.subjectBytes(), &m_serviceOwner, [](const bus::Message&) {});
        QTest::qWait(100); // let the subscriptions reach the server
    }

    void everyRequestCarriesOneFreshRequestId()
    {
        const auto first = rawCall("test.id", {});
        const auto second = rawCall("test.id", {});
        QVERIFY(first && second && first->ok() && second->ok());
        const QByteArray a = first->value().data;
        const QByteArray b = second->value().data;
        QCOMPARE(a.size(), 22); // 128 bits, base64url, no padding: one header, one id
        QVERIFY(bus::isValidRequestId(a));
        QVERIFY(bus::isValidRequestId(b));
        QVERIFY(a != b);
    }

    void givenRequestIdReplacesAnyInTheHeaders()
    {
        bus::RequestOptions options;
        options.requestId = "action-1";
        options.headers = {{QByteArrayLiteral("openopd-request-id"), QByteArrayLiteral("old")},
                           {QByteArrayLiteral("X-Other"), QByteArrayLiteral("1")}};
        const auto reply = rawCall("test.id", options);
        QVERIFY(reply && reply->ok());
        QCOMPARE(reply->value().data, QByteArray("action-1"));

        options.requestId.clear(); // the header's id is kept when the option is empty
        const auto kept = rawCall("test.id", options);
        QVERIFY(kept && kept->ok());
        QCOMPARE(kept->value().data, QByteArray("old"));
    }

    void invalidRequestIdFailsNamingTheHeader()
    {
        bus::RequestOptions options;
        options.requestId = "not valid!";
        const auto reply = rawCall("test.id", options);
        QVERIFY(reply.has_value());
        QCOMPARE(reply->error().kind, BusError::Kind::DecodeError);
        QCOMPARE(reply->error().field, QString::fromLatin1(bus::kRequestIdHeader));
        QCOMPARE(m_client->requestsInFlight(), 0);
    }

    void inFlightCountFollowsRequests()
    {
        QSignalSpy spy(m_client.get(), &bus::Connection::requestsInFlightChanged);
        bus::RequestOptions quick;
        quick.timeout = std::chrono::milliseconds(300);
        int timeouts = 0;
        for (int i = 0; i < 3; ++i)
            bus::request(
                *m_client, kSilent, EchoRequest{QStringLiteral("x"), 1}, this,
                [&](bus::Result<EchoReply> reply) {
                    timeouts += reply.error().kind == BusError::Kind::Timeout ? 1 : 0;
                },
                quick);
        QCOMPARE(m_client->requestsInFlight(), 3);
        QCOMPARE(spy.size(), 3);
        QCOMPARE(spy.last().at(0).toInt(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(timeouts, 3, 5000);
        QCOMPARE(m_client->requestsInFlight(), 0);
        QCOMPARE(spy.last().at(0).toInt(), 0);
    }

    void cancelledRequestIsNeverAnswered()
    {
        bus::RequestOptions quick;
        quick.timeout = std::chrono::milliseconds(100);
        int calls = 0;
        const quint64 ticket = m_client->request(
            kSlowEcho.subjectBytes(), QByteArrayLiteral(R"({"text":"c","repeat":1})"), quick, this,
            [&calls](bus::Result<bus::Message>) { ++calls; });
        QVERIFY(ticket != 0);
        QCOMPARE(m_client->requestsInFlight(), 1);
        m_client->cancelRequest(ticket);
        QCOMPARE(m_client->requestsInFlight(), 0);
        m_client->cancelRequest(ticket); // twice, or an unknown ticket: ignored
        QTest::qWait(300);               // past both the reply and the timeout
        QCOMPARE(calls, 0);
    }

    void retryRepeatsTheSameRequestId()
    {
        bus::RequestOptions options;
        options.timeout = std::chrono::milliseconds(300);
        QList<bus::Result<bus::Message>> replies;
        QObject window;
        auto* handle = new bus::RequestHandle(
            *m_client, "test.command", {}, options,
            [&replies](bus::Result<bus::Message> reply) { replies.append(reply); }, &window);
        QVERIFY(bus::isValidRequestId(handle->requestId()));
        QVERIFY(handle->isInFlight());
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 1, 5000);
        QCOMPARE(replies.at(0).error().kind, BusError::Kind::Timeout); // the lost answer
        QVERIFY(!handle->isInFlight());

        const QByteArray id = handle->requestId();
        handle->retry(); // the user presses "Try again"
        QCOMPARE(handle->requestId(), id);
        QTRY_COMPARE_WITH_TIMEOUT(replies.size(), 2, 5000);
        QVERIFY(replies.at(1).ok());
        QCOMPARE(replies.at(1).value().data, QByteArray("done 1"));
        QCOMPARE(replies.at(1).value().header(bus::kReplayedHeader), QByteArray("true"));
        QCOMPARE(handle->attempts(), 2);
        QCOMPARE(m_commandsSeen, 2);
        QCOMPARE(m_effects, 1); // done once, though asked twice
    }

    void cancelledOrDestroyedHandleIsNeverAnswered()
    {
        int calls = 0;
        QObject window;
        auto* handle = bus::sendRequest(*m_client, kSlowEcho, EchoRequest{QStringLiteral("h"), 2},
                                        &window, [&calls](bus::Result<EchoReply>) { ++calls; });
        QSignalSpy inFlight(handle, &bus::RequestHandle::inFlightChanged);
        QCOMPARE(m_client->requestsInFlight(), 1);
        handle->cancel();
        QCOMPARE(m_client->requestsInFlight(), 0);
        QCOMPARE(inFlight.size(), 1);
        QCOMPARE(inFlight.at(0).at(0).toBool(), false);

        auto* gone = bus::sendRequest(*m_client, kSlowEcho, EchoRequest{QStringLiteral("g"), 2},
                                      &window, [&calls](bus::Result<EchoReply>) { ++calls; });
        QCOMPARE(m_client->requestsInFlight(), 1);
        delete gone;
        QCOMPARE(m_client->requestsInFlight(), 0);
        QTest::qWait(300);
        QCOMPARE(calls, 0);

        handle->retry(); // a cancelled handle can still be sent again
        std::optional<bus::Result<EchoReply>> typed;
        auto* typedHandle =
            bus::sendRequest(*m_client, kSlowEcho, EchoRequest{QStringLiteral("typed"), 1}, &window,
                             [&typed](bus::Result<EchoReply> reply) { typed = reply; });
        QTRY_VERIFY(typed.has_value());
        QVERIFY(typed->ok());
        QCOMPARE(typed->value().text, QStringLiteral("typed"));
        QVERIFY(!typedHandle->isInFlight());
        QTRY_COMPARE(calls, 1); // the retried one
    }

    // Search-as-you-type: older queries answer later than newer ones; only the newest reply
    // is delivered, and the cancelled ones stop counting as in flight at once.
    void latestRequestDeliversOnlyTheNewest()
    {
        bus::LatestRequest search(*m_client);
        QSignalSpy busy(&search, &bus::LatestRequest::inFlightChanged);
        QStringList delivered;
        const QStringList typing{QStringLiteral("a"), QStringLiteral("ab"), QStringLiteral("abc")};
        for (int i = 0; i < typing.size(); ++i) {
            // Delays 240, 160, 80 ms: without cancelling, all three would arrive, newest first.
            bus::sendLatest(search, kSlowEcho,
                            EchoRequest{typing.at(i), static_cast<qint64>(6 - 2 * i)},
                            [&delivered](bus::Result<EchoReply> reply) {
                                delivered.append(reply.ok() ? reply->text : reply.error().message);
                            });
            QCOMPARE(m_client->requestsInFlight(), 1);
        }
        QVERIFY(search.isInFlight());
        QTRY_COMPARE(delivered.size(), 1);
        QTest::qWait(400); // past the older queries' replies
        QCOMPARE(delivered, QStringList{QStringLiteral("abc")});
        QVERIFY(!search.isInFlight());
        QCOMPARE(busy.size(), 2); // busy once, idle once: no flicker between queries
        QCOMPARE(busy.at(0).at(0).toBool(), true);
        QCOMPARE(busy.at(1).at(0).toBool(), false);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_service.reset();
    }
};

QTEST_GUILESS_MAIN(TestBusRequestHandle)
#include "test_bus_request_handle.moc"
