// opd-bench: OpenOPD's benchmarks. `opd-bench <subcommand> [options]`; each subcommand prints
// JSON lines on stdout (see README.md) and diagnostics on stderr.

#include "bridge_bench.h"
#if defined(OPENOPD_APP_START_BENCH) || defined(OPENOPD_APP_BENCH)
#include "app_bench.h"
#endif
#ifdef OPENOPD_FLOW_BENCH
#include "flow_bench.h"
#endif
#include "bus/nats_library.h"

#ifdef OPENOPD_APP_BENCH
#include <QApplication>
#endif
#include <QCoreApplication>
#include <QStringList>
#include <cstdio>
#include <cstring>
#include <memory>

namespace {

struct Subcommand
{
    const char* name;
    const char* synopsis;
    int (*run)(const QStringList& args);
    // Needs a QApplication (widgets): offscreen unless QT_QPA_PLATFORM says otherwise.
    bool gui;
};

// Add a subcommand here: its name, its synopsis for the usage text, its entry point, and
// whether it needs widgets.
constexpr Subcommand kSubcommands[] = {
    {"bridge",
     "bridge [--quick] [--rounds N] [--only reqrep|events]\n"
     "      the bus bridge vs raw nats.c: request/reply latency, event throughput",
     &openopd::bench::runBridgeBench, false},
#ifdef OPENOPD_FLOW_BENCH
    {"flow",
     "flow [--quick] [--seconds N] [--clients N] [--samples N] [--patients N] [--queries N]\n"
     "     [--cache DIR] [--only load|latency|search] [--deployment single,cluster]\n"
     "     [--others N] [--pg-no-fsync]\n"
     "      the OPD services: registrations/s, open-visit -> queue latency, search at 1M;\n"
     "      with cluster: registrations/s on 3 nats-servers + PostgreSQL, 1 and 2 instances",
     &openopd::bench::runFlowBench, false},
#endif
#ifdef OPENOPD_APP_START_BENCH
    {"app-start",
     "app-start [--runs N] [--app PATH]\n"
     "      the desktop app: process start to the sign-in window mapped (on its own Xvfb)",
     &openopd::bench::runAppStartBench, false},
#endif
#ifdef OPENOPD_APP_BENCH
    {"app-waiting-list",
     "app-waiting-list [--rows N]\n"
     "      the desktop app: resident memory with a 10,000-row waiting list shown",
     &openopd::bench::runAppWaitingListBench, true},
#endif
#if defined(OPENOPD_APP_BENCH) && defined(OPENOPD_FLOW_BENCH)
    {"app-search",
     "app-search [--patients N] [--queries N] [--cache DIR]\n"
     "      the desktop app: keystroke to search results shown over 1M patients",
     &openopd::bench::runAppSearchBench, true},
#endif
};

void printUsage(std::FILE* stream)
{
    std::fprintf(stream, "usage: opd-bench <subcommand> [options]\n\nsubcommands:\n");
    for (const Subcommand& subcommand : kSubcommands)
        std::fprintf(stream, "  %s\n", subcommand.synopsis);
}

const Subcommand* findSubcommand(const char* name)
{
    for (const Subcommand& subcommand : kSubcommands)
        if (std::strcmp(subcommand.name, name) == 0)
            return &subcommand;
    return nullptr;
}

} // namespace

int main(int argc, char* argv[])
{
    if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
        printUsage(stdout);
        return 0;
    }
    const Subcommand* subcommand = argc >= 2 ? findSubcommand(argv[1]) : nullptr;
    if (subcommand == nullptr) {
        if (argc >= 2)
            std::fprintf(stderr, "opd-bench: unknown subcommand '%s'\n", argv[1]);
        printUsage(stderr);
        return 2;
    }
    std::unique_ptr<QCoreApplication> app;
#ifdef OPENOPD_APP_BENCH
    if (subcommand->gui) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QApplication>(argc, argv);
    }
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    const openopd::bus::NatsLibrary nats; // before any connection, after them all
    return subcommand->run(QCoreApplication::arguments().mid(2));
}
