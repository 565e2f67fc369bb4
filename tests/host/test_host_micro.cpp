// The NATS Service API against a real nats-server: every $SRV form answered by the right
// instances with the shapes nats.go/micro produces, typed service errors, statistics, stop.

#include "bus/bus_test_util.h"
#include "bus/json_reader.h"
#include "bus/nats_library.h"
#include "host/micro_service.h"
#include "micro_shapes.h"
#include "support/nats_server.h"

#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

namespace {

struct Text
{
    QString text;
    QJsonObject toJson() const { return {{QStringLiteral("text"), text}}; }
    static bus::Result<Text> fromJson(const QJsonObject& object)
    {
        bus::JsonReader reader(object);
        Text value{reader.requiredString(QStringLiteral("text"), 100)};
        if (!reader.ok())
            return reader.error();
        return value;
    }
};

constexpr bus::Endpoint<Text, Text> kEcho{"test.host.echo"};
constexpr bus::Endpoint<Text, Text> kSlow{"test.host.slow"};
constexpr bus::Endpoint<Text, Text> kFail{"test.host.fail"};
constexpr int kSlowMs = 20;

} // namespace

class TestHostMicro : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_connections[3];
    std::unique_ptr<bus::Connection> m_client;
    std::unique_ptr<host::MicroService> m_echo1, m_echo2, m_other;

    std::unique_ptr<host::MicroService> makeService(bus::Connection& connection,
                                                    const QString& name)
    {
        host::MicroServiceConfig config{name,
                                        QStringLiteral("1.2.3-rc.1+build.5"),
                                        QStringLiteral("test service ") + name,
                                        {{QStringLiteral("site"), QStringLiteral("ward 4")}}};
        auto service = std::make_unique<host::MicroService>(connection, config);
        // This server has no accounts, so no request carries a verified caller.
        service->setCallerPolicy(host::CallerPolicy::InsecureNoAuth);
        return service;
    }

    // Every reply to one request on subject, collected for waitMs.
    QList<std::pair<QByteArray, QJsonObject>> collect(const QByteArray& subject, int waitMs = 500)
    {
        QList<std::pair<QByteArray, QJsonObject>> replies;
        QObject owner;
        const QByteArray inbox = m_client->newInbox();
        m_client->subscribe(inbox, &owner, [&replies](const bus::Message& m) {
            if (m.status == 503) // the server's "no responders": nobody answered
                return;
            replies.append({m.data, QJsonDocument::fromJson(m.data).object()});
        });
        m_client->publish(subject, {}, {}, inbox);
        QTest::qWait(waitMs);
        return replies;
    }

    bus::Result<Text> call(const bus::Endpoint<Text, Text>& endpoint, const QString& text)
    {
        std::optional<bus::Result<Text>> outcome;
        bus::request(*m_client, endpoint, Text{text}, this,
                     [&outcome](bus::Result<Text> reply) { outcome = std::move(reply); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
            return BusError::make(BusError::Kind::Timeout, QStringLiteral("no outcome"));
        return *outcome;
    }

    QJsonObject endpointStats(const QString& endpointName)
    {
        const auto replies = collect("$SRV.STATS.other." + m_other->id().toUtf8(), 300);
        if (replies.size() != 1)
            return {};
        for (const QJsonValue& e :
             replies.first().second.value(QStringLiteral("endpoints")).toArray())
            if (e.toObject().value(QStringLiteral("name")).toString() == endpointName)
                return e.toObject();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        for (auto& connection : m_connections) {
            connection = connectTo(m_server.url());
            QVERIFY(connection);
        }
        m_client = connectTo(m_server.url());
        QVERIFY(m_client);
        m_echo1 = makeService(*m_connections[0], QStringLiteral("echo"));
        m_echo2 = makeService(*m_connections[1], QStringLiteral("echo"));
        m_other = makeService(*m_connections[2], QStringLiteral("other"));
        for (auto* service : {m_echo1.get(), m_echo2.get()})
            QVERIFY(service->addEndpoint(QStringLiteral("echo"), kEcho,
                                         [](const Text& request, bus::Replier<Text> replier) {
                                             if (request.text == QStringLiteral("fail"))
                                                 return replier.fail(
                                                     404, QStringLiteral("no such patient"));
                                             replier.reply(request);
                                         },
                                         {{QStringLiteral("kind"), QStringLiteral("echo")}}));
        QVERIFY(m_other->addEndpoint(
            QStringLiteral("slow"), kSlow, [](const Text& request, bus::Replier<Text> replier) {
                const int ms = request.text == QStringLiteral("long") ? 300 : kSlowMs;
                QTimer::singleShot(ms, [request, replier]() mutable { replier.reply(request); });
            }));
        QVERIFY(m_other->addEndpoint(QStringLiteral("fail"), kFail,
                                     [](const Text&, bus::Replier<Text> replier) {
                                         replier.fail(409, QStringLiteral("visit already open"));
                                     }));
        QTest::qWait(200); // let the subscriptions reach the server
    }

    void idsAreUnique()
    {
        const QSet<QString> ids{m_echo1->id(), m_echo2->id(), m_other->id()};
        QCOMPARE(ids.size(), 3);
        QVERIFY(m_echo1->isValid());
    }

    void everyFormIsAnsweredByTheRightInstances_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<int>("form"); // 0 all, 1 by name, 2 by name and id, 3 wrong name
        for (const char* verb : {"PING", "INFO", "STATS"})
            for (int form = 0; form < 4; ++form)
                QTest::addRow("%s-%d", verb, form) << QString::fromLatin1(verb) << form;
    }

    void everyFormIsAnsweredByTheRightInstances()
    {
        QFETCH(QString, verb);
        QFETCH(int, form);
        const QString echo = QStringLiteral("echo");
        const QString subject = form == 0   ? QStringLiteral("$SRV.") + verb
                                : form == 1 ? QStringLiteral("$SRV.%1.echo").arg(verb)
                                : form == 2
                                    ? QStringLiteral("$SRV.%1.echo.%2").arg(verb, m_echo2->id())
                                    : QStringLiteral("$SRV.%1.other.%2").arg(verb, m_echo1->id());
        const QSet<QString> expected =
            form == 0   ? QSet<QString>{m_echo1->id(), m_echo2->id(), m_other->id()}
            : form == 1 ? QSet<QString>{m_echo1->id(), m_echo2->id()}
            : form == 2 ? QSet<QString>{m_echo2->id()}
                        : QSet<QString>{};
        QSet<QString> answered;
        for (const auto& [raw, reply] : collect(subject.toUtf8())) {
            const QString id = reply.value(QStringLiteral("id")).toString();
            QVERIFY2(!answered.contains(id), qPrintable(QStringLiteral("twice: ") + id));
            answered.insert(id);
            const QString problem = checkShape(verb, raw, reply);
            QVERIFY2(problem.isEmpty(),
                     qPrintable(problem + QStringLiteral(" in ") + QString::fromUtf8(raw)));
            QCOMPARE(reply.value(QStringLiteral("name")).toString(),
                     id == m_other->id() ? QStringLiteral("other") : echo);
            QCOMPARE(reply.value(QStringLiteral("metadata")).toObject(),
                     QJsonObject({{QStringLiteral("site"), QStringLiteral("ward 4")}}));
            if (verb != QStringLiteral("PING"))
                QCOMPARE(reply.value(QStringLiteral("endpoints")).toArray().size(),
                         id == m_other->id() ? 2 : 1);
        }
        QCOMPARE(answered, expected);
    }

    void infoDescribesEndpoints()
    {
        const auto replies = collect("$SRV.INFO.echo." + m_echo1->id().toUtf8(), 300);
        QCOMPARE(replies.size(), 1);
        const QJsonObject info = replies.first().second;
        QCOMPARE(info.value(QStringLiteral("description")).toString(),
                 QStringLiteral("test service echo"));
        const QJsonObject e = info.value(QStringLiteral("endpoints")).toArray().first().toObject();
        QCOMPARE(e.value(QStringLiteral("name")).toString(), QStringLiteral("echo"));
        QCOMPARE(e.value(QStringLiteral("subject")).toString(), QStringLiteral("test.host.echo"));
        QCOMPARE(e.value(QStringLiteral("queue_group")).toString(), QStringLiteral("q"));
        QCOMPARE(e.value(QStringLiteral("metadata")).toObject(),
                 QJsonObject({{QStringLiteral("kind"), QStringLiteral("echo")}}));
    }

    void handlerErrorIsATypedServiceError()
    {
        const auto ok = call(kEcho, QStringLiteral("hello"));
        QVERIFY2(ok.ok(), qPrintable(ok.error().toString()));
        QCOMPARE(ok->text, QStringLiteral("hello"));
        const auto failed = call(kEcho, QStringLiteral("fail"));
        QCOMPARE(failed.error().kind, BusError::Kind::ServiceError);
        QCOMPARE(failed.error().code, 404);
        QCOMPARE(failed.error().message, QStringLiteral("no such patient"));
    }

    void statsCountRequestsErrorsAndTime()
    {
        for (int i = 0; i < 3; ++i)
            QVERIFY(call(kSlow, QStringLiteral("s")).ok());
        for (int i = 0; i < 2; ++i)
            QCOMPARE(call(kFail, QStringLiteral("f")).error().code, 409);
        // A request that does not decode: answered 400 by the host, counted as an error.
        std::optional<bus::Result<bus::Message>> bad;
        m_client->request(kSlow.subjectBytes(), QByteArrayLiteral("{\"text\":5}"), {}, this,
                          [&bad](bus::Result<bus::Message> reply) { bad = std::move(reply); });
        QTRY_VERIFY(bad.has_value());
        QCOMPARE(bus::decodeReply<Text>(std::move(*bad)).error().code, 400);

        const QJsonObject slow = endpointStats(QStringLiteral("slow"));
        QCOMPARE(slow.value(QStringLiteral("num_requests")).toInteger(), 4);
        QCOMPARE(slow.value(QStringLiteral("num_errors")).toInteger(), 1);
        QVERIFY(slow.value(QStringLiteral("last_error"))
                    .toString()
                    .startsWith(QStringLiteral("400:text")));
        const qint64 total = slow.value(QStringLiteral("processing_time")).toInteger();
        QVERIFY2(total >= 3LL * kSlowMs * 1000000, qPrintable(QString::number(total)));
        QCOMPARE(slow.value(QStringLiteral("average_processing_time")).toInteger(), total / 4);

        const QJsonObject fail = endpointStats(QStringLiteral("fail"));
        QCOMPARE(fail.value(QStringLiteral("num_requests")).toInteger(), 2);
        QCOMPARE(fail.value(QStringLiteral("num_errors")).toInteger(), 2);
        QCOMPARE(fail.value(QStringLiteral("last_error")).toString(),
                 QStringLiteral("409:visit already open"));
        QCOMPARE(m_other->inFlight(), 0);
    }

    void invalidConfigIsRefused()
    {
        auto badName = makeService(*m_client, QStringLiteral("bad name"));
        QVERIFY(!badName->isValid());
        QVERIFY(badName->errorString().startsWith(QStringLiteral("name:")));
        host::MicroService badVersion(*m_client,
                                      {QStringLiteral("x"), QStringLiteral("1.0"), {}, {}});
        QVERIFY(badVersion.errorString().startsWith(QStringLiteral("version:")));
        // PCRE's '$' also matches before a final newline: the whole text must match.
        auto newlineName = makeService(*m_client, QStringLiteral("echo\n"));
        QVERIFY(newlineName->errorString().startsWith(QStringLiteral("name:")));
        host::MicroService newlineVersion(*m_client,
                                          {QStringLiteral("x"), QStringLiteral("1.0.0\n"), {}, {}});
        QVERIFY(newlineVersion.errorString().startsWith(QStringLiteral("version:")));
        QVERIFY(!badVersion.addEndpoint(QStringLiteral("e"), kEcho,
                                        [](const Text&, bus::Replier<Text>) {}));
        QVERIFY(!m_echo1->addEndpoint(QStringLiteral("a.b"), kEcho,
                                      [](const Text&, bus::Replier<Text>) {}));
    }

    void stopWaitsForInFlightThenDrains()
    {
        QSignalSpy drained(m_other.get(), &host::MicroService::drained);
        std::optional<bus::Result<Text>> outcome;
        bus::request(*m_client, kSlow, Text{QStringLiteral("long")}, this,
                     [&outcome](bus::Result<Text> reply) { outcome = std::move(reply); });
        QTRY_COMPARE(m_other->inFlight(), 1);
        m_other->stop();
        QCOMPARE(drained.count(), 0);
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->ok());
        QTRY_COMPARE(drained.count(), 1);
        QVERIFY(collect("$SRV.PING.other", 300).isEmpty());
        QCOMPARE(call(kSlow, QStringLiteral("x")).error().kind, BusError::Kind::NoResponders);
        QCOMPARE(collect("$SRV.PING.echo", 300).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestHostMicro)
#include "test_host_micro.moc"
