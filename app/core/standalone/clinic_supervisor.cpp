#include "core/standalone/clinic_supervisor.h"

#include "core/standalone/clinic_layout.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>

namespace openopd::app {

namespace {

const QString kNatsServer = QStringLiteral("nats-server");
const QString kNatsAuth = QStringLiteral("openopd-nats-auth");
const QString kIdentity = QStringLiteral("openopd-identity");
constexpr quint16 kDefaultPort = 4222;
constexpr quint16 kMonitorPort = 8222;

// Empty when 127.0.0.1:port can be bound, else why not.
QString portProblem(quint16 port)
{
    QTcpServer probe;
    probe.setProxy(QNetworkProxy::NoProxy);
    return probe.listen(QHostAddress::LocalHost, port) ? QString() : probe.errorString();
}

} // namespace

ClinicSupervisor::ClinicSupervisor(ClinicOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options))
{
    if (m_options.dataDir.isEmpty())
        m_options.dataDir = clinic::defaultDataDir();
    m_options.dataDir = QDir::cleanPath(QDir(m_options.dataDir).absolutePath());
    m_deadline.setSingleShot(true);
    m_portPoll.setInterval(100);
    connect(&m_portPoll, &QTimer::timeout, this, &ClinicSupervisor::pollNatsPort);
}

ClinicSupervisor::~ClinicSupervisor() = default;

QString ClinicSupervisor::logDir() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("logs"));
}

QString ClinicSupervisor::natsDir() const
{
    return QDir(m_options.dataDir).filePath(QStringLiteral("nats"));
}

QString ClinicSupervisor::natsUrl() const
{
    return QStringLiteral("nats://127.0.0.1:%1").arg(m_options.natsPort);
}

QList<qint64> ClinicSupervisor::childPids() const
{
    QList<qint64> pids;
    for (ClinicProcess* child : m_children)
        if (child->isRunning() && child->pid() > 0)
            pids.append(child->pid());
    return pids;
}

void ClinicSupervisor::start()
{
    if (m_state != State::Idle)
        return;
    m_state = State::Starting;
    Q_EMIT progress(tr("Checking the clinic's data and programs…"));
    if (!checkBeforeStart() || !findPrograms() || !choosePorts() || !prepareDataDir())
        return;
    if (!m_options.demo && clinic::needsFirstAdmin(m_options.dataDir)) {
        m_state = State::WaitingForFirstAdmin;
        Q_EMIT progress(tr("This clinic has no administrator yet."));
        Q_EMIT firstAdminNeeded();
        return;
    }
    initNatsAuth();
}

bool ClinicSupervisor::checkBeforeStart()
{
    const QString& dir = m_options.dataDir;
    if (dir.contains(u'"') || dir.contains(u'\\')) {
        fail(tr("The data directory path may not contain quotes or backslashes: %1").arg(dir));
        return false;
    }
    if (!m_options.demo && QFileInfo::exists(clinic::demoMarkerPath(dir))) {
        fail(tr("%1 holds demo data (demo staff with the password \"demo-password\", demo "
                "patients and stock; %2). For a real clinic move it away first (or choose "
                "another --data-dir), or start with --demo-data to run the demo again.")
                 .arg(dir, clinic::demoMarkerText(dir)));
        return false;
    }
    // The other way round too: demo staff (with a published password) never join a real
    // clinic's accounts.
    if (m_options.demo && !QFileInfo::exists(clinic::demoMarkerPath(dir)) &&
        QFileInfo::exists(QDir(dir).filePath(QStringLiteral("identity.sqlite")))) {
        fail(tr("%1 holds a real clinic's data: demo data (demo staff with the password "
                "\"demo-password\") is never loaded into it. Start without --demo-data, or "
                "choose another --data-dir for the demo.")
                 .arg(dir));
        return false;
    }
    return true;
}

bool ClinicSupervisor::findPrograms()
{
    QStringList searched;
    m_programs.insert(kNatsServer, clinic::findNatsServer(&searched));
    if (m_programs.value(kNatsServer).isEmpty()) {
        fail(tr("nats-server was not found (looked in: %1). Install it (Debian: the "
                "nats-server package, or run scripts/install-deps.sh).")
                 .arg(searched.join(QStringLiteral(", "))));
        return false;
    }
    for (const QString& name : QStringList{kNatsAuth, kIdentity} + clinic::servicePrograms()) {
        searched.clear();
        const QString path = clinic::findOpenOpdProgram(name, m_options.appDir, &searched);
        if (path.isEmpty()) {
            searched.removeDuplicates();
            fail(tr("%1 was not found (looked in: %2). Build it (scripts/build.sh) or install "
                    "OpenOPD completely.")
                     .arg(name, searched.join(QStringLiteral(", "))));
            return false;
        }
        m_programs.insert(name, path);
    }
    return true;
}

