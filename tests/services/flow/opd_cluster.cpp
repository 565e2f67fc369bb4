#include "opd_cluster.h"

#include "access/staff_principal.h"

#include <QDir>
#include <QElapsedTimer>

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

QString OpdCluster::dataDir(const QString& service) const
{
    return m_dataDirs.value(service, m_data.filePath(service));
}

QString OpdCluster::processKey(const QString& service, int instance)
{
    return instance <= 1 ? service : QStringLiteral("%1#%2").arg(service).arg(instance);
}

ServiceProcess* OpdCluster::process(const QString& service, int instance) const
{
    auto it = m_processes.find(processKey(service, instance));
    return it != m_processes.end() ? it->second.get() : nullptr;
}

bool OpdCluster::start(const QString& service, const QStringList& extra, int timeoutMs)
{
    return startInstance(service, 1, extra, timeoutMs);
}

bool OpdCluster::startInstance(const QString& service, int instance, const QStringList& extra,
                               int timeoutMs)
{
    const QString executable = m_executables.value(service);
    if (executable.isEmpty()) {
        m_error = QStringLiteral("no executable for service %1").arg(service);
        return false;
    }
    if (instance > 1 && !m_usePostgres) {
        m_error = QStringLiteral("%1 instance %2: several instances share one PostgreSQL "
                                 "database (setPostgres(true))")
                      .arg(service)
                      .arg(instance);
        return false;
    }
    if (m_usePostgres && !m_postgres) {
        m_error = QStringLiteral("%1: PostgreSQL is not started (startNats())").arg(service);
        return false;
    }
    const QString key = processKey(service, instance);
    const QString dir =
        instance <= 1 ? dataDir(service) : dataDir(service) + QStringLiteral("-%1").arg(instance);
    QDir().mkpath(dir);
    auto& process = m_processes[key];
    if (!process) {
        if (m_usePostgres && !m_databases.contains(service)) {
            if (!m_postgres->createDatabase(databaseName(service))) {
                m_error = m_postgres->errorString();
                return false;
            }
            m_databases.insert(service);
        }
        process =
            std::make_unique<ServiceProcess>(executable, baseArguments(service, instance, dir));
        if (m_secured)
            process->setStandardInput(
                m_servicePasswords.value(access::serviceUserName(service)).toLatin1() + '\n');
    }
    m_lastExtra.insert(key, extra);
    QElapsedTimer clock;
    clock.start();
    if (!process->start(extra, timeoutMs)) {
        m_error = QStringLiteral("%1 did not become ready (%2 after %3 ms):\n%4")
                      .arg(key, process->isRunning() ? QStringLiteral("still running")
                                                     : QStringLiteral("not running"))
                      .arg(clock.elapsed())
                      .arg(process->log());
        return false;
    }
    return true;
}

QStringList OpdCluster::baseArguments(const QString& service, int instance,
                                      const QString& dir) const
{
    QStringList arguments{QStringLiteral("--nats-url"), natsUrl(), QStringLiteral("--data-dir"),
                          dir};
    if (m_secured)
        arguments << QStringLiteral("--user") << access::serviceUserName(service)
                  << QStringLiteral("--password-stdin");
    else
        arguments << QStringLiteral("--insecure-no-auth");
    if (m_cluster)
        arguments << QStringLiteral("--stream-replicas") << QString::number(m_cluster->size());
    if (m_usePostgres)
        arguments << QStringLiteral("--db") << m_postgres->connectionUrl(databaseName(service));
    if (instance > 1 || instances(service) > 1)
        arguments << QStringLiteral("--instance")
                  << QStringLiteral("%1-%2").arg(service).arg(instance);
    return arguments + m_common;
}

bool OpdCluster::restart(const QString& service, int timeoutMs)
{
    return restartInstance(service, 1, timeoutMs);
}

bool OpdCluster::restartInstance(const QString& service, int instance, int timeoutMs)
{
    return startInstance(service, instance, m_lastExtra.value(processKey(service, instance)),
                         timeoutMs);
}

bool OpdCluster::startAll(bool seedDemo)
{
    if (!isNatsRunning() && !startNats())
        return false;
    for (const QString& service : services()) {
        QStringList extra;
        if (seedDemo &&
            (service == QStringLiteral("registration") || service == QStringLiteral("pharmacy") ||
             service == QStringLiteral("identity")))
            extra << QStringLiteral("--seed-demo");
        // One after the other: the first instance migrates and seeds, the others find it done.
        for (int instance = 1; instance <= instances(service); ++instance)
            if (!startInstance(service, instance, extra))
                return false;
        if (service == QStringLiteral("identity") && !startAgents())
            return false;
    }
    return true;
}

void OpdCluster::kill(const QString& service)
{
    killInstance(service, 1);
}

void OpdCluster::killInstance(const QString& service, int instance)
{
    if (ServiceProcess* p = process(service, instance))
        p->kill();
}

int OpdCluster::terminate(const QString& service)
{
    return terminateInstance(service, 1);
}

int OpdCluster::terminateInstance(const QString& service, int instance)
{
    ServiceProcess* p = process(service, instance);
    return p ? p->terminate() : -1;
}

bool OpdCluster::isRunning(const QString& service) const
{
    return isInstanceRunning(service, 1);
}

bool OpdCluster::isInstanceRunning(const QString& service, int instance) const
{
    const ServiceProcess* p = process(service, instance);
    return p && p->isRunning();
}

qint64 OpdCluster::processId(const QString& service) const
{
    return instanceProcessId(service, 1);
}

qint64 OpdCluster::instanceProcessId(const QString& service, int instance) const
{
    const ServiceProcess* p = process(service, instance);
    return p ? p->processId() : 0;
}

void OpdCluster::stopAll()
{
    for (auto& [name, process] : m_processes)
        process->terminate(15000);
    for (auto& agent : m_agents)
        agent->terminate(15000);
    if (m_cluster)
        m_cluster->stop();
    m_nats.stop();
    if (m_postgres)
        m_postgres->stop();
}

QString OpdCluster::log(const QString& service) const
{
    return instanceLog(service, 1);
}

QString OpdCluster::instanceLog(const QString& service, int instance) const
{
    const ServiceProcess* p = process(service, instance);
    return p ? p->log() : QString();
}

namespace {

QString tailOf(const QString& title, const QString& log, int lines)
{
    const QStringList all = log.split(u'\n', Qt::SkipEmptyParts);
    return QStringLiteral("--- %1 (last %2 lines)\n").arg(title).arg(lines) +
           all.mid(std::max<qsizetype>(0, all.size() - lines)).join(u'\n') + u'\n';
}

} // namespace

QString OpdCluster::logTails(int lines) const
{
    QString text;
    for (const auto& [name, process] : m_processes)
        text += tailOf(name, process->log(), lines);
    if (m_cluster) {
        for (int i = 0; i < m_cluster->size(); ++i)
            text +=
                tailOf(QStringLiteral("nats-server node %1").arg(i + 1), m_cluster->log(i), lines);
    } else {
        text += tailOf(QStringLiteral("nats-server"), m_nats.log(), lines);
    }
    for (std::size_t i = 0; i < m_agents.size(); ++i)
        text += tailOf(m_agents.size() == 1 ? QStringLiteral("nats-auth agent")
                                            : QStringLiteral("nats-auth agent %1").arg(i + 1),
                       m_agents[i]->log(), lines);
    return text;
}

} // namespace openopd::testing
