// The agent end to end: nats-server with the generated accounts, a stub identity service
// (as svc.identity) answering opd.identity.internal.nats_users, and the real
// `openopd-nats-auth agent` process. A user the stub adds can connect within 5 s; a user it
// removes is cut off within 5 s. The same on a three-node cluster, one agent per node.

#include "access_test_util.h"
#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "support/nats_server.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
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

// The identity service's side of the agent's protocol.
class StubIdentity : public QObject
{
public:
    explicit StubIdentity(bus::Connection& connection) : m_connection(connection)
    {
        connection.subscribe(natsauth::kNatsUsersSubject, this, [this](const bus::Message& m) {
            if (m_silent)
                return; // identity is down
            QJsonArray users;
            for (const natsauth::UserEntry& entry : std::as_const(m_users)) {
                QJsonObject user{{u"user"_s, entry.user},
                                 {u"password_hash"_s, QString::fromLatin1(entry.passwordHash)}};
                if (entry.expiresAt.isValid())
                    user.insert(u"expires_at"_s, entry.expiresAt.toString(Qt::ISODateWithMs));
                users.append(user);
            }
            const QJsonObject body{{u"v"_s, 1}, {u"version"_s, m_version}, {u"users"_s, users}};
            ++m_requests;
            m_connection.publish(m.reply, QJsonDocument(body).toJson(QJsonDocument::Compact));
        });
    }
    void setUsers(QList<natsauth::UserEntry> users, bool notify)
    {
        m_users = std::move(users);
        ++m_version;
        if (notify)
            m_connection.publish(natsauth::kUsersChangedSubject, {});
    }
    int requests() const { return m_requests; }
    void setSilent(bool silent) { m_silent = silent; }

private:
    bus::Connection& m_connection;
    QList<natsauth::UserEntry> m_users;
    qint64 m_version = 1;
    int m_requests = 0;
    bool m_silent = false;
};

// One nats-server with freshly generated accounts (accounts.conf and staff-users.conf in dir)
// and a stand-in for identity connected as svc.identity.
struct StubbedNode
{
    QTemporaryDir dir;
    testing::GeneratedAccounts accounts;
    std::unique_ptr<testing::NatsServer> server;
    std::unique_ptr<bus::Connection> identity;
    std::unique_ptr<StubIdentity> stub;
    QString error;

    bool start()
    {
        if (!dir.isValid() || !accounts.write(dir.path())) {
            error = u"cannot write the accounts"_s;
            return false;
        }
        server = std::make_unique<testing::NatsServer>(
            u"include \"../"_s + QFileInfo(dir.path()).fileName() + u"/accounts.conf\"\n"_s);
        if (!server->start()) {
            error = server->errorString();
            return false;
        }
        bus::ConnectionOptions options = testing::optionsFor(server->url());
        options.user = u"svc.identity"_s;
        options.password = accounts.servicePasswords.value(options.user);
        identity = testing::connectTo(options);
        if (!identity) {
            error = u"svc.identity cannot connect"_s;
            return false;
        }
        stub = std::make_unique<StubIdentity>(*identity);
        return true;
    }
};

// Tries fresh connections until one gets in (or the time is up); returns it.
std::unique_ptr<bus::Connection> connectWithin(bus::ConnectionOptions options, int timeoutMs)
{
    options.retryOnFailedConnect = false;
    options.maxReconnect = 0;
    options.connectTimeout = 1000ms;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        auto connection = testing::connectTo(options, 1000);
        if (connection)
            return connection;
        QTest::qWait(100);
    }
    return nullptr;
}

bool hasPermissionError(const QSignalSpy& spy, const QByteArray& subject)
{
    for (const QList<QVariant>& arguments : spy) {
        const auto error = arguments.at(0).value<bus::BusError>();
        if (error.kind == bus::BusError::Kind::PermissionDenied && error.subject == subject)
            return true;
    }
    return false;
}

} // namespace

class TestNatsAuthAgent : public QObject
{
    Q_OBJECT

private:
    std::optional<bus::NatsLibrary> m_library;

    static bus::ConnectionOptions as(const QString& url, const QString& user,
                                     const QString& password)
    {
        bus::ConnectionOptions options = testing::optionsFor(url);
        options.user = user;
        options.password = password;
        return options;
    }

