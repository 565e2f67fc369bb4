#pragma once

// POSIX signals as a Qt signal on the watcher's thread (the main thread), by the self-pipe
// trick: the handler only write()s the signal number into a socketpair; a QSocketNotifier on
// the other end reads it in the event loop and emits signalReceived().

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace openopd::host {

// One per process (signal dispositions are process-wide). Create it in main() before the
// event loop; it restores the previous handlers when destroyed.
class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    // Default: SIGTERM, SIGINT and SIGHUP.
    explicit SignalWatcher(QObject* parent = nullptr);
    explicit SignalWatcher(const QList<int>& signalNumbers, QObject* parent = nullptr);
    ~SignalWatcher() override;
    Q_DISABLE_COPY_MOVE(SignalWatcher)

    // False if the socketpair or a sigaction failed (errorString() says which).
    bool isActive() const { return m_notifier != nullptr; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void signalReceived(int signalNumber);
    // SIGTERM or SIGINT: shut down gracefully.
    void terminationRequested(int signalNumber);
    // SIGHUP: reload configuration / reopen logs, by convention.
    void hangup();

private:
    void readPending();
    void restore();

    QList<int> m_signals;
    QSocketNotifier* m_notifier = nullptr;
    QString m_error;
};

} // namespace openopd::host
