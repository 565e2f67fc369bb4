// Staff requests across a cluster after a node reload and a node restart (nats-server 2.9.10).
//
// Every sign-in makes each node reload its users. nats-server 2.9.10 then gives the reply
// subjects of staff -> service requests (_R_.<prefix>.>, the cross-account service import)
// a new prefix and announces it only to the routes up at that moment; a node that connects
// later learns the stale prefix, and a service connected to it answers staff on the reloaded
// node into nothing (found by test_opd_cluster_faults: searches timed out for minutes after
// a node came back). The auth agent watches its node's routes and reloads the node when one
// comes up (backend-services/nats-auth/route_watch.h).
//
// Two nodes with the generated accounts. A reception session on node 1, a registration
// service user answering opd.registration.patient.search on node 2. Node 1 reloads (a
// sign-in), node 2 is SIGKILLed and started again. Without an agent the answers are lost
// (the defect, checked so that this test shows what it guards against); with node 1's agent
// watching the routes (--monitor-url) they arrive again within seconds.

#include "access_test_util.h"
#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "nats-auth/route_watch.h"
#include "protocol/endpoints.h"
#include "support/nats_cluster.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTest>
#include <csignal>
#include <memory>
#include <optional>

using namespace openopd;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using protocol::StaffRole;
using testing::StaffLogin;

namespace {

const QByteArray kSubject = protocol::kSearchPatients.subject;

bus::ConnectionOptions as(const QString& url, const QString& user, const QString& password)
{
    bus::ConnectionOptions options = testing::optionsFor(url);
    options.user = user;
    options.password = password;
    return options;
}

// One request with a short timeout: did an answer come?
bool answered(bus::Connection& connection, int timeoutMs)
{
    std::optional<bool> ok;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    connection.request(kSubject, QByteArrayLiteral("{}"), options, &connection,
                       [&](bus::Result<bus::Message> reply) { ok = reply.ok(); });
    (void)QTest::qWaitFor([&] { return ok.has_value(); }, timeoutMs + 5000);
    return ok.value_or(false);
}

// Asks every 100 ms (1 s per answer) until one answer comes; the time it took, or -1.
qint64 firstAnswerWithin(bus::Connection& connection, int budgetMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < budgetMs) {
        if (answered(connection, 1000))
            return timer.elapsed();
        QTest::qWait(100);
    }
    return -1;
}

} // namespace

