#include "flow_bench.h"

#include "flow_runs.h"
#include "flow_support.h"
#include "json_lines.h"
#include "opd_cluster.h"
#include "process_cpu.h"
#include "stats.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <cstdio>

namespace openopd::bench {
namespace {

struct Settings
{
    int seconds = 10;          // load run
    int clients = 8;           // concurrent reception connections in the load run
    int warmup = 20;           // latency samples not counted
    int samples = 500;         // latency samples
    qint64 patients = 1000000; // generated patients for the search
    int queries = 2000;        // searches measured (+ warm-up)
    QString cache = QStringLiteral(OPENOPD_BENCH_DATA_DIR);
    QString only; // load | latency | search; empty: all
};

// The processes of a load run: nats-server, the five services and this benchmark (the clients).
ProcessCpuMeter clusterCpuMeter(testing::OpdCluster& cluster)
{
    ProcessCpuMeter meter;
    meter.add(QStringLiteral("nats-server"), cluster.nats().processId());
    for (const QString& service : testing::OpdCluster::serviceNames())
        meter.add(service, cluster.processId(service));
    meter.add(QStringLiteral("opd-bench"), QCoreApplication::applicationPid());
    return meter;
}

// CPU milliseconds per pair by process, and the pairs/s this machine's cores would allow if
// CPU were the only limit at that cost: why a throughput figure is what it is.
void printCpuPerPair(const ProcessCpuMeter& cpu, long long pairs)
{
    if (pairs <= 0)
        return;
    std::fprintf(stderr, "# CPU per pair (ms):");
    for (const ProcessCpu& p : cpu.processes())
        std::fprintf(stderr, " %s %.2f", qPrintable(p.name),
                     1000 * p.usedSeconds / static_cast<double>(pairs));
    const double perPairMs = 1000 * cpu.totalSeconds() / static_cast<double>(pairs);
    const int cores = ProcessCpuMeter::onlineCpus();
    std::fprintf(stderr, "; total %.2f ms on %d cores\n", perPairMs, cores);
    printJsonLine("load_cpu_ms_per_pair", perPairMs, "ms", 2);
    printJsonLine("load_cpu_bound_pairs_per_s", perPairMs > 0 ? 1000.0 * cores / perPairMs : 0,
                  "pairs/s", 0);
}

bool parseInt(const QStringList& args, qsizetype& i, qint64 low, qint64 high, qint64& out)
{
    if (i + 1 >= args.size())
        return false;
    bool ok = false;
    out = args.at(++i).toLongLong(&ok);
    return ok && out >= low && out <= high;
}

bool parse(const QStringList& args, Settings& s)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        qint64 value = 0;
        if (arg == QStringLiteral("--quick")) {
            s.seconds = 3;
            s.samples = 100;
            s.warmup = 10;
            s.patients = 20000;
            s.queries = 300;
        } else if (arg == QStringLiteral("--seconds") && parseInt(args, i, 1, 3600, value)) {
            s.seconds = static_cast<int>(value);
        } else if (arg == QStringLiteral("--clients") && parseInt(args, i, 1, 64, value)) {
            s.clients = static_cast<int>(value);
        } else if (arg == QStringLiteral("--samples") && parseInt(args, i, 1, 100000, value)) {
            s.samples = static_cast<int>(value);
        } else if (arg == QStringLiteral("--patients") && parseInt(args, i, 1, 100000000, value)) {
            s.patients = value;
        } else if (arg == QStringLiteral("--queries") && parseInt(args, i, 1, 1000000, value)) {
            s.queries = static_cast<int>(value);
        } else if (arg == QStringLiteral("--cache") && i + 1 < args.size()) {
            s.cache = args.at(++i);
        } else if (arg == QStringLiteral("--only") && i + 1 < args.size()) {
            s.only = args.at(++i);
            if (s.only != QStringLiteral("load") && s.only != QStringLiteral("latency") &&
                s.only != QStringLiteral("search"))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

bool wants(const Settings& s, const char* part)
{
    return s.only.isEmpty() || s.only == QLatin1String(part);
}

// Latency, then load, against nats-server and all five services (demo data seeded).
bool benchFlow(const Settings& s)
{
    testing::OpdCluster cluster;
    QElapsedTimer startup;
    startup.start();
    if (!cluster.startAll(/*seedDemo=*/true)) {
        std::fprintf(stderr, "opd-bench: %s\n", qPrintable(cluster.errorString()));
        return false;
    }
    const auto client = cluster.connectClient(QStringLiteral("opd-bench-flow"));
    if (!client || !testing::flow::waitForQuiet(*client, 120000)) {
        std::fprintf(stderr, "opd-bench: the services did not settle\n");
        return false;
    }
    std::fprintf(stderr, "# nats-server %s and 5 services ready and settled in %.1f s\n",
                 qPrintable(cluster.nats().url()), static_cast<double>(startup.elapsed()) / 1000);

    if (wants(s, "latency")) {
        std::vector<double> poll, ack;
        if (!measureVisitToQueue(*client, s.warmup, s.samples, poll, ack))
            return false;
        std::fprintf(stderr,
                     "# visit->queue, %zu samples: polled p50 %.0f p99 %.0f max %.0f us; "
                     "consumer ack (%zu seen) p50 %.0f p99 %.0f us\n",
                     poll.size(), percentile(poll, 50), percentile(poll, 99), percentile(poll, 100),
                     ack.size(), percentile(ack, 50), percentile(ack, 99));
        printJsonLine("visit_to_queue_p50_us", percentile(poll, 50), "us");
        printJsonLine("visit_to_queue_p99_us", percentile(poll, 99), "us");
        if (!ack.empty()) {
            printJsonLine("visit_to_queue_ack_p50_us", percentile(ack, 50), "us");
            printJsonLine("visit_to_queue_ack_p99_us", percentile(ack, 99), "us");
        }
        testing::flow::waitForQuiet(*client, 60000);
    }
    if (wants(s, "load")) {
        LoadFigures load;
        ProcessCpuMeter cpu = clusterCpuMeter(cluster);
        cpu.start();
        if (!measureRegistrations(cluster.nats().url(), *client, s.clients, s.seconds, load))
            return false;
        std::fprintf(stderr,
                     "# load: %d clients, %lld patients+visits (%lld errors) answered in %.2f s, "
                     "events durable after %.2f s\n",
                     load.clients, load.pairs, load.errors, load.issueSeconds, load.durableSeconds);
        printJsonLine("register_visits_per_s", load.pairsPerSecond, "pairs/s", 0);
        // Every consumer done with the run's events: then the CPU spent is the pairs' whole cost.
        testing::flow::waitForQuiet(*client, 120000);
        cpu.stop();
        printCpuPerPair(cpu, load.pairs);
    }
    return true;
}

// Name search over s.patients generated patients: the registration service alone on its own
// nats-server (startSearchRegistration).
bool benchSearch(const Settings& s)
{
    testing::OpdCluster cluster;
    if (!startSearchRegistration(cluster, s.patients, s.cache))
        return false;
    const auto client = cluster.connectClient(QStringLiteral("opd-bench-search"));
    if (!client)
        return false;
    std::vector<double> us;
    double hits = 0;
    if (!measureSearch(*client, 50, s.queries, 11, us, &hits))
        return false;
    std::fprintf(stderr,
                 "# search: %zu queries, %.1f hits on average; p50 %.0f p90 %.0f p99 %.0f "
                 "max %.0f us\n",
                 us.size(), hits, percentile(us, 50), percentile(us, 90), percentile(us, 99),
                 percentile(us, 100));
    printJsonLine("search_1m_p50_us", percentile(us, 50), "us");
    printJsonLine("search_1m_p99_us", percentile(us, 99), "us");
    return true;
}

} // namespace

bool startSearchRegistration(testing::OpdCluster& cluster, qint64 patients, const QString& cache)
{
    const QString dir = QDir(cache).filePath(QStringLiteral("registration-%1").arg(patients));
    const bool cached =
        QFileInfo::exists(QDir(dir).filePath(QStringLiteral("registration.sqlite")));
    std::fprintf(stderr, "# search: %lld patients in %s%s\n", patients, qPrintable(dir),
                 cached ? " (cached)" : " (generating once; this takes a while)");
    cluster.setDataDir(QStringLiteral("registration"), dir);
    QElapsedTimer startup;
    startup.start();
    if (!cluster.startNats() ||
        !cluster.start(QStringLiteral("registration"),
                       {QStringLiteral("--generate-patients"), QString::number(patients)},
                       4 * 3600 * 1000)) {
        std::fprintf(stderr, "opd-bench: %s\n", qPrintable(cluster.errorString()));
        return false;
    }
    std::fprintf(stderr, "# registration ready in %.1f s\n",
                 static_cast<double>(startup.elapsed()) / 1000);
    return true;
}

int runFlowBench(const QStringList& args)
{
    Settings settings;
    if (!parse(args, settings)) {
        std::fprintf(stderr,
                     "usage: opd-bench flow [--quick] [--seconds N] [--clients N] [--samples N]\n"
                     "                      [--patients N] [--queries N] [--cache DIR]\n"
                     "                      [--only load|latency|search]\n");
        return 2;
    }
    const bool flowOk =
        (!wants(settings, "load") && !wants(settings, "latency")) || benchFlow(settings);
    const bool searchOk = !wants(settings, "search") || benchSearch(settings);
    if (!flowOk || !searchOk) {
        std::fprintf(stderr, "opd-bench: a measurement failed\n");
        return 1;
    }
    return 0;
}

} // namespace openopd::bench