    std::unique_ptr<QProcess> startAgent(const QString& url, const QString& usersFile, qint64 pid,
                                         const QString& password, int intervalMs,
                                         const QStringList& extra = {})
    {
        auto agent = std::make_unique<QProcess>();
        agent->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        agent->start(QStringLiteral(OPENOPD_NATS_AUTH_EXE),
                     QStringList{u"agent"_s, u"--nats-url"_s, url, u"--users-file"_s, usersFile,
                                 u"--nats-pid"_s, QString::number(pid), u"--password-stdin"_s,
                                 u"--interval-ms"_s, QString::number(intervalMs)} +
                         extra);
        if (!agent->waitForStarted(5000))
            return nullptr;
        agent->write(password.toLatin1() + '\n');
        agent->closeWriteChannel();
        return agent;
    }

    static void stopAgent(QProcess* agent)
    {
        if (agent && agent->state() != QProcess::NotRunning) {
            agent->terminate();
            if (!agent->waitForFinished(5000))
                agent->kill();
            agent->waitForFinished(2000);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        m_library.emplace();
        QVERIFY2(QFileInfo::exists(QStringLiteral(OPENOPD_NATS_AUTH_EXE)), OPENOPD_NATS_AUTH_EXE);
    }

    void addedUserConnectsRemovedUserIsCut_data()
    {
        QTest::addColumn<bool>("notify");
        QTest::addColumn<int>("intervalMs");
        QTest::newRow("changed notification") << true << 60000;
        QTest::newRow("polling only") << false << 1000;
    }
    void addedUserConnectsRemovedUserIsCut()
    {
        QFETCH(bool, notify);
        QFETCH(int, intervalMs);
        StubbedNode node;
        QVERIFY2(node.start(), qPrintable(node.error));
        QTemporaryDir& dir = node.dir;
        testing::GeneratedAccounts& accounts = node.accounts;
        testing::NatsServer& server = *node.server;
        StubIdentity& stub = *node.stub;
        const StaffLogin doctor = StaffLogin::make(u"dr.who"_s, {StaffRole::Doctor});
        const StaffLogin clerk = StaffLogin::make(u"clerk"_s, {StaffRole::Reception});
        stub.setUsers({clerk.entry()}, false);

        const QString usersFile = dir.filePath(u"staff-users.conf"_s);
        auto agent = startAgent(server.url(), usersFile, server.processId(),
                                accounts.servicePasswords.value(u"svc.nats-auth"_s), intervalMs);
        QVERIFY(agent);
        auto clerkConnection = connectWithin(as(server.url(), clerk.user(), clerk.password), 5000);
        QVERIFY2(clerkConnection, "the first list is not applied");
        QVERIFY(!connectWithin(as(server.url(), doctor.user(), doctor.password), 1));

        QElapsedTimer timer;
        timer.start();
        stub.setUsers({clerk.entry(), doctor.entry()}, notify);
        auto doctorConnection =
            connectWithin(as(server.url(), doctor.user(), doctor.password), 5000);
        QVERIFY2(doctorConnection, "an added user cannot connect within 5 s");
        qInfo("added user connected after %lld ms", timer.elapsed());
        QFile written(usersFile);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(written.readAll().contains(doctor.user().toUtf8()));
        QCOMPARE(written.permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());

        timer.restart();
        stub.setUsers({clerk.entry()}, notify);
        QVERIFY2(QTest::qWaitFor(
                     [&] { return doctorConnection->state() != bus::Connection::State::Connected; },
                     5000),
                 "a removed user's connection stays open");
        qInfo("removed user cut after %lld ms", timer.elapsed());
        QCOMPARE(clerkConnection->state(), bus::Connection::State::Connected);
        QVERIFY(!connectWithin(as(server.url(), doctor.user(), doctor.password), 1));

        if (!notify) {
            // A launcher re-ran `init` (empty users file) and reloaded the server: the agent
            // compares with the file, not with its memory, and writes the sessions back.
            QString error;
            QVERIFY(
                natsauth::writeFileAtomically(usersFile, natsauth::renderStaffUsers({}), &error));
            QVERIFY(::kill(static_cast<pid_t>(server.processId()), SIGHUP) == 0);
            QVERIFY(QTest::qWaitFor(
                [&] { return clerkConnection->state() != bus::Connection::State::Connected; },
                5000));
            QVERIFY2(connectWithin(as(server.url(), clerk.user(), clerk.password), 5000),
                     "the agent did not restore an emptied users file");
        }
        stopAgent(agent.get());
        QCOMPARE(agent->exitStatus(), QProcess::NormalExit);
    }

    // A session ends at its expiry even while identity (whose sweep normally ends it) does
    // not answer: the agent drops it from its last list.
    void anExpiredSessionEndsWhileIdentityIsDown()
    {
        StubbedNode node;
        QVERIFY2(node.start(), qPrintable(node.error));
        QTemporaryDir& dir = node.dir;
        testing::GeneratedAccounts& accounts = node.accounts;
        testing::NatsServer& server = *node.server;
        StubIdentity& stub = *node.stub;
        StaffLogin doctor = StaffLogin::make(u"dr.expiring"_s, {StaffRole::Doctor});
        natsauth::UserEntry entry = doctor.entry();
        entry.expiresAt = QDateTime::currentDateTimeUtc().addSecs(3);
        stub.setUsers({entry}, false);
        auto agent =
            startAgent(server.url(), dir.filePath(u"staff-users.conf"_s), server.processId(),
                       accounts.servicePasswords.value(u"svc.nats-auth"_s), 500);
        QVERIFY(agent);
        auto connection = connectWithin(as(server.url(), doctor.user(), doctor.password), 5000);
        QVERIFY2(connection, "the session is not applied");
        stub.setSilent(true);
        QVERIFY2(
            QTest::qWaitFor(
                [&] { return connection->state() != bus::Connection::State::Connected; }, 8000),
            "an expired session stays connected while identity is down");
        const qint64 lateMs = entry.expiresAt.msecsTo(QDateTime::currentDateTimeUtc());
        qInfo("expired session cut %lld ms after its expiry", lateMs);
        QVERIFY(lateMs < 5000);
        QVERIFY(!connectWithin(as(server.url(), doctor.user(), doctor.password), 1));
        stopAgent(agent.get());
    }

    // The signal to reload failed (no pid file yet): the file is already right, so a naive
    // agent would never signal again and the server would keep the old users.
    void aFailedReloadIsRetried()
    {
        StubbedNode node;
        QVERIFY2(node.start(), qPrintable(node.error));
        QTemporaryDir& dir = node.dir;
        testing::GeneratedAccounts& accounts = node.accounts;
        testing::NatsServer& server = *node.server;
        StubIdentity& stub = *node.stub;
        const StaffLogin doctor = StaffLogin::make(u"dr.retry"_s, {StaffRole::Doctor});
        stub.setUsers({doctor.entry()}, false);

        const QString pidFile = dir.filePath(u"nats.pid"_s); // not there yet
        QProcess agent;
        agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        agent.start(QStringLiteral(OPENOPD_NATS_AUTH_EXE),
                    {u"agent"_s, u"--nats-url"_s, server.url(), u"--users-file"_s,
                     dir.filePath(u"staff-users.conf"_s), u"--pid-file"_s, pidFile,
                     u"--password-stdin"_s, u"--interval-ms"_s, u"500"_s});
        QVERIFY(agent.waitForStarted(5000));
        agent.write(accounts.servicePasswords.value(u"svc.nats-auth"_s).toLatin1() + '\n');
        agent.closeWriteChannel();
        QVERIFY(QTest::qWaitFor(
            [&] {
                QFile file(dir.filePath(u"staff-users.conf"_s));
                return file.open(QIODevice::ReadOnly) &&
                       file.readAll().contains(doctor.user().toUtf8());
            },
            5000));
        QVERIFY(!connectWithin(as(server.url(), doctor.user(), doctor.password), 1));

        QFile pid(pidFile);
        QVERIFY(pid.open(QIODevice::WriteOnly));
        pid.write(QByteArray::number(server.processId()) + '\n');
        pid.close();
        QVERIFY2(connectWithin(as(server.url(), doctor.user(), doctor.password), 5000),
                 "the agent did not signal the server again once it could");
        stopAgent(&agent);
    }

    // --session-inboxes: a session reads replies under _INBOX.<its session id>.> only, so it
    // cannot subscribe to another session's replies (nor to _INBOX.>).
    void sessionInboxesKeepRepliesPrivate()
    {
        StubbedNode node;
        QVERIFY2(node.start(), qPrintable(node.error));
        QTemporaryDir& dir = node.dir;
        testing::GeneratedAccounts& accounts = node.accounts;
        testing::NatsServer& server = *node.server;
        std::unique_ptr<bus::Connection>& identity = node.identity;
        StubIdentity& stub = *node.stub;
        const QByteArray renew = "opd.identity.session.renew";
        identity->subscribe(renew, &stub,
                            [&](const bus::Message& m) { identity->publish(m.reply, "renewed"); });
        const StaffLogin alice = StaffLogin::make(u"alice"_s, {StaffRole::Doctor});
        const StaffLogin bob = StaffLogin::make(u"bob"_s, {StaffRole::Doctor});
        stub.setUsers({alice.entry(), bob.entry()}, false);
        auto agent = startAgent(
            server.url(), dir.filePath(u"staff-users.conf"_s), server.processId(),
            accounts.servicePasswords.value(u"svc.nats-auth"_s), 60000, {u"--session-inboxes"_s});
        QVERIFY(agent);
        auto a = connectWithin(as(server.url(), alice.user(), alice.password), 5000);
        auto b = connectWithin(as(server.url(), bob.user(), bob.password), 5000);
        QVERIFY(a && b);

        const QByteArray aliceInbox =
            natsauth::sessionInboxPrefix(alice.principal.sessionId) + ".r1";
        QObject owner;
        QByteArray received;
        QSignalSpy aErrors(a.get(), &bus::Connection::errorOccurred);
        QSignalSpy bErrors(b.get(), &bus::Connection::errorOccurred);
        a->subscribe(aliceInbox, &owner, [&](const bus::Message& m) { received = m.data; });
        a->subscribe("_INBOX.>", &owner, [](const bus::Message&) {});
        int sniffed = 0;
        b->subscribe(natsauth::sessionInboxPrefix(alice.principal.sessionId) + ".>", &owner,
                     [&](const bus::Message&) { ++sniffed; });
        b->subscribe("_INBOX.>", &owner, [&](const bus::Message&) { ++sniffed; });
        QTest::qWait(300);
        QVERIFY(!a->publish(renew, "{}", {}, aliceInbox).isError());
        QVERIFY(QTest::qWaitFor([&] { return !received.isEmpty(); }, 3000));
        QCOMPARE(received, QByteArray("renewed"));
        QTest::qWait(200);
        QCOMPARE(sniffed, 0);
        QVERIFY(hasPermissionError(aErrors, "_INBOX.>"));
        QVERIFY(!hasPermissionError(aErrors, aliceInbox));
        QVERIFY(hasPermissionError(bErrors, "_INBOX.>"));
        QVERIFY(hasPermissionError(bErrors,
                                   natsauth::sessionInboxPrefix(alice.principal.sessionId) + ".>"));
        stopAgent(agent.get());
    }

    void agentRefusesBadCommandLines()
    {
        QProcess process;
        process.start(QStringLiteral(OPENOPD_NATS_AUTH_EXE),
                      {u"agent"_s, u"--users-file"_s, u"/tmp/x"_s});
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 2);
        process.start(QStringLiteral(OPENOPD_NATS_AUTH_EXE), {u"bogus"_s});
        QVERIFY(process.waitForFinished(5000));
        QCOMPARE(process.exitCode(), 2);
    }

