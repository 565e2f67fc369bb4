#pragma once

// Helpers for the nats-auth integration tests: the generated accounts in a temporary
// directory, staff principals with passwords, and a nats-server cluster node.

#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "nats-auth/nats_auth_config.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace openopd::testing {

// accounts.conf + staff-users.conf in dir, with a fresh password for every service user.
struct GeneratedAccounts
{
    QHash<QString, QString> servicePasswords; // "svc.registration" -> password

    bool write(const QString& dir, const natsauth::AccountsOptions& options = {},
               const QList<natsauth::UserEntry>& staff = {})
    {
        QList<natsauth::UserEntry> services;
        for (const QString& service : natsauth::serviceNames()) {
            const QString user = access::serviceUserName(service);
            const QByteArray password = access::randomSecret();
            servicePasswords.insert(user, QString::fromLatin1(password));
            services.append({user, *access::bcryptHash(password)});
        }
        QString error;
        return natsauth::writeFileAtomically(dir + u"/accounts.conf",
                                             natsauth::renderAccounts(services, options), &error) &&
               natsauth::writeFileAtomically(dir + u"/staff-users.conf",
                                             natsauth::renderStaffUsers(staff), &error);
    }
};

// A staff session: its NATS user (the principal) and its password.
struct StaffLogin
{
    access::StaffPrincipal principal;
    QString password;

    static StaffLogin make(const QString& id, QList<protocol::StaffRole> roles)
    {
        return {{id, std::move(roles), access::randomSessionId(), QStringLiteral("Test ") + id},
                QString::fromLatin1(access::randomSecret())};
    }
    QString user() const { return principal.natsUserName(); }
    natsauth::UserEntry entry() const { return {user(), *access::bcryptHash(password.toLatin1())}; }
};

// `include "<path>"` relative to the directory of the config that includes it (nats-server
// joins include paths to the including file's directory, even absolute ones).
inline QString includeLine(const QString& includingConfigDir, const QString& file)
{
    return QStringLiteral("include \"") + QDir(includingConfigDir).relativeFilePath(file) +
           QStringLiteral("\"\n");
}

// One node of a loopback cluster: <dir>/node.conf includes <dir>/accounts.conf (which
// includes <dir>/staff-users.conf). extraConfig is appended (e.g. a jetstream block and a
// pid_file; without one the node has no JetStream).
class ClusterNode
{
public:
    ClusterNode(QString dir, quint16 port, quint16 clusterPort, QList<quint16> routes,
                QString extraConfig = {})
        : m_dir(std::move(dir)), m_port(port), m_clusterPort(clusterPort),
          m_routes(std::move(routes)), m_extraConfig(std::move(extraConfig))
    {}
    ~ClusterNode() { stop(); }

    bool start(QString* error)
    {
        QString routes;
        for (quint16 route : m_routes)
            routes += QStringLiteral("\"nats-route://127.0.0.1:%1\", ").arg(route);
        const QString config =
            QStringLiteral("server_name: node_%1\nlisten: 127.0.0.1:%1\n"
                           "cluster {\n  name: openopd_test\n  listen: 127.0.0.1:%2\n"
                           "  routes: [%3]\n}\ninclude \"accounts.conf\"\n")
                .arg(m_port)
                .arg(m_clusterPort)
                .arg(routes) +
            m_extraConfig;
        QFile file(m_dir + QStringLiteral("/node.conf"));
        if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0)
            return false;
        file.close();
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        QString exe = qEnvironmentVariable("OPENOPD_NATS_SERVER");
        if (exe.isEmpty())
            exe = QStringLiteral("nats-server");
        m_process->start(exe, {QStringLiteral("-c"), file.fileName()});
        if (!m_process->waitForStarted(5000)) {
            m_process->setProgram(QStringLiteral("/usr/sbin/nats-server"));
            m_process->start();
            if (!m_process->waitForStarted(5000)) {
                *error = QStringLiteral("nats-server does not start");
                return false;
            }
        }
        const bool ready = QTest::qWaitFor(
            [&] {
                m_log += m_process->readAll();
                return m_log.contains("Server is ready") ||
                       m_process->state() == QProcess::NotRunning;
            },
            15000);
        if (!ready || !m_log.contains("Server is ready")) {
            *error = QString::fromUtf8(m_log);
            return false;
        }
        return true;
    }
    void stop()
    {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->terminate();
            if (!m_process->waitForFinished(10000))
                m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    QByteArray log()
    {
        if (m_process)
            m_log += m_process->readAll();
        return m_log;
    }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    QString url() const { return QStringLiteral("nats://127.0.0.1:%1").arg(m_port); }
    QString dir() const { return m_dir; }

private:
    QString m_dir;
    quint16 m_port;
    quint16 m_clusterPort;
    QList<quint16> m_routes;
    QString m_extraConfig;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_log;
};

} // namespace openopd::testing
