// JetStream through the bridge against a real nats-server: publish acks and dedup by
// Nats-Msg-Id, and a durable pull consumer's ack / nak / nak(delay) / term / flow control.

#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "bus/pull_consumer.h"
#include "bus_test_util.h"
#include "support/nats_server.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using namespace std::chrono_literals;

namespace {
constexpr qint64 kNsPerMs = 1000 * 1000;
const QByteArray kStream = QByteArrayLiteral("TEST_EVENTS");
} // namespace

class TestBusJetStream : public QObject
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

    bus::Result<bus::PublishAck> publish(const QByteArray& subject, const QByteArray& id)
    {
        return await<bus::Result<bus::PublishAck>>([&](auto done) {
            bus::publishDurable(*m_bus, subject, QByteArrayLiteral("{}"), id, this, done);
        });
    }

    bus::Result<QJsonObject> api(const QByteArray& suffix, const QJsonObject& body = {})
    {
        return await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::jetStreamApi(*m_bus, suffix, body, this, done); });
    }

    // A durable consumer on one subject with a short ack wait, so redelivery is quick.
    bool makeConsumer(const QByteArray& durable, const QByteArray& subject)
    {
        const QJsonObject config{{QStringLiteral("durable_name"), QString::fromUtf8(durable)},
                                 {QStringLiteral("ack_policy"), QStringLiteral("explicit")},
                                 {QStringLiteral("ack_wait"), 1000 * kNsPerMs},
                                 {QStringLiteral("max_deliver"), 10},
                                 {QStringLiteral("filter_subject"), QString::fromUtf8(subject)}};
        const auto created = await<bus::Result<QJsonObject>>(
            [&](auto done) { bus::ensureConsumer(*m_bus, kStream, config, this, done); });
        if (!created.ok())
            qWarning() << created.error().toString();
        return created.ok();
    }

    std::unique_ptr<bus::PullConsumer>
    consumer(const QByteArray& durable, QList<bus::JsMessage>& received, int maxInFlight = 64)
    {
        bus::PullConsumerOptions options;
        options.stream = kStream;
        options.durable = durable;
        options.maxInFlight = maxInFlight;
        options.expires = 2s;
        auto pull = std::make_unique<bus::PullConsumer>(
            *m_bus, options, [&received](bus::JsMessage m) { received.append(std::move(m)); });
        pull->start();
        return pull;
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
            {QStringLiteral("subjects"), QJsonArray{QStringLiteral("test.events.>")}},
            {QStringLiteral("storage"), QStringLiteral("file")},
            {QStringLiteral("retention"), QStringLiteral("limits")},
            {QStringLiteral("discard"), QStringLiteral("new")},
            {QStringLiteral("duplicate_window"), 120000 * kNsPerMs}};
        for (int attempt = 0; attempt < 2; ++attempt) { // the second call must be idempotent
            const auto info = await<bus::Result<QJsonObject>>(
                [&](auto done) { bus::ensureStream(*m_bus, config, this, done); });
            QVERIFY2(info.ok(), qPrintable(info.error().toString()));
        }
    }

    void publishIsAcknowledgedAndDeduplicated()
    {
        const auto first = publish("test.events.dedup", "visit-1");
        QVERIFY2(first.ok(), qPrintable(first.error().toString()));
        QCOMPARE(first->stream, QString::fromUtf8(kStream));
        QVERIFY(!first->duplicate);

        const auto again = publish("test.events.dedup", "visit-1");
        QVERIFY(again.ok());
        QVERIFY(again->duplicate);
        QCOMPARE(again->sequence, first->sequence);

        const auto other = publish("test.events.dedup", "visit-2");
        QVERIFY(other.ok());
        QVERIFY(!other->duplicate);
        QCOMPARE(other->sequence, first->sequence + 1);

        const auto info = api("STREAM.INFO." + kStream);
        QVERIFY(info.ok());
        const QJsonObject state = info->value(QStringLiteral("state")).toObject();
        QCOMPARE(state.value(QStringLiteral("messages")).toInt(), 2);
    }

    void publishWithoutStreamIsAClearError()
    {
        const auto ack = publish("nostream.here", "x");
        QVERIFY(!ack.ok());
        QCOMPARE(ack.error().kind, bus::BusError::Kind::NoResponders);
        QVERIFY(ack.error().message.contains(QStringLiteral("stream")));
    }

    void nakRedeliversAndAckSettles()
    {
        QVERIFY(makeConsumer("nak", "test.events.nak"));
        QList<bus::JsMessage> received;
        auto pull = consumer("nak", received);
        QVERIFY(publish("test.events.nak", "n-1").ok());
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received.at(0).metadata.deliveryCount, quint64{1});
        QCOMPARE(received.at(0).header("Nats-Msg-Id"), QByteArray("n-1"));
        received[0].nak();
        QVERIFY(received.at(0).isSettled());
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received.at(1).metadata.deliveryCount, quint64{2});
        QCOMPARE(received.at(1).metadata.streamSequence, received.at(0).metadata.streamSequence);
        received[1].ack();
        QTest::qWait(1600); // longer than the ack wait: an acked message stays settled
        QCOMPARE(received.size(), 2);
        QCOMPARE(pull->inFlight(), 0);
    }

    void nakWithDelayWaits()
    {
        QVERIFY(makeConsumer("delay", "test.events.delay"));
        QList<bus::JsMessage> received;
        auto pull = consumer("delay", received);
        QVERIFY(publish("test.events.delay", "d-1").ok());
        QTRY_COMPARE(received.size(), 1);
        QElapsedTimer sinceNak;
        sinceNak.start();
        received[0].nak(700ms);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
        QVERIFY2(sinceNak.elapsed() >= 600, "redelivered before the requested delay");
        received[1].ack();
    }

    void termStopsRedelivery()
    {
        QVERIFY(makeConsumer("term", "test.events.term"));
        QList<bus::JsMessage> received;
        auto pull = consumer("term", received);
        QVERIFY(publish("test.events.term", "t-1").ok());
        QTRY_COMPARE(received.size(), 1);
        received[0].term(QStringLiteral("poison: unknown patient"));
        QTest::qWait(2500); // two and a half ack waits
        QCOMPARE(received.size(), 1);
        const auto info = api("CONSUMER.INFO." + kStream + ".term");
        QVERIFY(info.ok());
        QCOMPARE(info->value(QStringLiteral("num_ack_pending")).toInt(), 0);
    }

    void unsettledMessageIsRedeliveredAfterAckWait()
    {
        QVERIFY(makeConsumer("crash", "test.events.crash"));
        QList<bus::JsMessage> received;
        auto pull = consumer("crash", received);
        QVERIFY(publish("test.events.crash", "c-1").ok());
        QTRY_COMPARE(received.size(), 1);
        pull.reset(); // the worker "crashes" before acking
        received.clear();
        pull = consumer("crash", received);
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
        QCOMPARE(received.at(0).metadata.deliveryCount, quint64{2});
        received[0].ack();
    }

    void inProgressExtendsTheAckWait()
    {
        QVERIFY(makeConsumer("slow", "test.events.slow"));
        QList<bus::JsMessage> received;
        auto pull = consumer("slow", received);
        QVERIFY(publish("test.events.slow", "s-1").ok());
        QTRY_COMPARE(received.size(), 1);
        for (int i = 0; i < 4; ++i) { // 2 s of work with a 1 s ack wait
            QTest::qWait(500);
            received[0].inProgress();
        }
        QCOMPARE(received.size(), 1);
        received[0].ack();
    }

    void flowControlBoundsMessagesInFlight()
    {
        QVERIFY(makeConsumer("flow", "test.events.flow"));
        for (int i = 0; i < 20; ++i)
            QVERIFY(publish("test.events.flow", "f-" + QByteArray::number(i)).ok());
        QList<bus::JsMessage> received;
        auto pull = consumer("flow", received, 5);
        QTRY_COMPARE(received.size(), 5);
        QTest::qWait(300);
        QCOMPARE(received.size(), 5); // nothing more until something is settled
        QCOMPARE(pull->inFlight(), 5);
        for (int settled = 0; settled < 20; ++settled) {
            QTRY_VERIFY(received.size() > settled);
            received[settled].ack();
        }
        QCOMPARE(received.size(), 20);
        QTRY_COMPARE(pull->inFlight(), 0);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(received.at(i).header("Nats-Msg-Id"), "f-" + QByteArray::number(i));
    }

    void cleanupTestCase() { m_bus.reset(); }
};

QTEST_GUILESS_MAIN(TestBusJetStream)
#include "test_bus_jetstream.moc"
