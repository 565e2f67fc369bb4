#pragma once

// `opd-bench flow --deployment single,cluster`: the load run on the single-node clinic and on
// the cluster deployment of issue 12 (three routed nats-servers, JetStream R3, PostgreSQL,
// several instances per service), printed side by side.

#include "flow_runs.h"
#include "process_cpu.h"

#include <QList>
#include <QPair>
#include <QString>
#include <vector>

namespace openopd::testing {
class OpdCluster;
}

namespace openopd::bench {

// One load run in one deployment: what the table shows in one column.
struct DeploymentRun
{
    QString label;     // column head, e.g. "cluster, 2 reg"
    QString prefix;    // of its JSON names: "" for the single node, e.g. "cluster_2reg_"
    QString instances; // e.g. "registration 2, others 2"
    LoadFigures load;
    QList<QPair<QString, double>> cpuSeconds; // by process name, instances summed
    double cpuTotalSeconds = 0;
    double idleCpuMsPerSecond = -1; // all processes, before the load; -1: not measured
};

struct ClusterSettings
{
    int seconds = 10;
    int clients = 8;
    int others = 2;              // instances of consultation, pharmacy, discharge and audit
    bool durablePostgres = true; // fsync, synchronous_commit, full_page_writes on
};

// Every process of cluster: each nats-server node ("nats-server-<n>" on a cluster, else
// "nats-server"), each service instance (named by its service, so instances add up), the
// PostgreSQL server with its backends ("postgres") and this benchmark ("opd-bench").
ProcessCpuMeter deploymentCpuMeter(testing::OpdCluster& cluster);

// CPU milliseconds per second that every process of cluster uses while no request comes
// (heartbeats, pull requests, polling relays), over ms of idling; the event loop runs meanwhile.
double measureIdleCpu(testing::OpdCluster& cluster, int ms);

// The run's figures from a stopped meter; prints the load's JSON lines (prefixed) and the
// CPU per pair on stderr. perProcessJson: also <prefix>load_cpu_ms_per_pair_<process> and
// <prefix>idle_cpu_ms_per_s (idleMsPerSecond from measureIdleCpu, or -1).
DeploymentRun reportLoad(const QString& label, const QString& prefix, const QString& instances,
                         const LoadFigures& load, const ProcessCpuMeter& cpu,
                         double idleMsPerSecond, bool perProcessJson);

// On a fresh cluster deployment: the load run with one registration instance, then (a second
// one started) with two. Appends both runs; false when something failed (said on stderr).
bool benchClusterLoad(const ClusterSettings& settings, std::vector<DeploymentRun>& runs);

// How long measureIdleCpu idles before each load run when deployments are compared.
constexpr int kIdleMeasureMs = 3000;

// The runs side by side on stderr ("# " lines): rate, pairs, CPU per pair by process.
void printDeploymentTable(const std::vector<DeploymentRun>& runs);

} // namespace openopd::bench
