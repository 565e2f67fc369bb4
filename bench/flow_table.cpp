// opd-bench flow: the load runs of every deployment side by side (stderr, "# " lines, so that
// stdout stays JSON lines).

#include "flow_deployments.h"

#include <QStringList>
#include <cstdio>
#include <functional>
#include <optional>

namespace openopd::bench {
namespace {

constexpr int kLabelWidth = 28;
constexpr int kColumnWidth = 16;

std::optional<double> cpuOf(const DeploymentRun& run,
                            const std::function<bool(const QString&)>& match)
{
    std::optional<double> sum;
    for (const auto& [name, seconds] : run.cpuSeconds)
        if (match(name))
            sum = sum.value_or(0) + seconds;
    return sum;
}

void printRow(const std::vector<DeploymentRun>& runs, const QString& label,
              const std::function<QString(const DeploymentRun&)>& cell)
{
    QString line = QStringLiteral("# ") + label.leftJustified(kLabelWidth);
    for (const DeploymentRun& run : runs)
        line += cell(run).rightJustified(kColumnWidth);
    std::fprintf(stderr, "%s\n", qPrintable(line));
}

// CPU ms per pair of the processes match() selects; "-" where the run has none.
void printCpuRow(const std::vector<DeploymentRun>& runs, const QString& label,
                 const std::function<bool(const QString&)>& match)
{
    printRow(runs, label, [&](const DeploymentRun& run) {
        const std::optional<double> seconds = cpuOf(run, match);
        if (!seconds || run.load.pairs <= 0)
            return QStringLiteral("-");
        return QString::number(1000 * *seconds / static_cast<double>(run.load.pairs), 'f', 2);
    });
}

} // namespace

void printDeploymentTable(const std::vector<DeploymentRun>& runs)
{
    if (runs.empty())
        return;
    std::fprintf(stderr, "#\n# load runs side by side (same invocation)\n");
    printRow(runs, QStringLiteral("deployment"), [](const DeploymentRun& r) { return r.label; });
    printRow(runs, QStringLiteral("instances"), [](const DeploymentRun& r) { return r.instances; });
    printRow(runs, QStringLiteral("clients"),
             [](const DeploymentRun& r) { return QString::number(r.load.clients); });
    printRow(runs, QStringLiteral("pairs (errors)"), [](const DeploymentRun& r) {
        return QStringLiteral("%1 (%2)").arg(r.load.pairs).arg(r.load.errors);
    });
    printRow(runs, QStringLiteral("register_visits_per_s"),
             [](const DeploymentRun& r) { return QString::number(r.load.pairsPerSecond, 'f', 0); });
    printRow(runs, QStringLiteral("CPU ms per pair, by process"),
             [](const DeploymentRun&) { return QString(); });
    // The services and the database first, then the servers, the clients and any other.
    QStringList named;
    for (const QString& service : {QStringLiteral("registration"), QStringLiteral("consultation"),
                                   QStringLiteral("pharmacy"), QStringLiteral("discharge"),
                                   QStringLiteral("audit"), QStringLiteral("postgres")}) {
        named << service;
        printCpuRow(runs, QStringLiteral("  ") + service,
                    [&](const QString& name) { return name == service; });
    }
    const auto isNats = [](const QString& name) { return name.startsWith(u"nats-server"); };
    printCpuRow(runs, QStringLiteral("  nats-server (all nodes)"), isNats);
    QStringList others;
    for (const DeploymentRun& run : runs)
        for (const auto& [name, seconds] : run.cpuSeconds)
            if (!named.contains(name) && !others.contains(name) &&
                (name != QStringLiteral("nats-server")))
                others << name;
    others.sort(); // nats-server-1.., opd-bench
    for (const QString& other : others)
        printCpuRow(runs, QStringLiteral("  ") + other,
                    [&](const QString& name) { return name == other; });
    printCpuRow(runs, QStringLiteral("  total"), [](const QString&) { return true; });
    printRow(runs, QStringLiteral("idle CPU, ms per s (all)"), [](const DeploymentRun& r) {
        return r.idleCpuMsPerSecond < 0 ? QStringLiteral("-")
                                        : QString::number(r.idleCpuMsPerSecond, 'f', 0);
    });
    printRow(runs, QStringLiteral("CPU-bound pairs/s"), [](const DeploymentRun& r) {
        if (r.load.pairs <= 0 || r.cpuTotalSeconds <= 0)
            return QStringLiteral("-");
        const double perPairMs = 1000 * r.cpuTotalSeconds / static_cast<double>(r.load.pairs);
        return QString::number(1000.0 * ProcessCpuMeter::onlineCpus() / perPairMs, 'f', 0);
    });
    std::fprintf(stderr, "# postgres: the PostgreSQL server and all its backends (the cluster's "
                         "services store there; the single node's services in SQLite files)\n");
}

} // namespace openopd::bench
