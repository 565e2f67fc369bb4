#include "core/standalone/clinic_process.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace openopd::app {

namespace {

constexpr qsizetype kTailBytes = 4096;

// Runs in the child between fork and exec: only async-signal-safe calls.
void becomeClinicChild(pid_t parent)
{
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The parent may have died before prctl: then nobody will send the signal.
    if (::getppid() != parent)
        ::_exit(127);
    ::setsid();
}

} // namespace

ClinicProcess::ClinicProcess(Spec spec, QObject* parent) : QObject(parent), m_spec(std::move(spec))
{
    m_process.setProgram(m_spec.program);
    m_process.setArguments(m_spec.arguments);
    m_process.setProcessEnvironment(m_spec.environment);
    if (m_spec.keepStdout) {
        m_process.setStandardErrorFile(m_spec.logFile, QIODevice::Append);
    } else {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.setStandardOutputFile(m_spec.logFile, QIODevice::Append);
    }
    const pid_t self = ::getpid();
    m_process.setChildProcessModifier([self] { becomeClinicChild(self); });
    m_scan.setInterval(100);
    connect(&m_scan, &QTimer::timeout, this, &ClinicProcess::scanLog);

    connect(&m_process, &QProcess::readyReadStandardOutput, this,
            [this] { m_stdout += m_process.readAllStandardOutput(); });
    connect(&m_process, &QProcess::started, this, [this] {
        if (!m_spec.stdinData.isEmpty()) {
            m_process.write(m_spec.stdinData);
            m_spec.stdinData.fill('\0');
            m_spec.stdinData.clear();
        }
        m_process.closeWriteChannel();
        if (m_spec.readyMark.isEmpty() && !m_ready) {
            m_ready = true;
            Q_EMIT ready();
        } else if (!m_ready) {
            m_scan.start();
        }
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (m_spec.keepStdout)
            m_stdout += m_process.readAllStandardOutput();
        m_scan.stop();
        appendLog(
            QStringLiteral("--- %1 ended: %2 ---\n").arg(m_spec.name, endDescription()).toUtf8());
        if (m_ended)
            return;
        m_ended = true;
        Q_EMIT ended(status == QProcess::NormalExit && code == 0);
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart || m_ended)
            return;
        appendLog(QStringLiteral("--- %1 could not be started: %2 ---\n")
                      .arg(m_spec.name, m_process.errorString())
                      .toUtf8());
        m_ended = true;
        Q_EMIT ended(false);
    });
}

ClinicProcess::~ClinicProcess()
{
    // Normally stopped before (ClinicSupervisor::stop); at worst the kernel's SIGTERM follows
    // the app's exit. QProcess's destructor would block on a running child: kill it first.
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

void ClinicProcess::start()
{
    appendLog(QStringLiteral("--- %1 starting %2 ---\n")
                  .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate), m_spec.name)
                  .toUtf8());
    m_logStart = QFileInfo(m_spec.logFile).size();
    m_scanned = m_logStart;
    m_process.start();
}

void ClinicProcess::terminate()
{
    if (m_process.state() == QProcess::Running)
        m_process.terminate();
}

void ClinicProcess::kill()
{
    if (m_process.state() != QProcess::NotRunning)
        m_process.kill();
}

QByteArray ClinicProcess::takeStdout()
{
    return std::exchange(m_stdout, {});
}

QString ClinicProcess::tail() const
{
    QFile file(m_spec.logFile);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    file.seek(qMax(m_logStart, file.size() - kTailBytes));
    QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    lines.removeIf([](const QString& line) { return line.startsWith(u"--- "); });
    while (lines.size() > 5)
        lines.removeFirst();
    return lines.join(u'\n');
}

QString ClinicProcess::endDescription() const
{
    if (m_process.error() == QProcess::FailedToStart)
        return tr("could not be started: %1").arg(m_process.errorString());
    if (m_process.exitStatus() == QProcess::CrashExit)
        return tr("crashed or was killed");
    return tr("exit code %1").arg(m_process.exitCode());
}

void ClinicProcess::scanLog()
{
    QFile file(m_spec.logFile);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(m_scanned))
        return;
    const QByteArray bytes = file.read(1 << 20);
    m_scanned += bytes.size();
    m_window += bytes;
    if (m_window.contains(m_spec.readyMark)) {
        m_scan.stop();
        m_window.clear();
        m_ready = true;
        Q_EMIT ready();
        return;
    }
    m_window = m_window.right(m_spec.readyMark.size());
}

void ClinicProcess::appendLog(const QByteArray& bytes)
{
    if (m_spec.logFile.isEmpty())
        return;
    QFile file(m_spec.logFile);
    if (file.open(QIODevice::Append))
        file.write(bytes);
}

} // namespace openopd::app
