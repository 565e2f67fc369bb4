// Test support: a throw-away cluster of nats-server processes on loopback with clustered
// JetStream, for tests and benchmarks of the clustered deployment (issue 12).
//
// Synchronous, for a test's main thread; not thread-safe. Waits block the calling thread
// (like NatsServer's), except where said otherwise.
#pragma once

#include "support/nats_server.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

namespace openopd::testing {

// N nodes (each a NatsServer) routed to each other as cluster "openopd_test". Each node has its
// own directory, JetStream store, client port (picked on the first start, kept), route port
// and monitoring port (picked up front, kept), so a node killed and started again comes back
// as the same server (server_name test_<client port>) with its store: a crash and a reboot.
// The monitoring endpoint (/healthz, /routez) is how start() and waitForRoutes() know the
// cluster is whole.
class NatsCluster
{
public:
    // extraConfig: appended on every node (e.g. an include of accounts).
    explicit NatsCluster(int nodes = 3, QString extraConfig = {});
    ~NatsCluster(); // stop()

    NatsCluster(const NatsCluster&) = delete;
    NatsCluster& operator=(const NatsCluster&) = delete;

    int size() const { return static_cast<int>(m_nodes.size()); }

    // Config appended on one node only, after the common extra config (e.g. its pid_file).
    // Takes effect at that node's next start.
    void setNodeConfig(int node, QString config);
    // The node's config directory (created on first use; empty on failure). Files put here
    // before the node's first start can be included by a relative path.
    QString directory(int node);

    // Starts every node; waits until each is ready, routed to all others, and clustered
    // JetStream is healthy on each (a meta leader is known). False and errorString() if not.
    bool start(int timeoutMs = 60000);
    void stop(); // SIGTERM every node (clean shutdown)

    void kill(int node);     // SIGKILL: a crash
    void stopNode(int node); // SIGTERM
    // Starts the node again on the same ports and store; waits until it serves clients (not
    // for its routes: waitForRoutes / waitForHealthy).
    bool startNode(int node);
    bool restart(int node); // stopNode + startNode
    bool isRunning(int node) const;
    // Waits until node has a route to every other running node. The event loop runs.
    bool waitForRoutes(int node, int timeoutMs = 30000);
    // Waits until the node's /healthz says ok (its JetStream is current with the meta leader).
    // The event loop runs.
    bool waitForHealthy(int node, int timeoutMs = 30000);
    // The same, asked once (no waiting): for callers that poll from their own timers.
    bool isRouted(int node) const;
    bool isHealthy(int node) const;

    NatsServer& node(int i) { return *m_nodes.at(static_cast<std::size_t>(i)); }
    QString url(int node) const;
    QStringList urlList() const;
    QString urls() const; // comma-joined, for --nats-url
    qint64 processId(int node) const;
    QList<qint64> processIds() const;
    QString log(int node) const;
    quint16 monitorPort(int node) const;
    // GET http://127.0.0.1:<monitor port><path> on the node; the body (empty on failure).
    QByteArray monitor(int node, const QByteArray& path) const;
    QString errorString() const { return m_error; }

private:
    QString nodeConfig(int node) const;

    QString m_extraConfig;
    std::vector<std::unique_ptr<NatsServer>> m_nodes;
    QList<quint16> m_routePorts;
    QList<quint16> m_monitorPorts;
    QStringList m_nodeConfigs;
    QString m_error;
};

} // namespace openopd::testing
