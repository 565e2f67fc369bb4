// opd-bench flow: the load run on the cluster deployment, and the figures of every deployment
// side by side.

#include "flow_deployments.h"

#include "flow_support.h"
#include "json_lines.h"
#include "opd_cluster.h"
#include "support/postgres_server.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>
#include <cstdio>
#include <optional>

namespace openopd::bench {
namespace {

const QString kRegistration = QStringLiteral("registration");
const QString kNatsServer = QStringLiteral("nats-server");
const QString kPostgres = QStringLiteral("postgres");

// The postmaster's pid (first line of postmaster.pid in its data directory); 0 if unknown.
qint64 postmasterPid(testing::PostgresServer& postgres)
{
    QFile file(postgres.dataDir() + QStringLiteral("/postmaster.pid"));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readLine().trimmed().toLongLong();
}

// psql against the server's postgres database; its output, or nullopt (said on stderr).
std::optional<QString> psql(testing::PostgresServer& postgres, const QStringList& commands)
{
    const QString bin = testing::PostgresServer::binDir();
    const QString program = QFileInfo::exists(bin + QStringLiteral("/psql"))
                                ? bin + QStringLiteral("/psql")
                                : QStringLiteral("psql");
    QStringList arguments{QStringLiteral("-X"), QStringLiteral("-tA"),
                          QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                          QStringLiteral("-d"), postgres.connectionUrl(QStringLiteral("postgres"))};
    for (const QString& command : commands)
        arguments << QStringLiteral("-c") << command;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        std::fprintf(stderr, "opd-bench: %s failed: %s\n", qPrintable(program),
                     qPrintable(QString::fromLocal8Bit(process.readAll())));
        return std::nullopt;
    }
    return QString::fromLocal8Bit(process.readAll());
}

// The test server runs with fsync, synchronous_commit and full_page_writes off (test data need
// not survive a power cut); the services on SQLite commit with synchronous=FULL. Turned on
// here so that both deployments pay for durable commits.
bool makePostgresDurable(testing::PostgresServer& postgres)
{
    if (!psql(postgres, {QStringLiteral("ALTER SYSTEM SET fsync = on"),
                         QStringLiteral("ALTER SYSTEM SET synchronous_commit = on"),
                         QStringLiteral("ALTER SYSTEM SET full_page_writes = on"),
                         QStringLiteral("SELECT pg_reload_conf()")}))
        return false;
    const QStringList show{QStringLiteral("SHOW fsync"), QStringLiteral("SHOW synchronous_commit"),
                           QStringLiteral("SHOW full_page_writes")};
    const bool on = testing::flow::poll(
        [&] {
            const std::optional<QString> values = psql(postgres, show);
            return values && values->split(u'\n', Qt::SkipEmptyParts) ==
                                 QStringList{QStringLiteral("on"), QStringLiteral("on"),
                                             QStringLiteral("on")};
        },
        10000, 200);
    if (!on)
        std::fprintf(stderr, "opd-bench: PostgreSQL did not take fsync = on\n");
    return on;
}

QString jsonName(const QString& name)
{
    return QString(name).replace(u' ', u'_');
}

} // namespace

ProcessCpuMeter deploymentCpuMeter(testing::OpdCluster& cluster)
{
    ProcessCpuMeter meter;
    const QList<qint64> nodes = cluster.natsProcessIds();
    for (qsizetype i = 0; i < nodes.size(); ++i)
        meter.add(nodes.size() > 1 ? QStringLiteral("%1-%2").arg(kNatsServer).arg(i + 1)
                                   : kNatsServer,
                  nodes.at(i));
    // Instances beyond the configured count (started later) are counted too.
    constexpr int kMaxInstances = 8;
    for (const QString& service : testing::OpdCluster::serviceNames())
        for (int n = 1; n <= kMaxInstances; ++n)
            meter.add(service, cluster.instanceProcessId(service, n));
    if (testing::PostgresServer* postgres = cluster.postgres())
        meter.addTree(kPostgres, postmasterPid(*postgres));
    meter.add(QStringLiteral("opd-bench"), QCoreApplication::applicationPid());
    return meter;
}

double measureIdleCpu(testing::OpdCluster& cluster, int ms)
{
    ProcessCpuMeter cpu = deploymentCpuMeter(cluster);
    QElapsedTimer elapsed;
    elapsed.start();
    cpu.start();
    QTest::qWait(ms);
    cpu.stop();
    const double seconds = static_cast<double>(elapsed.elapsed()) / 1000;
    std::fprintf(stderr, "# idle CPU (ms per s):");
    for (const auto& [name, used] : cpu.byName())
        std::fprintf(stderr, " %s %.1f", qPrintable(name), 1000 * used / seconds);
    const double total = 1000 * cpu.totalSeconds() / seconds;
    std::fprintf(stderr, "; total %.1f\n", total);
    return total;
}

