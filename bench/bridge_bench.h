#pragma once

#include <QStringList>

namespace openopd::bench {

// `opd-bench bridge [--quick] [--rounds N]`: raw nats.c and the bridge side by side against a
// nats-server started for the run; JSON lines on stdout (see README.md). args excludes the
// program and subcommand names. Returns the process exit code.
int runBridgeBench(const QStringList& args);

} // namespace openopd::bench
