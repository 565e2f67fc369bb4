// OpdCluster: the NATS side (one nats-server or a NatsCluster, the accounts and auth agents,
// PostgreSQL for the services) and the client connections (observer, staff sign-in).

#include "access/sealed_reply.h"
#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "bus/typed.h"
#include "nats-auth/nats_auth_config.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QTest>

namespace openopd::testing {

namespace {
const QString kObserver = QStringLiteral("test.observer");
} // namespace

QStringList OpdCluster::natsUrls() const
{
    return m_cluster ? m_cluster->urlList() : QStringList{m_nats.url()};
}

QString OpdCluster::natsUrl() const
{
    return natsUrls().join(u',');
}

QList<qint64> OpdCluster::natsProcessIds() const
{
    return m_cluster ? m_cluster->processIds() : QList<qint64>{m_nats.processId()};
}

bool OpdCluster::isNatsRunning() const
{
    if (!m_cluster)
        return m_nats.isRunning();
    for (int i = 0; i < m_cluster->size(); ++i)
        if (m_cluster->isRunning(i))
            return true;
    return false;
}

QString OpdCluster::databaseName(const QString& service)
{
    return QStringLiteral("openopd_") + service;
}

bool OpdCluster::prepareAccounts()
{
    m_authDir = m_data.filePath(QStringLiteral("nats-auth"));
    const QString natsDir = m_cluster ? m_cluster->directory(0) : m_nats.directory();
    if (!QDir().mkpath(m_authDir) || natsDir.isEmpty()) {
        m_error = QStringLiteral("cannot create the accounts directory");
        return false;
    }
    QList<natsauth::UserEntry> services;
    for (const QString& service : natsauth::serviceNames()) {
        const QString user = access::serviceUserName(service);
        const QByteArray password = access::randomSecret();
        m_servicePasswords.insert(user, QString::fromLatin1(password));
        services.append({user, *access::bcryptHash(password)});
    }
    // The observer: a SERVICES user without permissions, for the tests' stream checks only.
    m_observerPassword = QString::fromLatin1(access::randomSecret());
    QByteArray accounts = natsauth::renderAccounts(services);
    const QByteArray usersList = "    users: [\n";
    const qsizetype at = accounts.indexOf(usersList);
    if (at < 0) {
        m_error = QStringLiteral("unexpected accounts.conf layout");
        return false;
    }
    accounts.insert(at + usersList.size(),
                    "      {user: \"" + kObserver.toLatin1() + "\", password: \"" +
                        *access::bcryptHash(m_observerPassword.toLatin1()) + "\"}\n");
    QString error;
    if (!natsauth::writeFileAtomically(m_authDir + u"/accounts.conf", accounts, &error) ||
        !natsauth::writeFileAtomically(m_authDir + u"/staff-users.conf",
                                       natsauth::renderStaffUsers({}), &error)) {
        m_error = error;
        return false;
    }
    if (m_cluster) {
        // Each node: its own copy of the accounts, its own sessions file (its agent writes it)
        // and pid file.
        for (int i = 0; i < m_cluster->size(); ++i) {
            const QString dir = m_cluster->directory(i);
            if (dir.isEmpty() ||
                !natsauth::writeFileAtomically(dir + u"/accounts.conf", accounts, &error) ||
                !natsauth::writeFileAtomically(dir + u"/staff-users.conf",
                                               natsauth::renderStaffUsers({}), &error)) {
                m_error = dir.isEmpty() ? m_cluster->errorString() : error;
                return false;
            }
            m_cluster->setNodeConfig(
                i,
                QStringLiteral("pid_file: \"%1/nats.pid\"\ninclude \"accounts.conf\"\n").arg(dir));
        }
        return true;
    }
    // nats-server resolves an include relative to the including file's directory.
    m_nats.setExtraConfig(
        QStringLiteral("pid_file: \"%1/nats.pid\"\ninclude \"%2\"\n")
            .arg(natsDir, QDir(natsDir).relativeFilePath(m_authDir + u"/accounts.conf")));
    return true;
}

bool OpdCluster::startAgents()
{
    // One agent per node: it rewrites that node's sessions file and makes that node reload it.
    // It listens on every node, so it keeps its file current while its own node is down.
    const int nodes = m_cluster ? m_cluster->size() : 1;
    for (int i = 0; i < nodes; ++i) {
        if (static_cast<int>(m_agents.size()) <= i) {
            const QString usersFile = m_cluster ? m_cluster->directory(i) + u"/staff-users.conf"
                                                : m_authDir + u"/staff-users.conf";
            const QString pidFile =
                (m_cluster ? m_cluster->directory(i) : m_nats.directory()) + u"/nats.pid";
            QStringList urls = natsUrls();
            if (m_cluster)
                urls.move(i, 0);
            QStringList arguments{QStringLiteral("agent"),
                                  QStringLiteral("--nats-url"),
                                  urls.join(u','),
                                  QStringLiteral("--users-file"),
                                  usersFile,
                                  QStringLiteral("--pid-file"),
                                  pidFile,
                                  QStringLiteral("--interval-ms"),
                                  QStringLiteral("1000"),
                                  QStringLiteral("--session-inboxes"),
                                  QStringLiteral("--password-stdin")};
            if (m_cluster) // it reloads its node when a route comes up (route_watch.h)
                arguments << QStringLiteral("--monitor-url")
                          << QStringLiteral("http://127.0.0.1:%1").arg(m_cluster->monitorPort(i));
            auto agent = std::make_unique<ServiceProcess>(
                m_executables.value(QStringLiteral("nats-auth")), arguments);
            agent->setStandardInput(
                m_servicePasswords
                    .value(access::serviceUserName(QString::fromLatin1(natsauth::kAgentService)))
                    .toLatin1() +
                '\n');
            agent->setReadyMarker("agent started");
            m_agents.push_back(std::move(agent));
        }
        ServiceProcess& agent = *m_agents[static_cast<std::size_t>(i)];
        if (!agent.start({}, 30000)) {
            m_error = QStringLiteral("the nats-auth agent %1 did not start:\n%2")
                          .arg(i + 1)
                          .arg(agent.log());
            return false;
        }
    }
    return true;
}

bool OpdCluster::startPostgres()
{
    if (!m_postgres)
        m_postgres = std::make_unique<PostgresServer>();
    if (!m_postgres->start()) {
        m_error = QStringLiteral("PostgreSQL: %1").arg(m_postgres->errorString());
        return false;
    }
    return true;
}

bool OpdCluster::startNats()
{
    if (m_natsNodes > 1 && !m_cluster)
        m_cluster = std::make_unique<NatsCluster>(m_natsNodes);
    if (m_secured && m_authDir.isEmpty() && !prepareAccounts())
        return false;
    if (m_usePostgres && !startPostgres())
        return false;
    if (m_cluster) {
        if (!m_cluster->start()) {
            m_error = m_cluster->errorString();
            return false;
        }
        return true;
    }
    if (!m_nats.start()) {
        m_error = m_nats.errorString();
        return false;
    }
    return true;
}

std::unique_ptr<bus::Connection> OpdCluster::connectClient(const QString& name, int timeoutMs) const
{
    bus::ConnectionOptions options;
    options.servers = natsUrls();
    options.name = name.isEmpty() ? QStringLiteral("opd-flow-client") : name;
    if (m_secured) {
        options.user = kObserver;
        options.password = m_observerPassword;
    }
    auto connection = std::make_unique<bus::Connection>(options);
    connection->open();
    if (!QTest::qWaitFor([&] { return connection->state() == bus::Connection::State::Connected; },
                         timeoutMs))
        return nullptr;
    return connection;
}

std::unique_ptr<bus::Connection> OpdCluster::signIn(const QString& user, const QString& password,
                                                    int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    bus::ConnectionOptions options;
    options.servers = natsUrls();
    options.name = QStringLiteral("opd-signin");
    options.user = QString::fromLatin1(natsauth::kSignInUser);
    options.password = QString::fromLatin1(natsauth::kSignInPassword);
    bus::Connection signInConnection(options);
    signInConnection.open();
    if (!QTest::qWaitFor(
            [&] { return signInConnection.state() == bus::Connection::State::Connected; },
            static_cast<int>(deadline.remainingTime()))) {
        m_error = QStringLiteral("cannot connect as the sign-in user");
        return nullptr;
    }
    // Other sign-in clients can read the reply: the session's password comes sealed to this
    // one-time key.
    const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
    if (!keys.isValid()) {
        m_error = QStringLiteral("cannot make a reply key pair (libsodium)");
        return nullptr;
    }
    std::optional<bus::Result<protocol::SignInReply>> reply;
    QObject context;
    bus::request(signInConnection, protocol::kSignIn,
                 protocol::SignInRequest{user, password, keys.publicKey}, &context,
                 [&](bus::Result<protocol::SignInReply> r) { reply = std::move(r); });
    if (!QTest::qWaitFor([&] { return reply.has_value(); },
                         static_cast<int>(deadline.remainingTime())) ||
        !reply->ok()) {
        m_error = QStringLiteral("sign-in of %1 failed: %2")
                      .arg(user, reply ? reply->error().toString() : QStringLiteral("no answer"));
        return nullptr;
    }
    std::optional<QByteArray> natsPassword = access::openSealed((*reply)->natsPasswordSealed, keys);
    if (!natsPassword) {
        m_error = QStringLiteral("the sealed NATS password of %1 does not open").arg(user);
        return nullptr;
    }
    // The agent puts the new session into the server's users within a few seconds; until
    // then the server refuses it (nats.c gives up on an authorization error), so connect
    // again until it is accepted.
    options.name = QStringLiteral("opd-staff-") + user;
    options.user = (*reply)->natsUser;
    options.password = QString::fromUtf8(*natsPassword);
    // The session may read replies only under its own inbox (agent --session-inboxes).
    options.inboxPrefix = "_INBOX." + (*reply)->session.id.toLatin1();
    access::wipe(*natsPassword);
    options.reconnectWait = std::chrono::milliseconds(200);
    while (deadline.remainingTime() > 0) {
        auto connection = std::make_unique<bus::Connection>(options);
        connection->open();
        [[maybe_unused]] const bool settled = QTest::qWaitFor(
            [&] {
                const auto state = connection->state();
                return state == bus::Connection::State::Connected ||
                       state == bus::Connection::State::Closed;
            },
            static_cast<int>(std::min<qint64>(deadline.remainingTime(), 5000)));
        if (connection->state() == bus::Connection::State::Connected)
            return connection;
        connection.reset();
        QTest::qWait(200);
    }
    m_error = QStringLiteral("the session of %1 was not accepted by the server").arg(user);
    return nullptr;
}

} // namespace openopd::testing
