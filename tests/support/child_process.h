#pragma once

// Processes a test starts (nats-server, the services) die with the test: a test that crashes
// or is killed by ctest's timeout must not leave a clinic running that holds ports and CPU
// for the tests after it. PR_SET_PDEATHSIG fires when the thread that started the child
// exits; tests start their children from the main thread.

#include <QProcess>
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace openopd::testing {

inline void dieWithTest(QProcess& process)
{
    const pid_t test = ::getpid();
    process.setChildProcessModifier([test] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != test) // the test died before the line above
            ::_exit(1);
    });
}

} // namespace openopd::testing