    void initWritesHashesAndPrintsPasswords()
    {
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(OPENOPD_NATS_AUTH_EXE), {u"init"_s, u"--dir"_s, dir.path()});
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        const QList<QByteArray> lines = process.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(lines.size(), natsauth::serviceNames().size());
        QFile accounts(dir.filePath(u"accounts.conf"_s));
        QVERIFY(accounts.open(QIODevice::ReadOnly));
        const QByteArray config = accounts.readAll();
        QCOMPARE(accounts.permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());
        for (const QByteArray& line : lines) {
            const QList<QByteArray> parts = line.split(' ');
            QCOMPARE(parts.size(), 2);
            QVERIFY(parts[0].startsWith("svc."));
            QVERIFY(parts[1].size() >= 43);
            QVERIFY2(!config.contains(parts[1]), "a plain password is in accounts.conf");
            QVERIFY(config.contains(QByteArray("{user: \"" + parts[0] + "\", password: \"$2b$")));
        }
        QVERIFY(QFileInfo::exists(dir.filePath(u"staff-users.conf"_s)));

        // The server accepts what init wrote, and the printed passwords.
        testing::NatsServer server(u"include \"../"_s + QFileInfo(dir.path()).fileName() +
                                   u"/accounts.conf\"\n"_s);
        QVERIFY2(server.start(), qPrintable(server.errorString()));
        const QList<QByteArray> first = lines.first().split(' ');
        QVERIFY(testing::connectTo(
            as(server.url(), QString::fromLatin1(first[0]), QString::fromLatin1(first[1]))));
    }

    void clusterNodeCutsARemovedUser()
    {
        QTemporaryDir root;
        QList<quint16> ports, clusterPorts;
        for (int i = 0; i < 3; ++i) {
            ports.append(testing::findFreeTcpPort());
            clusterPorts.append(testing::findFreeTcpPort());
        }
        testing::GeneratedAccounts accounts;
        natsauth::AccountsOptions options;
        options.jetStream = false;
        std::vector<std::unique_ptr<testing::ClusterNode>> nodes;
        for (int i = 0; i < 3; ++i) {
            const QString dir = root.filePath(u"node%1"_s.arg(i + 1));
            QVERIFY(QDir().mkpath(dir));
            if (i == 0) {
                QVERIFY(accounts.write(dir, options));
            } else {
                QVERIFY(QFile::copy(root.filePath(u"node1/accounts.conf"_s),
                                    dir + u"/accounts.conf"_s));
                QVERIFY(QFile::copy(root.filePath(u"node1/staff-users.conf"_s),
                                    dir + u"/staff-users.conf"_s));
            }
            QList<quint16> routes = clusterPorts;
            routes.removeAt(i);
            nodes.push_back(
                std::make_unique<testing::ClusterNode>(dir, ports[i], clusterPorts[i], routes));
        }
        for (auto& node : nodes) {
            QString error;
            QVERIFY2(node->start(&error), qPrintable(error));
        }

        auto identity = testing::connectTo(as(nodes[0]->url(), u"svc.identity"_s,
                                              accounts.servicePasswords.value(u"svc.identity"_s)));
        QVERIFY(identity);
        StubIdentity stub(*identity);
        const StaffLogin nurseless = StaffLogin::make(u"ph1"_s, {StaffRole::Pharmacist});
        stub.setUsers({nurseless.entry()}, false);

        std::vector<std::unique_ptr<QProcess>> agents;
        for (auto& node : nodes) {
            agents.push_back(
                startAgent(node->url(), node->dir() + u"/staff-users.conf"_s, node->pid(),
                           accounts.servicePasswords.value(u"svc.nats-auth"_s), 60000));
            QVERIFY(agents.back());
        }
        // Every node learns the user (the agents reach the stub on node 1 over the routes).
        std::vector<std::unique_ptr<bus::Connection>> sessions;
        for (auto& node : nodes) {
            sessions.push_back(
                connectWithin(as(node->url(), nurseless.user(), nurseless.password), 10000));
            QVERIFY2(sessions.back(), qPrintable(node->url()));
        }

        QElapsedTimer timer;
        timer.start();
        stub.setUsers({}, true);
        for (auto& session : sessions)
            QVERIFY2(QTest::qWaitFor(
                         [&] { return session->state() != bus::Connection::State::Connected; },
                         5000 - static_cast<int>(qMin<qint64>(timer.elapsed(), 4000))),
                     "a removed user stays connected to a cluster node");
        qInfo("removed user cut on all three nodes after %lld ms", timer.elapsed());
        QVERIFY(!connectWithin(as(nodes[1]->url(), nurseless.user(), nurseless.password), 1));
        for (auto& agent : agents)
            stopAgent(agent.get());
    }
};

QTEST_GUILESS_MAIN(TestNatsAuthAgent)
#include "test_nats_auth_agent.moc"
