#pragma once

// A backend service as a child process for integration and fault tests: started with the
// given arguments, ready once it logs "ready", killable with SIGKILL like a crash. A sanitizer
// report in a run's log is printed when it is started again or dropped
// (support/sanitizer_report.h): the test fails.

#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>

namespace openopd::testing {

class ServiceProcess
{
public:
    ServiceProcess(QString program, QStringList arguments);
    ~ServiceProcess(); // SIGKILL if still running

    ServiceProcess(const ServiceProcess&) = delete;
    ServiceProcess& operator=(const ServiceProcess&) = delete;

    // Starts with the base arguments plus extra; waits until the service logs "ready".
    bool start(const QStringList& extra = {}, int timeoutMs = 30000);
    void kill();
    // SIGTERM and wait; the exit code, or -1 if it crashed or did not stop in time.
    int terminate(int timeoutMs = 30000);
    // Waits for the process to end by itself (a fault point); true if it did.
    bool waitForExit(int timeoutMs = 15000);
    bool isRunning() const;
    qint64 processId() const; // 0 when not running
    QString log() const;
    // Written to the process's standard input at each start, which is then closed (a
    // password for --password-stdin, as a launcher hands it over). Empty: nothing written.
    void setStandardInput(QByteArray input) { m_standardInput = std::move(input); }
    // The log text start() waits for (default: a host's "ready" line).
    void setReadyMarker(QByteArray marker) { m_readyMarker = std::move(marker); }

private:
    void collect();
    // Prints the sanitizer reports in the log since the last check (support/sanitizer_report.h).
    void printSanitizerReport();

    QString m_program;
    QStringList m_arguments;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_log;
    qsizetype m_checkedUpTo = 0; // m_log before this was checked for sanitizer reports
    QByteArray m_standardInput;
    QByteArray m_readyMarker = "\"msg\":\"ready";
};

} // namespace openopd::testing
