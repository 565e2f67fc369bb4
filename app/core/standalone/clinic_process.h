#pragma once

// One child process of the standalone clinic (nats-server, a service, the auth agent, or a
// one-shot helper such as `openopd-nats-auth init`). Asynchronous only: it never waits on the
// calling thread. Its output goes straight into its own log file (appended), so nothing is
// lost and no child meets a broken pipe if the app dies; "ready" is spotted by reading that
// file while it starts. A secret for its standard input is written once it started, and then
// the channel is closed.
//
// No orphans: the child asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG),
// so a killed app still stops its clinic; nats-server shuts JetStream down cleanly on
// SIGTERM. The signal fires when the *thread* that forked exits: create and start these on
// the GUI thread, which lives as long as the app. Each child runs in its own session, so a
// Ctrl-C in the app's terminal reaches only the app, which then stops them in order.

#include <QByteArray>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>

namespace openopd::app {

class ClinicProcess final : public QObject
{
    Q_OBJECT
public:
    struct Spec
    {
        QString name;    // shown to the user, e.g. "openopd-identity"
        QString program; // absolute path
        QStringList arguments;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        QString logFile;         // output (or only stderr, see keepStdout) is appended here
        QByteArray readyMark;    // output that says "ready"; empty: ready once started
        QByteArray stdinData;    // written after start, then standard input is closed
        bool keepStdout = false; // keep stdout in memory (a secret: never logged)
    };

    explicit ClinicProcess(Spec spec, QObject* parent = nullptr);
    ~ClinicProcess() override;
    Q_DISABLE_COPY_MOVE(ClinicProcess)

    void start();
    void terminate();
    void kill();

    const QString& name() const { return m_spec.name; }
    const QString& logFile() const { return m_spec.logFile; }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    bool isReady() const { return m_ready; }
    qint64 pid() const { return m_process.processId(); }
    // stdout when keepStdout (and the caller should clear it once read).
    QByteArray takeStdout();
    // The last lines of its output, for a failure message.
    QString tail() const;
    // Why it ended, in words ("exit code 1", "crashed", "could not be started: ...").
    QString endDescription() const;

Q_SIGNALS:
    void ready();
    // The process ended (or never started): see endDescription(); ok: exit code 0.
    void ended(bool ok);

private:
    void scanLog();
    void appendLog(const QByteArray& bytes);

    Spec m_spec;
    QProcess m_process;
    QTimer m_scan;
    qint64 m_logStart = 0; // where this run's output begins in the log
    qint64 m_scanned = 0;  // how far scanLog() has read
    QByteArray m_window;   // the last bytes read, so a mark split between reads is found
    QByteArray m_stdout;
    bool m_ready = false;
    bool m_ended = false;
};

} // namespace openopd::app
