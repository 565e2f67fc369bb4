// PullConsumer's credit against a real JetStream nats-server: a message that is dropped
// without being settled, or whose ack cannot be sent, gives its credit back, so the consumer
// keeps pulling (before, maxInFlight such losses stopped it for good).

#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "bus/pull_consumer.h"
#include "bus_test_util.h"
#include "support/nats_server.h"

#include <QJsonArray>
#include <QTest>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using namespace std::chrono_literals;

namespace {
constexpr qint64 kNsPerMs = 1000 * 1000;
const QByteArray kStream = QByteArrayLiteral("CREDIT");
} // namespace

class TestBusPullCredit : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_bus;

    template <class T> T await(const std::function<void(std::function<void(T)>)>& start)
    {
        std::optional<T> result;
        start([&result](T value) { result = std::move(value); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, 10000))
            qFatal("no answer from JetStream within 10 s");
        return std::move(*result);
    }

    bool publish(const QByteArray& subject, int count)
    {
        for (int i = 0; i < count; ++i) {
            const auto ack = await<bus::Result<bus::PublishAck>>([&](auto done) {
                bus::publishDurable(*m_bus, subject, QByteArray::number(i), {}, this, done);
            });
            if (!ack.ok())
                return false;
        }
        return true;
    }

    // A long ack wait: nothing is redelivered during a test, so only fresh credit brings
    // more messages.
    bool makeConsumer(const QByteArray& durable, const QByteArray& subject)
    {
        const QJsonObject config{{QStringLiteral("durable_name"), QString::fromUtf8(durable)},
                                 {QStringLiteral("ack_policy"), QStringLiteral("explicit")},
                                 {QStringLiteral("ack_wait"), 60000 * kNsPerMs},
                                 {QStringLiteral("filter_subject"), QString::fromUtf8(subject)}};
        const auto created = await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::ensureConsumer(*m_bus, kStream, config, this, done); });
        return created.ok();
    }

    static bus::PullConsumerOptions options(const QByteArray& durable, int maxInFlight)
    {
        bus::PullConsumerOptions options;
        options.stream = kStream;
        options.durable = durable;
        options.maxInFlight = maxInFlight;
        options.expires = 1s;
        return options;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_bus = connectTo(m_server.url());
        QVERIFY(m_bus);
        const QJsonObject config{
            {QStringLiteral("name"), QString::fromUtf8(kStream)},
            {QStringLiteral("subjects"), QJsonArray{QStringLiteral("credit.>")}},
            {QStringLiteral("storage"), QStringLiteral("memory")}};
        const auto info = await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::ensureStream(*m_bus, config, this, done); });
        QVERIFY2(info.ok(), qPrintable(info.error().toString()));
    }

    void droppedUnsettledMessagesGiveCreditBack()
    {
        QVERIFY(makeConsumer("dropped", "credit.dropped"));
        QVERIFY(publish("credit.dropped", 6));
        QList<bus::JsMessage> kept;
        int seen = 0;
        bus::PullConsumer pull(*m_bus, options("dropped", 2), [&](bus::JsMessage message) {
            if (++seen > 2) // the first two are dropped unsettled (a handler that returned early)
                kept.append(std::move(message));
        });
        pull.start();
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 2, 10000);
        QCOMPARE(pull.inFlight(), 2);
        for (bus::JsMessage& message : kept)
            message.ack();
        QTRY_COMPARE_WITH_TIMEOUT(kept.size(), 4, 10000);
        QCOMPARE(kept.last().message.data, QByteArray("5"));
    }

    void copiesHoldTheCreditUntilTheLastOneGoes()
    {
        QVERIFY(makeConsumer("copies", "credit.copies"));
        QVERIFY(publish("credit.copies", 2));
        std::optional<bus::JsMessage> copy;
        bus::PullConsumer pull(*m_bus, options("copies", 1),
                               [&](const bus::JsMessage& message) { copy = message; });
        pull.start();
        QTRY_VERIFY(copy.has_value());
        QCOMPARE(pull.inFlight(), 1);
        QTest::qWait(300);
        QCOMPARE(copy->message.data, QByteArray("0")); // still held: no credit for "1"
        copy.reset();
        QTRY_VERIFY(copy.has_value());
        QCOMPARE(copy->message.data, QByteArray("1"));
        copy->ack();
        QTRY_COMPARE(pull.inFlight(), 0);
    }

    void failedAcksGiveCreditBack()
    {
        QVERIFY(makeConsumer("failed", "credit.failed"));
        QVERIFY(publish("credit.failed", 4));
        auto connection = connectTo(m_server.url());
        QVERIFY(connection);
        QList<bus::JsMessage> received;
        bus::PullConsumer pull(*connection, options("failed", 2),
                               [&](bus::JsMessage message) { received.append(message); });
        pull.start();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 10000);
        connection->close();
        for (bus::JsMessage& message : received)
            message.ack(); // cannot be sent: the connection is closed
        QCOMPARE(pull.inFlight(), 0);
        connection->open();
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 4, 10000);
        QCOMPARE(received.at(2).message.data, QByteArray("2"));
        received[2].ack();
        received[3].ack();
        QTRY_COMPARE(pull.inFlight(), 0);
    }

    void cleanupTestCase() { m_bus.reset(); }
};

QTEST_GUILESS_MAIN(TestBusPullCredit)
#include "test_bus_pull_credit.moc"
