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

#include "bus/connection.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QHash>
#include <QTemporaryDir>
#include <map>
#include <memory>

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
    void stopAll();                                 // SIGTERM every service, then nats-server

    NatsServer& nats() { return m_nats; }
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
    bool startAgent();
    QStringList baseArguments(const QString& service, const QString& dir) const;

    QHash<QString, QString> m_executables;
    bool m_secured = false;
    QHash<QString, QString> m_servicePasswords; // "svc.<name>" -> password (secured)
    QString m_observerPassword;
    QString m_authDir;
    NatsServer m_nats;
    QTemporaryDir m_data;
    QStringList m_common;
    QHash<QString, QString> m_dataDirs;
    std::map<QString, std::unique_ptr<ServiceProcess>> m_processes;
    std::unique_ptr<ServiceProcess> m_agent;
    QHash<QString, QStringList> m_lastExtra;
    QString m_error;
};

} // namespace openopd::testing