DeploymentRun reportLoad(const QString& label, const QString& prefix, const QString& instances,
                         const LoadFigures& load, const ProcessCpuMeter& cpu,
                         double idleMsPerSecond, bool perProcessJson)
{
    DeploymentRun run{.label = label,
                      .prefix = prefix,
                      .instances = instances,
                      .load = load,
                      .cpuSeconds = cpu.byName(),
                      .cpuTotalSeconds = cpu.totalSeconds(),
                      .idleCpuMsPerSecond = idleMsPerSecond};
    const std::string p = prefix.toStdString();
    if (perProcessJson && idleMsPerSecond >= 0)
        printJsonLine(p + "idle_cpu_ms_per_s", idleMsPerSecond, "ms/s", 1);
    std::fprintf(stderr,
                 "# load (%s): %d clients, %lld patients+visits (%lld errors) answered in %.2f s, "
                 "events durable after %.2f s\n",
                 qPrintable(label), load.clients, load.pairs, load.errors, load.issueSeconds,
                 load.durableSeconds);
    printJsonLine(p + "register_visits_per_s", load.pairsPerSecond, "pairs/s", 0);
    if (load.pairs <= 0)
        return run;
    const auto perPair = [&](double seconds) {
        return 1000 * seconds / static_cast<double>(load.pairs);
    };
    std::fprintf(stderr, "# CPU per pair (ms):");
    for (const auto& [name, seconds] : run.cpuSeconds)
        std::fprintf(stderr, " %s %.2f", qPrintable(name), perPair(seconds));
    const double perPairMs = perPair(run.cpuTotalSeconds);
    const int cores = ProcessCpuMeter::onlineCpus();
    std::fprintf(stderr, "; total %.2f ms on %d cores\n", perPairMs, cores);
    printJsonLine(p + "load_cpu_ms_per_pair", perPairMs, "ms", 2);
    printJsonLine(p + "load_cpu_bound_pairs_per_s", perPairMs > 0 ? 1000.0 * cores / perPairMs : 0,
                  "pairs/s", 0);
    if (!perProcessJson)
        return run;
    double natsNodes = 0;
    int nodes = 0;
    for (const auto& [name, seconds] : run.cpuSeconds) {
        printJsonLine(p + "load_cpu_ms_per_pair_" + jsonName(name).toStdString(), perPair(seconds),
                      "ms", 2);
        if (name.startsWith(kNatsServer + u'-')) {
            natsNodes += seconds;
            ++nodes;
        }
    }
    if (nodes > 0) // the nodes together, named as the single node's server
        printJsonLine(p + "load_cpu_ms_per_pair_nats-server", perPair(natsNodes), "ms", 2);
    return run;
}

bool benchClusterLoad(const ClusterSettings& s, std::vector<DeploymentRun>& runs)
{
    testing::OpdCluster cluster;
    cluster.setNatsNodes(3);
    cluster.setPostgres(true);
    for (const QString& service : testing::OpdCluster::serviceNames())
        if (service != kRegistration)
            cluster.setInstances(service, s.others);
    QElapsedTimer startup;
    startup.start();
    if (!cluster.startNats() ||
        (s.durablePostgres && cluster.postgres() && !makePostgresDurable(*cluster.postgres())) ||
        !cluster.startAll(/*seedDemo=*/true)) {
        std::fprintf(stderr, "opd-bench: the cluster did not start: %s\n",
                     qPrintable(cluster.errorString()));
        return false;
    }
    const auto client = cluster.connectClient(QStringLiteral("opd-bench-cluster"));
    if (!client || !testing::flow::waitForQuiet(*client, 120000)) {
        std::fprintf(stderr, "opd-bench: the cluster's services did not settle\n");
        return false;
    }
    std::fprintf(stderr,
                 "# cluster: %d nats-server nodes (%s), PostgreSQL (fsync %s), %d instance(s) of "
                 "each service but registration; ready and settled in %.1f s\n",
                 cluster.natsNodes(), qPrintable(cluster.natsUrl()),
                 s.durablePostgres ? "on" : "off", s.others,
                 static_cast<double>(startup.elapsed()) / 1000);
    for (int registrations = 1; registrations <= 2; ++registrations) {
        if (registrations == 2 && (!cluster.startInstance(kRegistration, 2) ||
                                   !testing::flow::waitForQuiet(*client, 120000))) {
            std::fprintf(stderr, "opd-bench: the second registration instance: %s\n",
                         qPrintable(cluster.errorString()));
            return false;
        }
        const double idle = measureIdleCpu(cluster, kIdleMeasureMs);
        ProcessCpuMeter cpu = deploymentCpuMeter(cluster);
        cpu.start();
        LoadFigures load;
        if (!measureRegistrations(cluster.natsUrls(), *client, s.clients, s.seconds, load)) {
            std::fprintf(stderr, "%s", qPrintable(cluster.logTails()));
            return false;
        }
        // Every consumer done with the run's events: then the CPU spent is the pairs' whole cost.
        testing::flow::waitForQuiet(*client, 120000);
        cpu.stop();
        runs.push_back(
            reportLoad(QStringLiteral("cluster, %1 reg").arg(registrations),
                       QStringLiteral("cluster_%1reg_").arg(registrations),
                       QStringLiteral("reg %1, others %2").arg(registrations).arg(s.others), load,
                       cpu, idle, true));
    }
    return true;
}

} // namespace openopd::bench
