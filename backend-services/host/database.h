// A service's own database (database-per-service) through Qt SQL: SQLite in WAL mode by
// default, PostgreSQL (QPSQL) when --db says so.
//
// Threading: a Database is owned by its service and used only on the thread that opened it
// (Qt SQL connections are per thread). Never touch it from a NATS callback thread; the bridge
// delivers on the owner thread already. Debug builds assert this.
//
// SQL: prepared statements with bound values only. The exceptions are DDL in migrations and
// the fixed PRAGMA / BEGIN / COMMIT texts here, which are static strings.
#pragma once

#include "bus/result.h"
#include "host/database_spec.h"
#include "host/sql_dialect.h"
#include "host/statement_cache.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace openopd::host {

class Database
{
public:
    using Driver = host::Driver;
    using Work = std::function<bool(QSqlDatabase& db, QString* error)>;

    // Opens the database named by dbSpec (see parseDatabaseSpec()). SQLite: creates the
    // directory, then sets and verifies journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
    // busy_timeout=5000 ms. synchronous=FULL fsyncs the WAL at every commit: with NORMAL a
    // power cut may forget the last commits although their replies and outbox events already
    // went out (the clinic would hold a token that the database no longer knows). One fsync
    // per commit is cheap at an outpatient department's write rate.
    // PostgreSQL: connects with a 10 s connect timeout unless the URL sets connect_timeout.
    // Errors: Kind::NotConnected, code 503, naming the database and the reason, never the
    // password.
    static bus::Result<std::unique_ptr<Database>> open(const QString& dbSpec,
                                                       const QString& dataDir,
                                                       const QString& serviceName,
                                                       const QString& instance = {});
    // Closes and removes the Qt connection. Every QSqlQuery made on it must be gone by then.
    ~Database();

    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&&) = delete;
    Database& operator=(Database&&) = delete;

    Driver driver() const { return m_spec.driver; }
    SqlDialect dialect() const { return SqlDialect(m_spec.driver); }
    QSqlDatabase& sql();
    QString connectionName() const { return m_connectionName; }
    // "SQLite /path/file.sqlite" or "PostgreSQL user@host:port/db": for logs, no password.
    QString describe() const { return m_spec.describe(); }

    // Prepares sql (placeholders `?` or `:name`). On failure *error is set (naming the
    // statement and the driver's reason) and the returned query is not usable.
    QSqlQuery prepare(const QString& sql, QString* error);
    // Binds values in order to `?` placeholders, or by name to `:name` placeholders (a key
    // may be given with or without the ':'), then executes. QByteArray binds as BLOB/BYTEA.
    static bool exec(QSqlQuery& query, const QVariantList& values, QString* error);
    static bool exec(QSqlQuery& query, const QVariantMap& values, QString* error);
    // prepare() + exec() in one: the query on success (active; iterate it for a SELECT),
    // std::nullopt and *error on failure. SQLite: the statement comes from a cache and goes
    // back when the returned Statement goes out of scope, so keep it local to the work that
    // ran it. (prepare() is never cached: keep what it returns as long as needed.)
    std::optional<Statement> run(const QString& sql, const QVariantList& values, QString* error);
    std::size_t cachedStatements() const { return m_statements.size(); }

    // BEGIN (SQLite: BEGIN IMMEDIATE, so the write lock is taken up front and two writers
    // cannot deadlock upgrading read locks); work; COMMIT. Rolls back and returns false when
    // work returns false (its *error is passed on, or "rolled back" if it set none), when
    // work throws (the exception propagates), or when BEGIN/COMMIT fail.
    // PostgreSQL: a statement that failed inside work aborts the whole transaction even if
    // work ignores it and returns true; this is detected and reported as a rollback. SQLite
    // has no such rule: there work decides alone. Also PostgreSQL: QPSQL frees a prepared
    // statement (DEALLOCATE) when its QSqlQuery dies; in an aborted transaction that fails
    // with a warning and the statement lingers until the connection closes. So keep prepared
    // queries scoped to the statement they serve, not alive across a statement that may fail.
    // Not reentrant: a transaction() inside work fails (no nested transactions).
    bool transaction(const Work& work, QString* error);
    bool inTransaction() const { return m_inTransaction; }

    // Inside transaction()'s work only: runs step in a SAVEPOINT. Kept: its changes stay in
    // the transaction. Undone: step returned false (or, PostgreSQL, one of its statements
    // failed): its changes alone are rolled back, *error says why, the transaction goes on.
    // Broken: the savepoint could not be set or undone; the whole transaction must roll back.
    // Lets one transaction carry many independent steps (a consumer's batch of events).
    enum class Step { Kept, Undone, Broken };
    Step savepoint(const Work& step, QString* error);

    // Group commit: one open transaction that many independent steps join (savepoint()),
    // ended by endGroup(), so that a burst of requests costs one commit (one fsync). A
    // transaction() called while a group is open ends the group first (commits it), except
    // inside a step, where it is refused as nested. The handler hears every end.
    using GroupEndedHandler = std::function<void(bool committed, const QString& error)>;
    bool beginGroup(QString* error);
    bool inGroup() const { return m_inGroup; }
    // Counts the groups begun: tells one group from the next (0 before the first).
    quint64 groupSerial() const { return m_groupSerial; }
    // Counts the outbox rows written on this connection (enqueueEvent), committed or not:
    // lets the relay skip its scan after a commit that wrote none.
    void countOutboxWrite() { ++m_outboxWrites; }
    quint64 outboxWrites() const { return m_outboxWrites; }
    // COMMIT (ROLLBACK when commit is false or the commit fails); true when committed.
    bool endGroup(bool commit, QString* error);
    void setGroupEndedHandler(GroupEndedHandler handler) { m_groupEnded = std::move(handler); }

    // After a COMMIT (of a group or a transaction()) that failed: whether its outcome is
    // unknown. PostgreSQL: the COMMIT was sent and the connection broke before its answer,
    // so the server may have committed. False for every failure the server reported itself,
    // for an explicit rollback and on SQLite (a failed COMMIT there has changed nothing).
    // A broken PostgreSQL connection is reopened right after (and before a BEGIN).
    bool commitOutcomeUnknown() const { return m_commitOutcomeUnknown; }
    // Test hook: runs right before the next COMMIT (after the aborted-transaction probe).
    void setBeforeCommitHook(std::function<void()> hook) { m_beforeCommit = std::move(hook); }
    // Work that every transaction (a group or a transaction()) ends with, inside it and
    // outside any savepoint, right before its COMMIT: for what is cheaper once per commit
    // than once per step (registration's full-text index). A step that fails rolls the
    // transaction back with its *error as the reason.
    using CommitStep = std::function<bool(QString* error)>;
    void addCommitStep(CommitStep step) { m_commitSteps.push_back(std::move(step)); }
    // PostgreSQL: the server process id of this connection (pg_backend_pid()); 0 on SQLite
    // or when the query fails.
    qint64 backendPid();