bool ClinicSupervisor::choosePorts()
{
    if (m_options.natsPort == 0) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            fail(tr("No free port on 127.0.0.1 for the clinic: %1").arg(probe.errorString()));
            return false;
        }
        m_options.natsPort = probe.serverPort();
    }
    m_monitorPort = m_options.natsPort == kDefaultPort ? kMonitorPort : 0;
    for (const quint16 port : {m_options.natsPort, m_monitorPort}) {
        if (const QString problem = port == 0 ? QString() : portProblem(port); !problem.isEmpty()) {
            fail(tr("Port 127.0.0.1:%1 is already in use (%2): is another OpenOPD clinic or "
                    "nats-server running on this PC? Stop it, or start with another "
                    "--nats-port.")
                     .arg(port)
                     .arg(problem));
            return false;
        }
    }
    return true;
}

bool ClinicSupervisor::prepareDataDir()
{
    const QString& dir = m_options.dataDir;
    constexpr QFile::Permissions kOwnerOnly =
        QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
    if (!QDir().mkpath(natsDir()) || !QDir().mkpath(logDir()) ||
        !QFile::setPermissions(dir, kOwnerOnly) || !QFile::setPermissions(natsDir(), kOwnerOnly)) {
        fail(tr("Cannot create the clinic's data directory %1 (check its permissions and the "
                "free disk space).")
                 .arg(dir));
        return false;
    }
    if (m_options.demo &&
        !clinic::writeDemoMarker(dir, QStringLiteral("openopd --standalone --demo-data"))) {
        fail(tr("Cannot write %1.").arg(clinic::demoMarkerPath(dir)));
        return false;
    }
    return true;
}

void ClinicSupervisor::createFirstAdmin(const QString& name, const QString& password)
{
    if (m_state != State::WaitingForFirstAdmin)
        return;
    m_state = State::Starting;
    Q_EMIT progress(tr("Creating the administrator %1…").arg(name));
    QFile pending(clinic::firstAdminPendingPath(m_options.dataDir));
    if (!pending.open(QIODevice::WriteOnly)) {
        fail(tr("Cannot write %1.").arg(pending.fileName()));
        return;
    }
    pending.close();
    ClinicProcess::Spec create = spec(kIdentity, {QStringLiteral("--create-admin"), name});
    create.name = tr("creating the administrator");
    create.stdinData = password.toUtf8() + '\n';
    startChild(std::move(create), [this, name](ClinicProcess* child, bool ok) {
        if (ok) {
            QFile::remove(clinic::firstAdminPendingPath(m_options.dataDir));
            Q_EMIT progress(tr("The administrator %1 is ready.").arg(name));
            Q_EMIT firstAdminCreated(name);
            initNatsAuth();
            return;
        }
        // The helper's own words (e.g. "the password must have 8 to 128 characters") are
        // the clearest message.
        m_state = State::WaitingForFirstAdmin;
        Q_EMIT firstAdminFailed(tr("The administrator could not be created (%1):\n%2")
                                    .arg(child->endDescription(), child->tail()));
    });
}

void ClinicSupervisor::initNatsAuth()
{
    Q_EMIT progress(tr("Making this start's service passwords…"));
    ClinicProcess::Spec init =
        spec(kNatsAuth, {QStringLiteral("init"), QStringLiteral("--dir"), natsDir()});
    init.name = QStringLiteral("openopd-nats-auth init");
    init.keepStdout = true;
    startChild(std::move(init), [this](ClinicProcess* child, bool ok) {
        if (!ok) {
            failedWhileStarting(child);
            return;
        }
        // "svc.<name> <password>" per line: kept in memory, handed to each child on stdin.
        QByteArray out = child->takeStdout();
        for (const QByteArray& line : out.split('\n')) {
            const QList<QByteArray> parts = line.trimmed().split(' ');
            if (parts.size() == 2)
                m_passwords.insert(QString::fromUtf8(parts.at(0)), parts.at(1));
        }
        out.fill('\0');
        if (m_passwords.isEmpty()) {
            fail(tr("openopd-nats-auth init made no service users (its log: %1).")
                     .arg(child->logFile()));
            return;
        }
        if (writeNatsConfig())
            startNats();
    });
}

} // namespace openopd::app
