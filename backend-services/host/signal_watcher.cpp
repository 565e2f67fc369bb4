#include "host/signal_watcher.h"

#include <QCoreApplication>
#include <QPointer>
#include <QSocketNotifier>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/socket.h>
#include <unistd.h>

namespace openopd::host {
namespace {

// The write end is read by the async-signal handler: a plain int, set before any handler is
// installed and cleared after they are all restored.
volatile sig_atomic_t g_writeFd = -1;
int g_readFd = -1;
bool g_watcherExists = false;
std::map<int, struct sigaction> g_previous;

extern "C" void onSignal(int signalNumber)
{
    const int savedErrno = errno; // write() may change it under the interrupted code
    const int fd = g_writeFd;
    if (fd >= 0) {
        const unsigned char byte = static_cast<unsigned char>(signalNumber);
        [[maybe_unused]] const ssize_t ignored = ::write(fd, &byte, 1);
    }
    errno = savedErrno;
}

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::host::SignalWatcher", text);
}

QString systemError(const char* what)
{
    return tr("%1 failed: %2")
        .arg(QString::fromLatin1(what), QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

SignalWatcher::SignalWatcher(QObject* parent)
    : SignalWatcher(QList<int>{SIGTERM, SIGINT, SIGHUP}, parent)
{}

SignalWatcher::SignalWatcher(const QList<int>& signalNumbers, QObject* parent)
    : QObject(parent), m_signals(signalNumbers)
{
    if (g_watcherExists) {
        m_error = tr("only one SignalWatcher may exist at a time");
        return;
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) {
        m_error = systemError("socketpair");
        return;
    }
    g_watcherExists = true;
    g_readFd = fds[0];
    g_writeFd = fds[1];
    m_notifier = new QSocketNotifier(fds[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::readPending);

    for (int signalNumber : std::as_const(m_signals)) {
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        struct sigaction previous = {};
        if (::sigaction(signalNumber, &action, &previous) != 0) {
            m_error = systemError("sigaction");
            continue;
        }
        g_previous[signalNumber] = previous;
    }
}

SignalWatcher::~SignalWatcher()
{
    if (m_notifier == nullptr)
        return;
    restore();
    delete m_notifier;
    m_notifier = nullptr;
    const int writeFd = g_writeFd;
    g_writeFd = -1;
    ::close(writeFd);
    ::close(g_readFd);
    g_readFd = -1;
    g_watcherExists = false;
}

void SignalWatcher::restore()
{
    for (const auto& [signalNumber, previous] : g_previous)
        ::sigaction(signalNumber, &previous, nullptr);
    g_previous.clear();
}

void SignalWatcher::readPending()
{
    unsigned char buffer[64];
    const QPointer<SignalWatcher> alive(this); // a slot may delete us
    for (;;) {
        const ssize_t got = ::read(g_readFd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return; // EAGAIN: nothing more for now
        for (ssize_t i = 0; i < got && alive; ++i) {
            const int signalNumber = buffer[i];
            Q_EMIT signalReceived(signalNumber);
            if (alive && (signalNumber == SIGTERM || signalNumber == SIGINT))
                Q_EMIT terminationRequested(signalNumber);
            else if (alive && signalNumber == SIGHUP)
                Q_EMIT hangup();
        }
        if (!alive)
            return;
    }
}

} // namespace openopd::host
