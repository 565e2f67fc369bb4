#pragma once

#include <QStringList>

namespace openopd::bench {

// `opd-bench app-start [--runs N] [--app PATH]`: the real openopd executable started again and
// again on an Xvfb display this benchmark starts; from the process start to the map of its
// sign-in window (seen by an X client of our own, event-driven, no polling). See README.md.
int runAppStartBench(const QStringList& args);

// `opd-bench app-waiting-list [--rows N]`: resident memory of this process before and after
// the real waiting-list model and view show N (10,000) visits from a test responder on a real
// nats-server. Runs under QApplication (offscreen unless QT_QPA_PLATFORM says otherwise).
int runAppWaitingListBench(const QStringList& args);

// `opd-bench app-search [--patients N] [--queries N] [--cache DIR]`: keystroke to results shown
// in the real patient search model against a registration service holding N (1,000,000)
// generated patients.
int runAppSearchBench(const QStringList& args);

} // namespace openopd::bench
