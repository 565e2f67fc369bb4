#pragma once

#include <QStringList>

namespace openopd::bench {

// `opd-bench flow [--quick] [...]`: the OPD services as real processes on a nats-server
// started for the run: sustained registrations + visit opens, open-visit -> doctor's queue
// latency, and patient search over a million generated patients. JSON lines on stdout (see
// README.md). args excludes the program and subcommand names. Returns the exit code.
int runFlowBench(const QStringList& args);

} // namespace openopd::bench
