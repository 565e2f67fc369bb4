#pragma once

// The whole OPD back end on this machine for tests and benchmarks: a nats-server with
// JetStream and the five services as real processes, each with its own data directory.
//
// Secured (setSecured(true) before startNats()), it is the clinic as shipped: the accounts
// from nats-auth's generator with fresh service passwords (handed to each service on its
// standard input), openopd-identity (with its demo staff when seeding) and the
// openopd-nats-auth agent; clients sign in as staff (signIn) and the actor of every request
// is the one the server vouches for. A test-only SERVICES user ("test.observer", no
// permissions) reads the streams (observer()). Unsecured, services run --insecure-no-auth.
// Everything here runs on the calling thread; waits spin the event loop (QTest::qWaitFor),
// so asynchronous clients on the same thread keep working while a service restarts.
//
// The clustered deployment (issue 12), all opt-in before startNats(): a NatsCluster of three
// nodes instead of one nats-server (services get every URL and --stream-replicas 3; secured,
// each node has its own copy of the accounts and its own auth agent), the services on
// PostgreSQL (one database per service, shared by its instances) and several instances of a
// service (--instance <service>-<n>). The functions without an instance mean instance 1.

#include "bus/connection.h"
#include "service/service_process.h"
#include "support/nats_cluster.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QHash>
#include <QSet>
#include <QTemporaryDir>
#include <algorithm>
#include <map>
#include <memory>
#include <vector>

namespace openopd::testing {

class OpdCluster
{
public:
    // executables: service name ("registration", ...) -> path of its executable.
    explicit OpdCluster(QHash<QString, QString> executables = defaultExecutables());
    ~OpdCluster();

    OpdCluster(const OpdCluster&) = delete;
    OpdCluster& operator=(const OpdCluster&) = delete;

    static QStringList serviceNames(); // the five OPD services, in start order
    // What this cluster runs, in start order: identity first when secured, then the five.
    QStringList services() const;
    // The executables built with this tree (paths compiled into the support library).
    static QHash<QString, QString> defaultExecutables();

    // Before startNats(): run the clinic with accounts, identity and the auth agent.
    void setSecured(bool secured) { m_secured = secured; }
    bool isSecured() const { return m_secured; }

    // Before startNats(): a NatsCluster of `nodes` nodes instead of one NatsServer (<= 1: the
    // single server, as before).
    void setNatsNodes(int nodes) { m_natsNodes = std::max(nodes, 1); }
    int natsNodes() const { return m_natsNodes; }
    NatsCluster* natsCluster() { return m_cluster.get(); } // nullptr unless clustered
    QStringList natsUrls() const;                          // every node's URL
    QString natsUrl() const;                               // comma-joined, for --nats-url
    QList<qint64> natsProcessIds() const;                  // one per node (0: down)
    // Before startNats(): the services on PostgreSQL (startNats() starts the server; each
    // service gets the database "openopd_<service>" with --db).
    void setPostgres(bool on) { m_usePostgres = on; }
    bool usesPostgres() const { return m_usePostgres; }
    PostgresServer* postgres() { return m_postgres.get(); } // nullptr before startNats()
    // How many instances of the service startAll() starts (default 1; more need PostgreSQL).
    void setInstances(const QString& service, int count) { m_instances.insert(service, count); }
    int instances(const QString& service) const { return m_instances.value(service, 1); }

    // Starts the nats-server (or the cluster), PostgreSQL when set, and the accounts.
    bool startNats();
    // Starts one service (extra arguments appended, e.g. --seed-demo) and waits until ready.
    bool start(const QString& service, const QStringList& extra = {}, int timeoutMs = 60000);
    // Starts it again with the extra arguments of its last start (after kill or terminate).
    bool restart(const QString& service, int timeoutMs = 60000);
    // nats-server and every service; seedDemo adds --seed-demo where it applies
    // (registration: demo staff and patients; pharmacy: the formulary with stock).
    bool startAll(bool seedDemo = true);
    void kill(const QString& service);     // SIGKILL: a crash
    int terminate(const QString& service); // SIGTERM (graceful); the exit code
    bool isRunning(const QString& service) const;
    qint64 processId(const QString& service) const; // 0 when not running
    void stopAll(); // SIGTERM every service, then nats-server (PostgreSQL last)

