#include "opd_cluster.h"

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

QHash<QString, QString> OpdCluster::defaultExecutables()
{
    return {{QStringLiteral("registration"), QStringLiteral(OPENOPD_REGISTRATION_BIN)},
            {QStringLiteral("consultation"), QStringLiteral(OPENOPD_CONSULTATION_BIN)},
            {QStringLiteral("pharmacy"), QStringLiteral(OPENOPD_PHARMACY_BIN)},
            {QStringLiteral("discharge"), QStringLiteral(OPENOPD_DISCHARGE_BIN)},
            {QStringLiteral("audit"), QStringLiteral(OPENOPD_AUDIT_BIN)}};
}

bool OpdCluster::startNats()
{
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
    if (!process)
        process = std::make_unique<ServiceProcess>(
            executable,
            QStringList{QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"),
                        m_nats.url(), QStringLiteral("--data-dir"), dir} +
                m_common);
    m_lastExtra.insert(service, extra);
    if (!process->start(extra, timeoutMs)) {
        m_error = QStringLiteral("%1 did not become ready:\n%2").arg(service, process->log());
        return false;
    }
    return true;
}

bool OpdCluster::restart(const QString& service, int timeoutMs)
{
    return start(service, m_lastExtra.value(service), timeoutMs);
}

bool OpdCluster::startAll(bool seedDemo)
{
    if (!m_nats.isRunning() && !startNats())
        return false;
    for (const QString& service : serviceNames()) {
        QStringList extra;
        if (seedDemo &&
            (service == QStringLiteral("registration") || service == QStringLiteral("pharmacy")))
            extra << QStringLiteral("--seed-demo");
        if (!start(service, extra))
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
    return text;
}

std::unique_ptr<bus::Connection> OpdCluster::connectClient(const QString& name, int timeoutMs) const
{
    bus::ConnectionOptions options;
    options.servers = {m_nats.url()};
    options.name = name.isEmpty() ? QStringLiteral("opd-flow-client") : name;
    auto connection = std::make_unique<bus::Connection>(options);
    connection->open();
    if (!QTest::qWaitFor([&] { return connection->state() == bus::Connection::State::Connected; },
                         timeoutMs))
        return nullptr;
    return connection;
}

} // namespace openopd::testing