class TestNatsAuthRoutes : public QObject
{
    Q_OBJECT

private:
    std::optional<bus::NatsLibrary> m_library;

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        m_library.emplace();
        QVERIFY2(QFileInfo::exists(QStringLiteral(OPENOPD_NATS_AUTH_EXE)), OPENOPD_NATS_AUTH_EXE);
    }

    void routez_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QStringList>("routes");
        QTest::newRow("two routes")
            << QByteArray(R"({"server_id":"NA","num_routes":2,"routes":[)"
                          R"({"rid":7,"remote_id":"NB"},{"rid":9,"remote_id":"NC"}]})")
            << true << QStringList{u"NB/7"_s, u"NC/9"_s};
        QTest::newRow("no route (the array left out)")
            << QByteArray(R"({"server_id":"NA","num_routes":0})") << true << QStringList{};
        QTest::newRow("not JSON") << QByteArray("404 page not found") << false << QStringList{};
        QTest::newRow("not routez") << QByteArray(R"({"routes":[]})") << false << QStringList{};
        QTest::newRow("routes not an array")
            << QByteArray(R"({"server_id":"NA","routes":{}})") << false << QStringList{};
        QTest::newRow("route without rid")
            << QByteArray(R"({"server_id":"NA","routes":[{"remote_id":"NB"}]})") << false
            << QStringList{};
    }
    void routez()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, valid);
        QFETCH(QStringList, routes);
        QString error;
        QString serverId;
        const std::optional<QSet<QString>> parsed = natsauth::parseRoutez(body, &error, &serverId);
        QCOMPARE(parsed.has_value(), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            return;
        }
        QCOMPARE(serverId, u"NA"_s);
        QCOMPARE(natsauth::joinedRoutes({}, *parsed), routes);
    }

    void nodeRankOrdersTheRoutedNodesAlike()
    {
        // Three nodes, each ranks itself among the others by server id: 0, 1, 2, whatever
        // the connection ids; a node with two routes (a duplicate being replaced) counts once.
        QCOMPARE(natsauth::nodeRank(u"NA"_s, {u"NB/7"_s, u"NC/9"_s}), 0);
        QCOMPARE(natsauth::nodeRank(u"NB"_s, {u"NA/3"_s, u"NC/4"_s}), 1);
        QCOMPARE(natsauth::nodeRank(u"NC"_s, {u"NB/8"_s, u"NA/2"_s, u"NA/5"_s}), 2);
        QCOMPARE(natsauth::nodeRank(u"NC"_s, {}), 0);
    }

    void joinedRoutesAreTheNewOnes()
    {
        // A node that restarts comes back with a new server id; a route that reconnects has a
        // new connection id. A route that went away is not news.
        const QSet<QString> before{u"NB/7"_s, u"NC/9"_s};
        QCOMPARE(natsauth::joinedRoutes(before, before), QStringList{});
        QCOMPARE(natsauth::joinedRoutes(before, {u"NB/7"_s}), QStringList{});
        QCOMPARE(natsauth::joinedRoutes(before, {u"NB/7"_s, u"NX/12"_s}), QStringList{u"NX/12"_s});
        QCOMPARE(natsauth::joinedRoutes(before, {u"NB/11"_s, u"NC/9"_s}), QStringList{u"NB/11"_s});
    }

    void answersReachAReloadedNodeAfterAnotherNodeRestarts_data()
    {
        QTest::addColumn<bool>("agent");
        QTest::newRow("no agent: the nats-server defect") << false;
        QTest::newRow("agent watching the routes") << true;
    }
    void answersReachAReloadedNodeAfterAnotherNodeRestarts()
    {
        QFETCH(bool, agent);
        testing::NatsCluster cluster(2);
        testing::GeneratedAccounts accounts;
        natsauth::AccountsOptions options;
        options.jetStream = false;
        const StaffLogin clerk = StaffLogin::make(u"clerk"_s, {StaffRole::Reception});
        const StaffLogin nurse = StaffLogin::make(u"nurse"_s, {StaffRole::Reception});
        for (int i = 0; i < cluster.size(); ++i) {
            const QString dir = cluster.directory(i);
            QVERIFY(!dir.isEmpty());
            if (i == 0) {
                QVERIFY(accounts.write(dir, options, {clerk.entry()}));
            } else {
                QVERIFY(QFile::copy(cluster.directory(0) + u"/accounts.conf"_s,
                                    dir + u"/accounts.conf"_s));
                QVERIFY(QFile::copy(cluster.directory(0) + u"/staff-users.conf"_s,
                                    dir + u"/staff-users.conf"_s));
            }
            cluster.setNodeConfig(
                i, u"pid_file: \"%1/nats.pid\"\ninclude \"accounts.conf\"\n"_s.arg(dir));
        }
        QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));

        // The service answers on node 2 only; reception asks on node 1 only.
        int served = 0;
        auto serveOnNode2 = [&] {
            auto service =
                testing::connectTo(as(cluster.url(1), u"svc.registration"_s,
                                      accounts.servicePasswords.value(u"svc.registration"_s)));
            if (service)
                service->subscribe(
                    kSubject, service.get(), [&served, s = service.get()](const bus::Message& m) {
                        ++served;
                        s->publish(m.reply, QByteArrayLiteral("{\"v\":1,\"patients\":[]}"));
                    });
            return service;
        };
        auto service = serveOnNode2();
        QVERIFY(service);
        auto reception = testing::connectTo(as(cluster.url(0), clerk.user(), clerk.password));
        QVERIFY(reception);
        QVERIFY2(firstAnswerWithin(*reception, 10000) >= 0, "no answer across the route at all");

        std::unique_ptr<QProcess> agentProcess;
        if (agent) {
            agentProcess = std::make_unique<QProcess>();
            agentProcess->setProcessChannelMode(QProcess::SeparateChannels);
            agentProcess->start(QStringLiteral(OPENOPD_NATS_AUTH_EXE),
                                {u"agent"_s, u"--nats-url"_s, cluster.urls(), u"--users-file"_s,
                                 cluster.directory(0) + u"/staff-users.conf"_s, u"--pid-file"_s,
                                 cluster.directory(0) + u"/nats.pid"_s, u"--password-stdin"_s,
                                 u"--interval-ms"_s, u"500"_s, u"--monitor-url"_s,
                                 u"http://127.0.0.1:%1"_s.arg(cluster.monitorPort(0))});
            QVERIFY(agentProcess->waitForStarted(5000));
            agentProcess->write(accounts.servicePasswords.value(u"svc.nats-auth"_s).toLatin1() +
                                '\n');
            agentProcess->closeWriteChannel();
            QTest::qWait(1500); // its first look at the routes (and the reload it makes)
        }

        // A sign-in: node 1's users change and it reloads them.
        QString error;
        QVERIFY(natsauth::writeFileAtomically(
            cluster.directory(0) + u"/staff-users.conf"_s,
            natsauth::renderStaffUsers({clerk.entry(), nurse.entry()}), &error));
        QCOMPARE(::kill(static_cast<pid_t>(cluster.processId(0)), SIGHUP), 0);
        QTest::qWait(500);
        QVERIFY2(firstAnswerWithin(*reception, 5000) >= 0, "no answer right after the reload");

        // Node 2 crashes and comes back; the service connects to it again (a new connection:
        // the old one would move to node 1, which the cluster told it about).
        cluster.kill(1);
        service.reset();
        QVERIFY2(cluster.startNode(1), qPrintable(cluster.errorString()));
        QVERIFY(cluster.waitForRoutes(1));
        QVERIFY(cluster.waitForRoutes(0));
        service = serveOnNode2();
        QVERIFY(service);
        QTest::qWait(200); // the subscription's interest reaches node 1

        const int servedBefore = served;
        const qint64 tookMs = firstAnswerWithin(*reception, agent ? 10000 : 5000);
        if (!agent) {
            // Still asked of the service (the requests do cross the route), answered, lost.
            QVERIFY2(tookMs < 0, "nats-server no longer loses these answers: if Debian's "
                                 "nats-server is fixed, the agent's route watch can go");
            QVERIFY2(served > servedBefore, "the requests did not reach the service");
            return;
        }
        QVERIFY2(tookMs >= 0, "answers from the restarted node are still lost");
        qInfo("answers across the route again %lld ms after node 2 was routed", tookMs);
        QVERIFY(answered(*reception, 2000));
        // The second reload once the routes settled (2 or 4 intervals after the join, by rank).
        QByteArray agentLog;
        QTRY_VERIFY_WITH_TIMEOUT(
            (agentLog += agentProcess->readAllStandardError()).contains("routes settled"), 8000);
        QVERIFY(answered(*reception, 2000));
        agentProcess->terminate();
        QVERIFY(agentProcess->waitForFinished(5000));
    }
};

QTEST_GUILESS_MAIN(TestNatsAuthRoutes)
#include "test_nats_auth_routes.moc"
