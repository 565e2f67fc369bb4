// opd-bench: OpenOPD's benchmarks. `opd-bench <subcommand> [options]`; each subcommand prints
// JSON lines on stdout (see README.md) and diagnostics on stderr.

#include "bridge_bench.h"
#ifdef OPENOPD_FLOW_BENCH
#include "flow_bench.h"
#endif
#include "bus/nats_library.h"

#include <QCoreApplication>
#include <QStringList>
#include <cstdio>
#include <cstring>

namespace {

struct Subcommand
{
    const char* name;
    const char* synopsis;
    int (*run)(const QStringList& args);
};

// Add a subcommand here: its name, its synopsis for the usage text, and its entry point.
constexpr Subcommand kSubcommands[] = {
    {"bridge",
     "bridge [--quick] [--rounds N] [--only reqrep|events]\n"
     "      the bus bridge vs raw nats.c: request/reply latency, event throughput",
     &openopd::bench::runBridgeBench},
#ifdef OPENOPD_FLOW_BENCH
    {"flow",
     "flow [--quick] [--seconds N] [--clients N] [--samples N] [--patients N] [--queries N]\n"
     "     [--cache DIR] [--only load|latency|search]\n"
     "      the OPD services: registrations/s, open-visit -> queue latency, search at 1M",
     &openopd::bench::runFlowBench},
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
    QCoreApplication app(argc, argv);
    const openopd::bus::NatsLibrary nats; // before any connection, after them all
    return subcommand->run(QCoreApplication::arguments().mid(2));
}