    // One instance (1-based) of a service; startInstance works for any n, also beyond
    // instances(service). Instance n > 1 keeps its data in dataDir(service) + "-<n>".
    bool startInstance(const QString& service, int instance, const QStringList& extra = {},
                       int timeoutMs = 60000);
    bool restartInstance(const QString& service, int instance, int timeoutMs = 60000);
    void killInstance(const QString& service, int instance);
    int terminateInstance(const QString& service, int instance);
    bool isInstanceRunning(const QString& service, int instance) const;
    qint64 instanceProcessId(const QString& service, int instance) const;
    QString instanceLog(const QString& service, int instance) const;

    // The nats-server; clustered: its first node.
    NatsServer& nats() { return m_cluster ? m_cluster->node(0) : m_nats; }
    QString log(const QString& service) const;
    // The last lines of every service's log, for a failure message.
    QString logTails(int lines = 15) const;
    QString errorString() const { return m_error; }
    // Extra arguments every service gets (e.g. --db for PostgreSQL is per service: use start()).
    void setCommonArguments(QStringList arguments) { m_common = std::move(arguments); }
    // Where a service keeps its data (default: a temporary directory removed at the end);
    // set before its first start, e.g. for a cached benchmark database.
    void setDataDir(const QString& service, const QString& dir) { m_dataDirs.insert(service, dir); }
    QString dataDir(const QString& service) const;

    // A client connection to the cluster's nats-server, connected (nullptr after timeoutMs).
    // Secured: as the test observer (SERVICES account: streams, $SRV; no staff endpoint).
    std::unique_ptr<bus::Connection> connectClient(const QString& name = {},
                                                   int timeoutMs = 10000) const;
    // Secured only: signs in as a staff member through the public sign-in user and returns
    // the session's own connection, once the server accepts it (nullptr and errorString()).
    std::unique_ptr<bus::Connection> signIn(const QString& user, const QString& password,
                                            int timeoutMs = 20000);
    // The identity service's demo staff (--seed-demo) and their one demo password.
    static QString demoPassword() { return QStringLiteral("demo-password"); }

private:
    bool prepareAccounts();
    bool startAgents();
    bool startPostgres();
    bool isNatsRunning() const;
    static QString databaseName(const QString& service); // "openopd_<service>"
    QStringList baseArguments(const QString& service, int instance, const QString& dir) const;
    static QString processKey(const QString& service, int instance);
    ServiceProcess* process(const QString& service, int instance) const;

    QHash<QString, QString> m_executables;
    bool m_secured = false;
    QHash<QString, QString> m_servicePasswords; // "svc.<name>" -> password (secured)
    QString m_observerPassword;
    QString m_authDir;
    NatsServer m_nats;
    int m_natsNodes = 1;
    std::unique_ptr<NatsCluster> m_cluster;
    bool m_usePostgres = false;
    std::unique_ptr<PostgresServer> m_postgres;
    QSet<QString> m_databases; // created on m_postgres
    QHash<QString, int> m_instances;
    QTemporaryDir m_data;
    QStringList m_common;
    QHash<QString, QString> m_dataDirs;
    // By processKey: "registration" (instance 1), "registration#2", ...
    std::map<QString, std::unique_ptr<ServiceProcess>> m_processes;
    std::vector<std::unique_ptr<ServiceProcess>> m_agents; // one per nats-server node
    QHash<QString, QStringList> m_lastExtra;               // by processKey
    QString m_error;
};

} // namespace openopd::testing
