#include "service_process.h"

#include "../../support/child_process.h"
#include "../../support/sanitizer_report.h"
#include "../../support/sanitizer_scale.h"

#include <QDeadlineTimer>
#include <QTest>
#include <csignal>
#include <cstdio>

namespace openopd::testing {

ServiceProcess::ServiceProcess(QString program, QStringList arguments)
    : m_program(std::move(program)), m_arguments(std::move(arguments))
{}

ServiceProcess::~ServiceProcess()
{
    kill();
    printSanitizerReport();
}

void ServiceProcess::printSanitizerReport()
{
    const QByteArray report = sanitizerReport(m_log.mid(m_checkedUpTo));
    m_checkedUpTo = m_log.size();
    if (report.isEmpty())
        return;
    // ctest fails the test on the marker, whether or not the test looked at the log.
    std::fprintf(stderr, "%s from %s:\n%s", kReportMarker, qPrintable(m_program),
                 report.constData());
    std::fflush(stderr);
}

void ServiceProcess::collect()
{
    if (m_process)
        m_log += m_process->readAll();
}

bool ServiceProcess::start(const QStringList& extra, int timeoutMs)
{
    kill();
    printSanitizerReport(); // the previous run's
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(*m_process);
    QObject::connect(m_process.get(), &QProcess::readyRead, m_process.get(), [this] { collect(); });
    const qsizetype logStart = m_log.size();
    m_process->start(m_program, m_arguments + extra);
    if (!m_process->waitForStarted(10000))
        return false;
    if (!m_standardInput.isEmpty())
        m_process->write(m_standardInput);
    m_process->closeWriteChannel();
    const bool ready = QTest::qWaitFor(
        [&] {
            collect();
            return m_log.indexOf(m_readyMarker, logStart) >= 0 ||
                   m_process->state() == QProcess::NotRunning;
        },
        testing::scaledTimeout(timeoutMs)); // a sanitized service starts slower
    return ready && m_process->state() == QProcess::Running;
}

void ServiceProcess::kill()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->kill();
    m_process->waitForFinished(10000);
    collect();
}

int ServiceProcess::terminate(int timeoutMs)
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return -1;
    ::kill(static_cast<pid_t>(m_process->processId()), SIGTERM);
    const bool finished =
        QTest::qWaitFor([&] { return m_process->state() == QProcess::NotRunning; },
                        testing::scaledTimeout(timeoutMs));
    collect();
    if (!finished) {
        kill();
        return -1;
    }
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

bool ServiceProcess::waitForExit(int timeoutMs)
{
    if (!m_process)
        return true;
    const bool ended = QTest::qWaitFor([&] { return m_process->state() == QProcess::NotRunning; },
                                       testing::scaledTimeout(timeoutMs));
    collect();
    return ended;
}

bool ServiceProcess::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

qint64 ServiceProcess::processId() const
{
    return isRunning() ? m_process->processId() : 0;
}

QString ServiceProcess::log() const
{
    return QString::fromUtf8(m_log);
}

} // namespace openopd::testing
