// Test support: a throw-away PostgreSQL server in a temporary directory.
//
// Synchronous, for a test's main thread; not thread-safe (one PostgresServer, one thread). The
// databases it serves may of course be used from any thread through their own connections.
#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>
#include <memory>

class QTemporaryDir;

namespace openopd::testing {

// `initdb` (trust authentication, UTF8, no locale) into a temporary directory, then `pg_ctl
// start` with the server listening on 127.0.0.1:<free port> only, its unix socket inside the
// temporary directory, and fsync off (test data need not survive a power cut). start() also
// creates the database `openopd_test`.
//
// PostgreSQL refuses to run as root: when the test runs as root, the directory is chowned to
// the `postgres` user and the server commands run through `runuser -u postgres --`. Client
// commands (createdb, pg_isready) connect over TCP as the database user `postgres`.
//
// Binaries: $OPENOPD_PG_BINDIR if set, else the highest /usr/lib/postgresql/<version>/bin
// (where Debian puts them), else PATH.
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer(); // stop(), then remove the temporary directory

    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    PostgresServer(PostgresServer&&) = delete;
    PostgresServer& operator=(PostgresServer&&) = delete;

    // Returns true at once if already running. The first start runs initdb and picks a port
    // (retrying on another port if it was taken meanwhile); later starts reuse both, so data
    // survives stop()/start(). Waits (at most 60 s) until the server accepts connections. On
    // failure returns false and errorString() says why (with the commands' output and the
    // server log).
    bool start();
    // `pg_ctl stop -m fast` (waits); if that fails, SIGKILL to the postmaster.
    void stop();

    // Creates another empty database (fresh per test); false and errorString() on failure.
    bool createDatabase(const QString& name);

    bool isRunning() const;
    quint16 port() const; // 0 before the first start
    // "postgresql://postgres@127.0.0.1:<port>/openopd_test", or another database on it.
    QString connectionUrl(const QString& database = QStringLiteral("openopd_test")) const;
    QString dataDir() const; // the cluster directory (empty before the first start)
    QString errorString() const;
    QString log() const; // the server log so far

    // The directory holding initdb, pg_ctl, createdb, ... (empty if none was found).
    static QString binDir();

private:
    bool prepareDirectory();
    bool initCluster();
    bool startOnce(bool* addressInUse);
    // Runs bin/<tool> args (as `postgres` when asRoot and we are root); output merged.
    bool run(const QString& tool, const QStringList& args, bool asServerUser, int timeoutMs,
             QString* output);

    std::unique_ptr<QTemporaryDir> m_dir;
    quint16 m_port = 0;
    bool m_initialized = false;
    bool m_running = false;
    QString m_error;
};

} // namespace openopd::testing
