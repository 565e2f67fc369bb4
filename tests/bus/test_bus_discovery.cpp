// Service discovery against real service-host services (host::MicroService) on a real
// nats-server: PING / INFO / STATS collected from every instance and decoded.

#include "bus/nats_library.h"
#include "bus/service_discovery.h"
#include "bus_test_util.h"
#include "host/micro_service.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QSet>
#include <QTest>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

class TestBusDiscovery : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_serviceConnection;
    std::unique_ptr<bus::Connection> m_client;
    std::unique_ptr<host::MicroService> m_echoA, m_echoB, m_other;

    std::unique_ptr<host::MicroService> makeService(const QString& name)
    {
        host::MicroServiceConfig config{name,
                                        QStringLiteral("2.1.0-rc.1"),
                                        QStringLiteral("discovery test ") + name,
                                        {{QStringLiteral("site"), QStringLiteral("ward 4")}}};
        auto service = std::make_unique<host::MicroService>(*m_serviceConnection, config);
        service->setCallerPolicy(host::CallerPolicy::InsecureNoAuth);
        return service;
    }

    template <class T, class F> std::optional<bus::Discovery<T>> wait(F start)
    {
        std::optional<bus::Discovery<T>> outcome;
        start(std::chrono::milliseconds(300),
              [&outcome](bus::Discovery<T> result) { outcome = std::move(result); });
        if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 5000))
            return std::nullopt;
        return outcome;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_serviceConnection = connectTo(m_server.url());
        m_client = connectTo(m_server.url());
        QVERIFY(m_serviceConnection && m_client);
        m_echoA = makeService(QStringLiteral("echo"));
        m_echoB = makeService(QStringLiteral("echo"));
        m_other = makeService(QStringLiteral("other"));
        for (auto* service : {m_echoA.get(), m_echoB.get()})
            QVERIFY(service->addEndpoint(QStringLiteral("echo"), kEcho,
                                         [](const EchoRequest& r, bus::Replier<EchoReply> replier) {
                                             replier.reply(EchoReply{r.text});
                                         }));
        QTest::qWait(200);
    }

    void pingFindsEveryInstance()
    {
        const auto all = wait<bus::ServicePing>([this](auto window, auto done) {
            bus::discoverPing(*m_client, {}, window, this, done);
        });
        QVERIFY(all.has_value());
        QVERIFY(!all->error.isError());
        QVERIFY(all->invalid.isEmpty());
        QSet<QString> ids;
        for (const bus::ServicePing& ping : all->services) {
            ids.insert(ping.id);
            QCOMPARE(ping.version, QStringLiteral("2.1.0-rc.1"));
            QCOMPARE(ping.metadata.value(QStringLiteral("site")), QStringLiteral("ward 4"));
        }
        QCOMPARE(ids, (QSet<QString>{m_echoA->id(), m_echoB->id(), m_other->id()}));

        const auto echo = wait<bus::ServicePing>([this](auto window, auto done) {
            bus::discoverPing(*m_client, QStringLiteral("echo"), window, this, done);
        });
        QVERIFY(echo.has_value());
        QCOMPARE(echo->services.size(), 2);
    }

    void infoAndStatsDecode()
    {
        bool answered = false;
        m_client->request(kEcho.subjectBytes(), QByteArrayLiteral(R"({"text":"x"})"), {}, this,
                          [&](bus::Result<bus::Message> r) { answered = r.ok(); });
        QTRY_VERIFY(answered);

        const auto info = wait<bus::ServiceInfo>([this](auto window, auto done) {
            bus::discoverInfo(*m_client, QStringLiteral("echo"), window, this, done);
        });
        QVERIFY(info.has_value());
        QVERIFY(info->invalid.isEmpty());
        QCOMPARE(info->services.size(), 2);
        const bus::ServiceInfo& first = info->services.at(0);
        QCOMPARE(first.description, QStringLiteral("discovery test echo"));
        QCOMPARE(first.endpoints.size(), 1);
        QCOMPARE(first.endpoints.at(0).subject, QString::fromLatin1(kEcho.subject));
        QCOMPARE(first.endpoints.at(0).queueGroup, QStringLiteral("q"));

        const auto stats = wait<bus::ServiceStats>([this](auto window, auto done) {
            bus::discoverStats(*m_client, QStringLiteral("echo"), window, this, done);
        });
        QVERIFY(stats.has_value());
        QVERIFY(stats->invalid.isEmpty());
        QCOMPARE(stats->services.size(), 2);
        qint64 requests = 0;
        for (const bus::ServiceStats& s : stats->services) {
            QVERIFY(s.started.isValid());
            QVERIFY(qAbs(s.started.secsTo(QDateTime::currentDateTimeUtc())) < 120);
            requests += s.endpoints.at(0).numRequests;
        }
        QCOMPARE(requests, 1); // one of the two instances (queue group) answered it
    }

    // A responder that answers $SRV.PING with something else is reported, not dropped.
    void invalidReplyIsReported()
    {
        QObject owner;
        m_serviceConnection->subscribe("$SRV.PING.broken", &owner, [this](const bus::Message& m) {
            m_serviceConnection->publish(m.reply, QByteArrayLiteral(R"({"type":"x"})"));
        });
        QTest::qWait(100);
        const auto broken = wait<bus::ServicePing>([this](auto window, auto done) {
            bus::discoverPing(*m_client, QStringLiteral("broken"), window, this, done);
        });
        QVERIFY(broken.has_value());
        QVERIFY(broken->services.isEmpty());
        QCOMPARE(broken->invalid.size(), 1);
        QCOMPARE(broken->invalid.at(0).field, QStringLiteral("type"));
    }

    void nobodyThereIsAnEmptyAnswer()
    {
        const auto none = wait<bus::ServicePing>([this](auto window, auto done) {
            bus::discoverPing(*m_client, QStringLiteral("nobody"), window, this, done);
        });
        QVERIFY(none.has_value());
        QVERIFY(none->services.isEmpty());
        QVERIFY(none->invalid.isEmpty());
        QVERIFY(!none->error.isError());
    }

    void cleanupTestCase()
    {
        m_echoA.reset();
        m_echoB.reset();
        m_other.reset();
        m_client.reset();
        m_serviceConnection.reset();
    }
};

QTEST_GUILESS_MAIN(TestBusDiscovery)
#include "test_bus_discovery.moc"
