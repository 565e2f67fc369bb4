// ClinicSupervisor, part two: nats-server, the services, and stopping them (the checks and the
// first steps are in clinic_supervisor.cpp).

#include "core/standalone/clinic_layout.h"
#include "core/standalone/clinic_supervisor.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpSocket>

namespace openopd::app {

namespace {

constexpr int kNatsStartMs = 20'000;
constexpr int kServicesStartMs = 120'000; // demo seeding hashes passwords (Argon2id)
constexpr int kStopPhaseMs = 10'000;
const QByteArray kServiceReady = QByteArrayLiteral("ready: serving as");
const QByteArray kAgentReady = QByteArrayLiteral("agent started");

} // namespace

ClinicProcess::Spec ClinicSupervisor::spec(const QString& name, const QStringList& arguments) const
{
    ClinicProcess::Spec spec;
    spec.name = name;
    spec.program = m_programs.value(name);
    spec.arguments = arguments;
    spec.environment.insert(QStringLiteral("OPENOPD_DATA_DIR"), m_options.dataDir);
    spec.environment.insert(QStringLiteral("OPENOPD_NATS_URL"), natsUrl());
    spec.logFile = QDir(logDir()).filePath(name + QStringLiteral(".log"));
    return spec;
}

ClinicProcess* ClinicSupervisor::startChild(ClinicProcess::Spec spec, EndHandler whenEnded)
{
    auto* child = new ClinicProcess(std::move(spec), this);
    m_children.push_back(child);
    connect(child, &ClinicProcess::ended, this,
            [this, child, whenEnded = std::move(whenEnded)](bool ok) {
                onChildEnded(child, ok, whenEnded);
            });
    child->start();
    return child;
}

void ClinicSupervisor::onChildEnded(ClinicProcess* child, bool ok, const EndHandler& whenEnded)
{
    switch (m_stopPhase) {
    case StopPhase::Services:
        if (!othersRunning())
            stopNats();
        return;
    case StopPhase::Nats:
        if (child == m_nats)
            finishStop();
        return;
    case StopPhase::None:
        break;
    }
    if (m_state != State::Failed && whenEnded)
        whenEnded(child, ok);
}

void ClinicSupervisor::onComponentEnded(ClinicProcess* child)
{
    if (m_state == State::Starting)
        failedWhileStarting(child);
    else if (m_state == State::Ready)
        Q_EMIT componentStopped(tr("%1 stopped (%2): the clinic may not work until OpenOPD is "
                                   "restarted. Its log: %3")
                                    .arg(child->name(), child->endDescription(), child->logFile()));
}

void ClinicSupervisor::failedWhileStarting(ClinicProcess* child)
{
    QString message = tr("%1 stopped while the clinic was starting (%2). Its log: %3")
                          .arg(child->name(), child->endDescription(), child->logFile());
    if (const QString tail = child->tail(); !tail.isEmpty())
        message += QStringLiteral("\n\n") + tail;
    fail(message);
}

void ClinicSupervisor::fail(const QString& message)
{
    if (m_state == State::Failed)
        return;
    m_state = State::Failed;
    m_deadline.stop();
    m_portPoll.stop();
    for (QByteArray& password : m_passwords)
        password.fill('\0');
    m_passwords.clear();
    Q_EMIT failed(message);
    stop();
}

void ClinicSupervisor::armDeadline(int ms, const std::function<void()>& onTimeout)
{
    m_deadline.disconnect(this);
    connect(&m_deadline, &QTimer::timeout, this, onTimeout);
    m_deadline.start(ms);
}

bool ClinicSupervisor::writeNatsConfig()
{
    // packaging/nats/standalone.conf, built into the app (see app/CMakeLists.txt).
    QFile source(QStringLiteral(":/openopd/standalone.conf"));
    QByteArray config;
    if (source.open(QIODevice::ReadOnly))
        config = source.readAll();
    const QByteArray listen = QByteArrayLiteral("listen: 127.0.0.1:4222");
    const QByteArray http = QByteArrayLiteral("http: 127.0.0.1:8222");
    if (!config.contains(listen) || !config.contains(http)) {
        fail(tr("The app's built-in nats-server configuration is unusable (rebuild OpenOPD)."));
        return false;
    }
    config.replace(listen,
                   QByteArray("listen: 127.0.0.1:" + QByteArray::number(m_options.natsPort)));
    if (m_monitorPort == 0)
        config.replace(http, "# http: monitoring is off when the clinic is not on port 4222");
    QFile target(QDir(natsDir()).filePath(QStringLiteral("nats-server.conf")));
    if (!target.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        target.write(config) != config.size()) {
        fail(tr("Cannot write %1.").arg(target.fileName()));
        return false;
    }
    return true;
}

void ClinicSupervisor::startNats()
{
    Q_EMIT progress(tr("Starting the message server (nats-server)…"));
    ClinicProcess::Spec nats =
        spec(QStringLiteral("nats-server"),
             {QStringLiteral("-c"), QDir(natsDir()).filePath(QStringLiteral("nats-server.conf"))});
    // nats-server reads these as config values: quoted strings.
    nats.environment.insert(QStringLiteral("OPENOPD_NATS_STORE_DIR"), u'"' + natsDir() + u'"');
    nats.environment.insert(QStringLiteral("OPENOPD_NATS_PID_FILE"),
                            u'"' + QDir(natsDir()).filePath(QStringLiteral("nats-server.pid")) +
                                u'"');
    m_nats = startChild(std::move(nats), [this](ClinicProcess* child, bool) {
        m_portPoll.stop();
        onComponentEnded(child);
    });
    armDeadline(kNatsStartMs, [this] {
        fail(tr("nats-server did not open 127.0.0.1:%1 within %2 s. Its log: %3")
                 .arg(m_options.natsPort)
                 .arg(kNatsStartMs / 1000)
                 .arg(m_nats ? m_nats->logFile() : QString()));
    });
    m_portPoll.start();
}

void ClinicSupervisor::pollNatsPort()
{
    if (m_probe)
        return; // the previous try is still connecting
    m_probe = new QTcpSocket(this);
    QTcpSocket* probe = m_probe;
    connect(probe, &QTcpSocket::connected, this, [this, probe] {
        probe->deleteLater();
        if (m_state != State::Starting || !m_portPoll.isActive())
            return;
        m_portPoll.stop();
        m_deadline.stop();
        startServices();
    });
    connect(probe, &QTcpSocket::errorOccurred, probe, &QObject::deleteLater);
    probe->connectToHost(QHostAddress::LocalHost, m_options.natsPort);
}

void ClinicSupervisor::startServices()
{
    Q_EMIT progress(tr("Starting the identity service and the clinic's services…"));
    struct Start
    {
        QString program;
        QString user;
        QStringList arguments;
        QByteArray readyMark;
    };
    const QString nats = natsDir();
    const QStringList demo =
        m_options.demo ? QStringList{QStringLiteral("--seed-demo")} : QStringList{};
    QList<Start> starts;
    // The agent turns identity's sessions into nats-server users (reloaded by SIGHUP); each
    // staff session may read only its own replies (--session-inboxes).
    starts.append(
        {QStringLiteral("openopd-identity"), QStringLiteral("svc.identity"), demo, kServiceReady});
    starts.append({QStringLiteral("openopd-nats-auth"),
                   QStringLiteral("svc.nats-auth"),
                   {QStringLiteral("agent"), QStringLiteral("--nats-url"), natsUrl(),
                    QStringLiteral("--users-file"), nats + QStringLiteral("/staff-users.conf"),
                    QStringLiteral("--pid-file"), nats + QStringLiteral("/nats-server.pid"),
                    QStringLiteral("--session-inboxes")},
                   kAgentReady});
    for (const QString& service : clinic::servicePrograms())
        starts.append({service, QStringLiteral("svc.") + service.mid(8), demo, kServiceReady});

    m_serviceCount = int(starts.size());
    m_readyCount = 0;
    for (Start& start : starts) {
        const QByteArray password = m_passwords.value(start.user);
        if (password.isEmpty()) {
            fail(tr("%1: openopd-nats-auth made no NATS user %2 (see %3/accounts.conf).")
                     .arg(start.program, start.user, nats));
            return;
        }
        if (start.program != QStringLiteral("openopd-nats-auth"))
            start.arguments = QStringList{QStringLiteral("--user"), start.user} + start.arguments;
        start.arguments.append(QStringLiteral("--password-stdin"));
        ClinicProcess::Spec child = spec(start.program, start.arguments);
        child.readyMark = start.readyMark;
        child.stdinData = password + '\n';
        ClinicProcess* process = startChild(
            std::move(child), [this](ClinicProcess* ended, bool) { onComponentEnded(ended); });
        connect(process, &ClinicProcess::ready, this, &ClinicSupervisor::onChildReady);
        if (m_state != State::Starting)
            return;
    }
    for (QByteArray& password : m_passwords)
        password.fill('\0');
    m_passwords.clear();
    armDeadline(kServicesStartMs, [this] {
        QStringList waiting;
        for (ClinicProcess* child : m_children)
            if (child->isRunning() && !child->isReady())
                waiting.append(child->name() + QStringLiteral(" (") + child->logFile() + u')');
        fail(tr("These did not get ready within %1 s: %2")
                 .arg(kServicesStartMs / 1000)
                 .arg(waiting.join(QStringLiteral(", "))));
    });
}

void ClinicSupervisor::onChildReady()
{
    if (m_state != State::Starting)
        return;
    ++m_readyCount;
    Q_EMIT progress(
        tr("Starting the services: %1 of %2 ready…").arg(m_readyCount).arg(m_serviceCount));
    if (m_readyCount < m_serviceCount)
        return;
    m_deadline.stop();
    m_state = State::Ready;
    Q_EMIT progress(tr("The clinic is ready."));
    Q_EMIT ready(natsUrl());
}

void ClinicSupervisor::stop()
{
    m_portPoll.stop();
    if (m_stopPhase != StopPhase::None)
        return; // stopped() follows
    if (m_state != State::Failed) {
        m_state = State::Stopping;
        Q_EMIT progress(tr("Stopping the clinic…"));
    }
    stopServices();
}

bool ClinicSupervisor::othersRunning() const
{
    for (ClinicProcess* child : m_children)
        if (child != m_nats && child->isRunning())
            return true;
    return false;
}

void ClinicSupervisor::stopServices()
{
    m_stopPhase = StopPhase::Services;
    if (!othersRunning()) {
        stopNats();
        return;
    }
    // The services first: they flush their outboxes to JetStream before nats-server goes.
    for (ClinicProcess* child : m_children)
        if (child != m_nats)
            child->terminate();
    armDeadline(kStopPhaseMs, [this] {
        for (ClinicProcess* child : m_children)
            if (child != m_nats)
                child->kill();
        stopNats();
    });
}

void ClinicSupervisor::stopNats()
{
    m_stopPhase = StopPhase::Nats;
    if (!m_nats || !m_nats->isRunning()) {
        finishStop();
        return;
    }
    m_nats->terminate(); // SIGTERM: nats-server closes JetStream cleanly
    armDeadline(kStopPhaseMs, [this] {
        if (m_nats)
            m_nats->kill();
    });
}

void ClinicSupervisor::finishStop()
{
    m_deadline.stop();
    m_stopPhase = StopPhase::None;
    if (m_state != State::Failed)
        m_state = State::Stopped;
    QTimer::singleShot(0, this, [this] { Q_EMIT stopped(); });
}

} // namespace openopd::app
