#include "opd_cluster.h"

#include "access/sealed_reply.h"
#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "bus/typed.h"
#include "nats-auth/nats_auth_config.h"
#include "protocol/endpoints.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QTest>

namespace openopd::testing {

OpdCluster::OpdCluster(QHash<QString, QString> executables) : m_executables(std::move(executables))
{}

OpdCluster::~OpdCluster()
{
    stopAll();
}

QStringList OpdCluster::serviceNames()
{
    return {QStringLiteral("registration"), QStringLiteral("consultation"),
            QStringLiteral("pharmacy"), QStringLiteral("discharge"), QStringLiteral("audit")};
}

QStringList OpdCluster::services() const
{
    return m_secured ? QStringList{QStringLiteral("identity")} + serviceNames() : serviceNames();
}

QHash<QString, QString> OpdCluster::defaultExecutables()
{
    return {{QStringLiteral("identity"), QStringLiteral(OPENOPD_IDENTITY_BIN)},
            {QStringLiteral("nats-auth"), QStringLiteral(OPENOPD_NATS_AUTH_BIN)},
            {QStringLiteral("registration"), QStringLiteral(OPENOPD_REGISTRATION_BIN)},
            {QStringLiteral("consultation"), QStringLiteral(OPENOPD_CONSULTATION_BIN)},
            {QStringLiteral("pharmacy"), QStringLiteral(OPENOPD_PHARMACY_BIN)},
            {QStringLiteral("discharge"), QStringLiteral(OPENOPD_DISCHARGE_BIN)},
            {QStringLiteral("audit"), QStringLiteral(OPENOPD_AUDIT_BIN)}};
}

namespace {
const QString kObserver = QStringLiteral("test.observer");
} // namespace

bool OpdCluster::prepareAccounts()
{
    m_authDir = m_data.filePath(QStringLiteral("nats-auth"));
    const QString natsDir = m_nats.directory();
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
    // nats-server resolves an include relative to the including file's directory.
    m_nats.setExtraConfig(
        QStringLiteral("pid_file: \"%1/nats.pid\"\ninclude \"%2\"\n")
            .arg(natsDir, QDir(natsDir).relativeFilePath(m_authDir + u"/accounts.conf")));
    return true;
}

bool OpdCluster::startAgent()
{
    if (!m_agent) {
        m_agent = std::make_unique<ServiceProcess>(
            m_executables.value(QStringLiteral("nats-auth")),
            QStringList{QStringLiteral("agent"), QStringLiteral("--nats-url"), m_nats.url(),
                        QStringLiteral("--users-file"), m_authDir + u"/staff-users.conf",
                        QStringLiteral("--pid-file"), m_nats.directory() + u"/nats.pid",
                        QStringLiteral("--interval-ms"), QStringLiteral("1000"),
                        QStringLiteral("--session-inboxes"), QStringLiteral("--password-stdin")});
        m_agent->setStandardInput(
            m_servicePasswords
                .value(access::serviceUserName(QString::fromLatin1(natsauth::kAgentService)))
                .toLatin1() +
            '\n');
        m_agent->setReadyMarker("agent started");
    }
    if (!m_agent->start({}, 30000)) {
        m_error = QStringLiteral("the nats-auth agent did not start:\n%1").arg(m_agent->log());
        return false;
    }
    return true;
}

bool OpdCluster::startNats()
{
    if (m_secured && m_authDir.isEmpty() && !prepareAccounts())
        return false;
    if (!m_nats.start()) {
        m_error = m_nats.errorString();
        return false;
    }
    return true;
}

QString OpdCluster::dataDir(const QString& service) const
{
    return m_dataDirs.value(service, m_data.filePath(service));
}

bool OpdCluster::start(const QString& service, const QStringList& extra, int timeoutMs)
{
    const QString executable = m_executables.value(service);
    if (executable.isEmpty()) {
        m_error = QStringLiteral("no executable for service %1").arg(service);
        return false;
    }
    const QString dir = dataDir(service);
    QDir().mkpath(dir);
    auto& process = m_processes[service];
    if (!process) {
        process = std::make_unique<ServiceProcess>(executable, baseArguments(service, dir));
        if (m_secured)
            process->setStandardInput(
                m_servicePasswords.value(access::serviceUserName(service)).toLatin1() + '\n');
    }
    m_lastExtra.insert(service, extra);
    if (!process->start(extra, timeoutMs)) {
        m_error = QStringLiteral("%1 did not become ready:\n%2").arg(service, process->log());
        return false;
    }
    return true;
}

QStringList OpdCluster::baseArguments(const QString& service, const QString& dir) const
{
    QStringList arguments{QStringLiteral("--nats-url"), m_nats.url(), QStringLiteral("--data-dir"),
                          dir};
    if (m_secured)
        arguments << QStringLiteral("--user") << access::serviceUserName(service)
                  << QStringLiteral("--password-stdin");
    else
        arguments << QStringLiteral("--insecure-no-auth");
    return arguments + m_common;
}

bool OpdCluster::restart(const QString& service, int timeoutMs)
{
    return start(service, m_lastExtra.value(service), timeoutMs);
}

bool OpdCluster::startAll(bool seedDemo)
{
    if (!m_nats.isRunning() && !startNats())
        return false;
    for (const QString& service : services()) {
        QStringList extra;
        if (seedDemo &&
            (service == QStringLiteral("registration") || service == QStringLiteral("pharmacy") ||
             service == QStringLiteral("identity")))
            extra << QStringLiteral("--seed-demo");
        if (!start(service, extra))
            return false;
        if (service == QStringLiteral("identity") && !startAgent())
            return false;
    }
    return true;
}

void OpdCluster::kill(const QString& service)
{
    if (auto it = m_processes.find(service); it != m_processes.end())
        it->second->kill();
}

int OpdCluster::terminate(const QString& service)
{
    auto it = m_processes.find(service);
    return it != m_processes.end() ? it->second->terminate() : -1;
}

bool OpdCluster::isRunning(const QString& service) const
{
    auto it = m_processes.find(service);
    return it != m_processes.end() && it->second->isRunning();
}

qint64 OpdCluster::processId(const QString& service) const
{
    auto it = m_processes.find(service);
    return it != m_processes.end() ? it->second->processId() : 0;
}

void OpdCluster::stopAll()
{
    for (auto& [name, process] : m_processes)
        process->terminate(15000);
    if (m_agent)
        m_agent->terminate(15000);
    m_nats.stop();
}

QString OpdCluster::log(const QString& service) const
{
    auto it = m_processes.find(service);
    return it != m_processes.end() ? it->second->log() : QString();
}

QString OpdCluster::logTails(int lines) const
{
    QString text;
    for (const auto& [name, process] : m_processes) {
        const QStringList all = process->log().split(u'\n', Qt::SkipEmptyParts);
        text += QStringLiteral("--- %1 (last %2 lines)\n").arg(name).arg(lines);
        text += all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n') + u'\n';
    }
    {
        const QStringList all = m_nats.log().split(u'\n', Qt::SkipEmptyParts);
        text += QStringLiteral("--- nats-server (last %1 lines)\n").arg(lines);
        text += all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n') + u'\n';
    }
    if (m_agent) {
        const QStringList all = m_agent->log().split(u'\n', Qt::SkipEmptyParts);
        text += QStringLiteral("--- nats-auth agent (last %1 lines)\n").arg(lines);
        text += all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n') + u'\n';
    }
    return text;
}

std::unique_ptr<bus::Connection> OpdCluster::connectClient(const QString& name, int timeoutMs) const
{
    bus::ConnectionOptions options;
    options.servers = {m_nats.url()};
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
    options.servers = {m_nats.url()};
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
