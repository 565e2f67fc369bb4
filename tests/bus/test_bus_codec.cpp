// Unit tests of pure logic: JSON validation, codecs, reply decoding, JetStream metadata,
// the mailbox bound, and (at compile time) the typed contracts.

#include "bus/jetstream.h"
#include "bus/js_message.h"
#include "bus/json_reader.h"
#include "bus/mailbox.h"
#include "bus/reply_decoding.h"
#include "bus/typed.h"
#include "test_contracts.h"

#include <QJsonDocument>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

// --- compile-time contract checks: a mismatched call must not compile ---------------------
struct NotARequest
{
};
template <class Req, class F>
concept CanRequestEcho = requires(bus::Connection& c, const Req& r, F f)
{
    bus::request(c, kEcho, r, nullptr, f);
};
using GoodCallback = void (*)(bus::Result<EchoReply>);
using WrongCallback = void (*)(bus::Result<Tick>);
static_assert(CanRequestEcho<EchoRequest, GoodCallback>);
static_assert(!CanRequestEcho<NotARequest, GoodCallback>, "wrong request type must not compile");
static_assert(!CanRequestEcho<Tick, GoodCallback>, "another message type must not compile");
static_assert(!CanRequestEcho<EchoRequest, WrongCallback>, "wrong reply type must not compile");

template <class P>
concept CanPublishTick = requires(bus::Connection& c, const P& p)
{
    bus::publish(c, kTicks, p);
};
static_assert(CanPublishTick<Tick>);
static_assert(!CanPublishTick<EchoRequest>, "publishing the wrong payload must not compile");

template <class F>
concept CanServeEcho = requires(bus::Connection& c, F f)
{
    bus::serve(c, kEcho, nullptr, f);
};
static_assert(CanServeEcho<void (*)(const EchoRequest&, bus::Replier<EchoReply>)>);
static_assert(!CanServeEcho<void (*)(const Tick&, bus::Replier<EchoReply>)>);
static_assert(!CanServeEcho<void (*)(const EchoRequest&, bus::Replier<Tick>)>);
static_assert(bus::Encodable<EchoRequest> && bus::Encodable<QByteArray>);
static_assert(!bus::Encodable<NotARequest>);

class TestBusCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("repeat");
        QTest::newRow("ascii") << QStringLiteral("hello") << qint64{1};
        QTest::newRow("unicode") << QStringLiteral("Zoë Ångström ☤ مريض") << qint64{3};
        QTest::newRow("quotes") << QStringLiteral("say \"hi\"\n\\") << qint64{10};
    }
    void roundTrips()
    {
        QFETCH(QString, text);
        QFETCH(qint64, repeat);
        const EchoRequest original{text, repeat};
        const auto decoded =
            bus::Codec<EchoRequest>::decode(bus::Codec<EchoRequest>::encode(original));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error().toString()));
        QCOMPARE(decoded->text, text);
        QCOMPARE(decoded->repeat, repeat);
    }

    void invalidInputNamesTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("malformed") << QByteArray("{\"text\":") << QString() << "malformed";
        QTest::newRow("not object") << QByteArray("[1,2]") << QString() << "object";
        QTest::newRow("missing") << QByteArray("{}") << "text"
                                 << "required";
        QTest::newRow("null") << QByteArray("{\"text\":null}") << "text"
                              << "required";
        QTest::newRow("wrong type") << QByteArray("{\"text\":5}") << "text"
                                    << "string";
        QTest::newRow("empty") << QByteArray("{\"text\":\"  \"}") << "text"
                               << "empty";
        QTest::newRow("too long") << "{\"text\":\"" + QByteArray(201, 'x') + "\"}"
                                  << "text"
                                  << "longer";
        QTest::newRow("int as string") << QByteArray(R"({"text":"a","repeat":"2"})") << "repeat"
                                       << "integer";
        QTest::newRow("fraction") << QByteArray(R"({"text":"a","repeat":1.5})") << "repeat"
                                  << "integer";
        QTest::newRow("out of range") << QByteArray(R"({"text":"a","repeat":11})") << "repeat"
                                      << "between";
        QTest::newRow("negative") << QByteArray(R"({"text":"a","repeat":-1})") << "repeat"
                                  << "between";
        QTest::newRow("oversized") << QByteArray(2 * 1024 * 1024, ' ') << QString() << "limit";
    }
    void invalidInputNamesTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        QFETCH(QString, messagePart);
        const auto decoded = bus::Codec<EchoRequest>::decode(json);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().kind, BusError::Kind::DecodeError);
        QCOMPARE(decoded.error().code, 400);
        QCOMPARE(decoded.error().field, field);
        QVERIFY2(decoded.error().message.contains(messagePart),
                 qPrintable(decoded.error().message));
    }

    void unknownFieldsAreIgnored()
    {
        const auto decoded =
            bus::Codec<EchoRequest>::decode(R"({"text":"a","future":{"x":1},"v":9})");
        QVERIFY(decoded.ok());
        QCOMPARE(decoded->text, QStringLiteral("a"));
    }

    void nestedPathsAreNamed()
    {
        const auto object =
            bus::parseJsonObject(R"({"visit":{"lines":[{"dose":"1"},{"dose":7}]}})");
        QVERIFY(object.ok());
        bus::JsonReader root(*object);
        bus::JsonReader visit = root.object(QStringLiteral("visit"));
        const QJsonArray lines = visit.requiredArray(QStringLiteral("lines"), 10);
        for (qsizetype i = 0; i < lines.size(); ++i)
            visit.element(lines, QStringLiteral("lines"), i)
                .requiredString(QStringLiteral("dose"), 10);
        QVERIFY(!root.ok());
        QCOMPARE(root.error().field, QStringLiteral("visit.lines[1].dose"));
    }

    void serviceErrorHeadersBecomeTypedErrors()
    {
        bus::Message reply;
        reply.subject = "_INBOX.x.1";
        reply.headers = {{"Nats-Service-Error", "stock too low"},
                         {"Nats-Service-Error-Code", "409"}};
        reply.data = R"({"code":409,"error":"stock too low","field":"quantity"})";
        const auto decoded = bus::decodeReply<EchoReply>(reply);
        QCOMPARE(decoded.error().kind, BusError::Kind::ServiceError);
        QCOMPARE(decoded.error().code, 409);
        QCOMPARE(decoded.error().field, QStringLiteral("quantity"));
        QCOMPARE(decoded.error().message, QStringLiteral("stock too low"));
    }

    void transportErrorsPassThrough()
    {
        const auto decoded = bus::decodeReply<EchoReply>(
            BusError::make(BusError::Kind::Timeout, QStringLiteral("late"), "a.b"));
        QCOMPARE(decoded.error().kind, BusError::Kind::Timeout);
        QVERIFY(decoded.error().toString().contains(QStringLiteral("a.b")));
    }

    void publishAckDecodes()
    {
        auto ack = bus::PublishAck::fromJson(
            QJsonDocument::fromJson(R"({"stream":"OPD_EVENTS","seq":42,"duplicate":true})")
                .object());
        QVERIFY(ack.ok());
        QCOMPARE(ack->sequence, quint64{42});
        QVERIFY(ack->duplicate);
        const auto error = bus::jetStreamErrorFrom(
            QJsonDocument::fromJson(
                R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}})")
                .object(),
            "opd.events.x");
        QCOMPARE(error.kind, BusError::Kind::JetStreamError);
        QCOMPARE(error.code, 10077);
        QVERIFY(!bus::PublishAck::fromJson(QJsonObject{}).ok());
    }

    void ackMetadataParses_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<quint64>("delivered");
        QTest::addColumn<quint64>("streamSeq");
        QTest::newRow("v1") << QByteArray("$JS.ACK.OPD_EVENTS.audit.2.17.5.1700000000000000000.3")
                            << true << quint64{2} << quint64{17};
        QTest::newRow("v2") << QByteArray("$JS.ACK.hub.ACCHASH.S.C.1.9.9.1700000000000000000.0.rnd")
                            << true << quint64{1} << quint64{9};
        QTest::newRow("not js") << QByteArray("_INBOX.abc") << false << quint64{0} << quint64{0};
        QTest::newRow("bad number")
            << QByteArray("$JS.ACK.S.C.x.17.5.1.3") << false << quint64{0} << quint64{0};
    }
    void ackMetadataParses()
    {
        QFETCH(QByteArray, reply);
        QFETCH(bool, valid);
        const auto metadata = bus::AckMetadata::parse(reply);
        QCOMPARE(metadata.has_value(), valid);
        if (!valid)
            return;
        QFETCH(quint64, delivered);
        QFETCH(quint64, streamSeq);
        QCOMPARE(metadata->deliveryCount, delivered);
        QCOMPARE(metadata->streamSequence, streamSeq);
    }

    void mailboxDropsOldestBeyondCapacity()
    {
        QObject target;
        int wakes = 0;
        bus::detail::Mailbox mailbox(
            &target, [&wakes] { ++wakes; }, 3);
        for (int i = 0; i < 5; ++i) {
            bus::Message m;
            m.data = QByteArray::number(i);
            mailbox.push(std::move(m));
        }
        QCOMPARE(mailbox.dropped(), quint64{2});
        QCOMPARE(mailbox.peakSize(), qsizetype{3});
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 1); // five pushes, one posted drain
        std::vector<bus::Message> out;
        QVERIFY(mailbox.take(out, 2));             // more remain
        QCOMPARE(out.at(0).data, QByteArray("2")); // the oldest two were dropped
        out.clear();
        QVERIFY(!mailbox.take(out, 10));
        QCOMPARE(out.back().data, QByteArray("4"));
        mailbox.detach();
        mailbox.push(bus::Message{});
        std::vector<bus::Message> none;
        QVERIFY(!mailbox.take(none, 10));
        QVERIFY(none.empty());
    }

    // Messages are kept in batches that take() hands over whole; drops, partial takes and
    // batch boundaries must still give every surviving message once, oldest first.
    void mailboxKeepsOrderAcrossBatches()
    {
        QObject target;
        bus::detail::Mailbox mailbox(
            &target, [] {}, 10, 4);
        const auto pushNumbers = [&mailbox](int from, int to) {
            for (int i = from; i < to; ++i) {
                bus::Message m;
                m.data = QByteArray::number(i);
                mailbox.push(std::move(m));
            }
        };
        const auto numbers = [](const std::vector<bus::Message>& messages) {
            QList<int> out;
            for (const auto& m : messages)
                out.append(m.data.toInt());
            return out;
        };
        pushNumbers(0, 13); // 0, 1 and 2 dropped: the capacity is 10
        QCOMPARE(mailbox.dropped(), quint64{3});
        std::vector<bus::Message> out;
        QVERIFY(mailbox.take(out, 4)); // the rest of the first batch, then part of the next
        QCOMPARE(numbers(out), (QList<int>{3, 4, 5, 6}));
        mailbox.recycle(std::move(out));
        out = {};
        QVERIFY(mailbox.take(out, 1));
        QCOMPARE(numbers(out), QList<int>{7});
        out.clear();
        QVERIFY(mailbox.take(out, 4)); // a whole batch (swapped out)
        QCOMPARE(numbers(out), (QList<int>{8, 9, 10, 11}));
        mailbox.recycle(std::move(out));
        out = {};
        pushNumbers(13, 16); // fills the last batch (12) and starts a new one in the spare
        QVERIFY(!mailbox.take(out, 100));
        QCOMPARE(numbers(out), (QList<int>{12, 13, 14, 15}));
        QCOMPARE(mailbox.peakSize(), qsizetype{10});
        mailbox.recycle(std::move(out));
        out = {};
        QVERIFY(!mailbox.take(out, 100));
        QVERIFY(out.empty());
    }

    // A producer that knows more messages follow (nats.c has them queued) defers the wake
    // to the last one of the burst, or to kDeferredWakeLimit messages, or to wakeIfWaiting.
    void mailboxDefersTheWakeWhileMoreFollow()
    {
        QObject target;
        int wakes = 0;
        bus::detail::Mailbox mailbox(
            &target, [&wakes] { ++wakes; }, 1000);
        const auto pushSome = [&mailbox](int count, bool moreFollows) {
            for (int i = 0; i < count; ++i)
                mailbox.push(bus::Message{}, moreFollows);
        };
        pushSome(3, true);
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 0); // the burst goes on: nothing posted yet
        pushSome(1, false); // its last message
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 1);
        std::vector<bus::Message> out;
        QVERIFY(!mailbox.take(out, 100));
        QCOMPARE(out.size(), size_t{4});

        // A burst longer than the limit is not held back for its whole length.
        pushSome(int(bus::detail::Mailbox::kDeferredWakeLimit), true);
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 2);
        out.clear();
        QVERIFY(!mailbox.take(out, 1000));

        // A burst cut short (its subscription closed) is woken by wakeIfWaiting.
        pushSome(2, true);
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 2);
        mailbox.wakeIfWaiting();
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 3);
        out.clear();
        QVERIFY(!mailbox.take(out, 1000));
        mailbox.wakeIfWaiting(); // nothing waiting: nothing posted
        QCoreApplication::processEvents();
        QCOMPARE(wakes, 3);
    }
};

QTEST_GUILESS_MAIN(TestBusCodec)
#include "test_bus_codec.moc"
