#include "flow_bench.h"

#include "flow_deployments.h"
#include "flow_runs.h"
#include "flow_support.h"
#include "json_lines.h"
#include "opd_cluster.h"
#include "process_cpu.h"
#include "stats.h"

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
    // --deployment: the single node (latency, load, search as before) and/or the cluster
    // (load only, with one and with two registration instances).
    bool single = true;
    bool cluster = false;
    int others = 2; // --others: instances of each service but registration on the cluster
    bool durablePostgres = true; // --pg-no-fsync: PostgreSQL as the tests run it
    // The single node's load again with each pair as one request (--two-requests-only: not).
    bool oneRequest = true;
};

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
        } else if (arg == QStringLiteral("--others") && parseInt(args, i, 1, 4, value)) {
            s.others = static_cast<int>(value);
        } else if (arg == QStringLiteral("--two-requests-only")) {
            s.oneRequest = false;
        } else if (arg == QStringLiteral("--pg-no-fsync")) {
            s.durablePostgres = false;
        } else if (arg == QStringLiteral("--deployment") && i + 1 < args.size()) {
            const QStringList names = args.at(++i).split(u',');
            s.single = names.contains(QStringLiteral("single"));
            s.cluster = names.contains(QStringLiteral("cluster"));
            for (const QString& name : names)
                if (name != QStringLiteral("single") && name != QStringLiteral("cluster"))
                    return false;
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
bool benchFlow(const Settings& s, std::vector<DeploymentRun>& runs)
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
        // Compared with the cluster: what the clinic costs doing nothing, first.
        const double idle = s.cluster ? measureIdleCpu(cluster, kIdleMeasureMs) : -1;
        const auto loadRun = [&](PairRequests requests, const QString& label,
                                 const QString& prefix) {
            LoadFigures load;
            ProcessCpuMeter cpu = deploymentCpuMeter(cluster);
            cpu.start();
            if (!measureRegistrations({cluster.nats().url()}, *client, s.clients, s.seconds, load,
                                      requests))
                return false;
            // Every consumer done with the run's events: then the CPU spent is the pairs'
            // whole cost.
            testing::flow::waitForQuiet(*client, 120000);
            cpu.stop();
            runs.push_back(reportLoad(label, prefix, QStringLiteral("1 each, SQLite"), load, cpu,
                                      idle, /*perProcessJson=*/s.cluster));
            return true;
        };
        if (!loadRun(PairRequests::Two, QStringLiteral("single node"), {}))
            return false;
        // The same pairs, each as one create that carries the visit.
        if (s.oneRequest && !loadRun(PairRequests::One, QStringLiteral("single, 1 req"),
                                     QStringLiteral("one_request_")))
            return false;
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
                     "                      [--only load|latency|search]\n"
                     "                      [--deployment single,cluster] [--others N] "
                     "[--pg-no-fsync]\n"
                     "                      [--two-requests-only]\n");
        return 2;
    }
    std::vector<DeploymentRun> runs;
    const bool flowOk = !settings.single ||
                        (!wants(settings, "load") && !wants(settings, "latency")) ||
                        benchFlow(settings, runs);
    bool clusterOk = true;
    if (settings.cluster && wants(settings, "load")) {
        const ClusterSettings cluster{settings.seconds, settings.clients, settings.others,
                                      settings.durablePostgres};
        clusterOk = benchClusterLoad(cluster, runs);
    }
    if (runs.size() > 1)
        printDeploymentTable(runs);
    const bool searchOk = !settings.single || !wants(settings, "search") || benchSearch(settings);
    if (!flowOk || !clusterOk || !searchOk) {
        std::fprintf(stderr, "opd-bench: a measurement failed\n");
        return 1;
    }
    return 0;
}

} // namespace openopd::bench
