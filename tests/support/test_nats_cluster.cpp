// Proves NatsCluster: three nats-server processes on loopback form a cluster with clustered
// JetStream; a stream with 3 replicas keeps answering (and accepting messages) through a
// client that knows all URLs while the node leading it is SIGKILLed; the node comes back on
// the same port with its store and catches up.

#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "service/jetstream_probe.h"
#include "support/nats_cluster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <optional>

using namespace openopd;
using namespace openopd::testing;
using namespace Qt::StringLiterals;

namespace {

QJsonObject streamInfo(bus::Connection& client)
{
    return jetStreamQuery(client, "STREAM.INFO.CLUSTERTEST");
}

// A JetStream publish (a request answered by the stream leader's PubAck); true once acked.
bool publishAcked(bus::Connection& client, const QByteArray& subject, const QByteArray& data)
{
    const QJsonObject ack = callJson(client, subject, {{u"data"_s, QString::fromUtf8(data)}}, 3000);
    return ack.value(u"stream"_s).toString() == u"CLUSTERTEST"_s;
}

int nodeOf(NatsCluster& cluster, const QString& serverName)
{
    for (int i = 0; i < cluster.size(); ++i)
        if (serverName == u"test_"_s + QString::number(cluster.node(i).port()))
            return i;
    return -1;
}

} // namespace

class TestNatsCluster : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        m_library.emplace();
    }

    void replicatedStreamSurvivesTheKillOfItsLeader()
    {
        NatsCluster cluster(3);
        QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));
        QCOMPARE(cluster.urlList().size(), 3);
        QCOMPARE(cluster.urls().count(u','), 2);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(cluster.isRunning(i));
            QVERIFY(cluster.processId(i) > 0);
            const QJsonObject routez =
                QJsonDocument::fromJson(cluster.monitor(i, "/routez")).object();
            QCOMPARE(routez.value(u"num_routes"_s).toInt(), 2);
        }

        bus::ConnectionOptions options = optionsFor(cluster.url(0));
        options.servers = cluster.urlList();
        options.reconnectWait = std::chrono::milliseconds(100);
        auto client = connectTo(options);
        QVERIFY(client);
        const QJsonObject created = jetStreamQuery(*client, "STREAM.CREATE.CLUSTERTEST",
                                                   {{u"name"_s, u"CLUSTERTEST"_s},
                                                    {u"subjects"_s, QJsonArray{u"clustertest.>"_s}},
                                                    {u"num_replicas"_s, 3},
                                                    {u"storage"_s, u"file"_s}});
        QVERIFY2(created.value(u"error"_s).isUndefined(),
                 QJsonDocument(created).toJson().constData());
        for (int k = 0; k < 10; ++k)
            QVERIFY(QTest::qWaitFor([&] { return publishAcked(*client, "clustertest.a", "x"); },
                                    20000));
        QJsonObject info = streamInfo(*client);
        QCOMPARE(info.value(u"config"_s).toObject().value(u"num_replicas"_s).toInt(), 3);
        QCOMPARE(info.value(u"state"_s).toObject().value(u"messages"_s).toInteger(), 10);
        const QString leader = info.value(u"cluster"_s).toObject().value(u"leader"_s).toString();
        const int victim = nodeOf(cluster, leader);
        QVERIFY2(victim >= 0, qPrintable(leader));
        QCOMPARE(info.value(u"cluster"_s).toObject().value(u"replicas"_s).toArray().size(), 2);

        // The stream's leader crashes: another node leads, nothing is lost, it takes more.
        const quint16 port = cluster.node(victim).port();
        const QString store = cluster.node(victim).storeDir();
        cluster.kill(victim);
        QVERIFY(!cluster.isRunning(victim));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         info = streamInfo(*client);
                         const QString now =
                             info.value(u"cluster"_s).toObject().value(u"leader"_s).toString();
                         return !now.isEmpty() && now != leader;
                     },
                     30000),
                 QJsonDocument(info).toJson().constData());
        QCOMPARE(info.value(u"state"_s).toObject().value(u"messages"_s).toInteger(), 10);
        QVERIFY(
            QTest::qWaitFor([&] { return publishAcked(*client, "clustertest.b", "y"); }, 20000));

        // It comes back as the same server (port, store) and catches up.
        QVERIFY2(cluster.startNode(victim), qPrintable(cluster.errorString()));
        QCOMPARE(cluster.node(victim).port(), port);
        QCOMPARE(cluster.node(victim).storeDir(), store);
        QVERIFY2(cluster.waitForRoutes(victim), qPrintable(cluster.errorString()));
        QVERIFY2(cluster.waitForHealthy(victim), qPrintable(cluster.errorString()));
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         info = streamInfo(*client);
                         const QJsonArray replicas =
                             info.value(u"cluster"_s).toObject().value(u"replicas"_s).toArray();
                         if (replicas.size() != 2)
                             return false;
                         for (const QJsonValue& replica : replicas)
                             if (!replica.toObject().value(u"current"_s).toBool())
                                 return false;
                         return true;
                     },
                     30000),
                 QJsonDocument(info).toJson().constData());
        QCOMPARE(info.value(u"state"_s).toObject().value(u"messages"_s).toInteger(), 11);
        client.reset();
        cluster.stop();
        for (int i = 0; i < 3; ++i)
            QVERIFY(!cluster.isRunning(i));
    }
};

QTEST_GUILESS_MAIN(TestNatsCluster)
#include "test_nats_cluster.moc"