private:
    Database(DatabaseSpec spec, QString connectionName);
    bus::BusError openConnection();
    bus::BusError configureSqlite();
    bool enableWal(QSqlQuery& query);
    // A statement from the cache (SQLite) or freshly prepared; *prepareError on failure.
    Statement takeStatement(const QString& sql, QString* prepareError);
    bool execStatic(const QString& statement, QString* error);
    // BEGIN (SQLite: BEGIN IMMEDIATE); the transaction is then open.
    bool begin(QString* error);
    // PostgreSQL: whether a failed statement has aborted the open transaction (*why from
    // the probe). Always false on SQLite.
    bool postgresAborted(QString* why);
    // Ends the open transaction: COMMIT if commit and PostgreSQL has not aborted it, else
    // ROLLBACK. True when committed; otherwise *reason says why (unless the caller chose).
    bool finish(bool commit, QString* reason);
    // PostgreSQL: when the connection is broken (a probe fails), closes and reopens it;
    // true if it was broken.
    bool reopenIfBroken();
    void assertOwnerThread() const;

    DatabaseSpec m_spec;
    QString m_connectionName;
    QSqlDatabase m_db;
    // PostgreSQL: off. QPSQL deallocates a statement when its query dies, which fails in an
    // aborted transaction (see transaction()); its planning is cheap next to a round trip.
    StatementCache m_statements;
    QThread* m_thread = nullptr;
    bool m_inTransaction = false;
    bool m_inGroup = false;
    bool m_inStep = false;
    bool m_commitOutcomeUnknown = false;
    quint64 m_groupSerial = 0;
    quint64 m_outboxWrites = 0;
    GroupEndedHandler m_groupEnded;
    std::function<void()> m_beforeCommit;
    std::vector<CommitStep> m_commitSteps;
};

} // namespace openopd::host
