#include "host/database.h"

#include "host/wal_write_buffer.h"

#include <QDebug>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QThread>
#include <QUrl>
#include <atomic>

using namespace Qt::StringLiterals;

namespace openopd::host {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr int kCacheKiB = 32 * 1024; // SQLite page cache per connection

std::atomic<quint64> g_connectionCounter{0};

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

QString sqlErrorText(const QSqlError& error)
{
    return error.text().simplified();
}

// For messages: the statement, shortened (values are bound, so it holds no data).
QString statementText(const QString& sql)
{
    const QString text = sql.simplified();
    return text.size() > 160 ? text.left(157) + u"..."_s : text;
}

} // namespace

Database::Database(DatabaseSpec spec, QString connectionName)
    : m_spec(std::move(spec)), m_connectionName(std::move(connectionName)),
      m_statements(m_spec.driver == Driver::Sqlite), m_thread(QThread::currentThread())
{}

Database::~Database()
{
    m_statements.clear(); // its queries must be gone before the connection
    if (m_db.isOpen())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

bus::Result<std::unique_ptr<Database>> Database::open(const QString& dbSpec, const QString& dataDir,
                                                      const QString& serviceName,
                                                      const QString& instance)
{
    auto spec = parseDatabaseSpec(dbSpec, dataDir, serviceName, instance);
    if (!spec)
        return spec.error();
    const bool sqlite = spec->driver == Driver::Sqlite;
    const QString driverName = sqlite ? u"QSQLITE"_s : u"QPSQL"_s;
    if (!QSqlDatabase::isDriverAvailable(driverName)) {
        return databaseError(u"cannot open "_s + spec->describe() + u": Qt's "_s + driverName +
                             u" driver is not installed (Debian: "_s +
                             (sqlite ? u"libqt6sql6-sqlite"_s : u"libqt6sql6-psql"_s) + u")"_s);
    }
    if (sqlite) {
        const QString dir = QFileInfo(spec->path).absolutePath();
        if (!QDir().mkpath(dir))
            return databaseError(u"cannot open "_s + spec->describe() +
                                 u": cannot create the directory "_s + dir);
    }
    const QString name =
        u"openopd-"_s + serviceName + u'-' + QString::number(g_connectionCounter.fetch_add(1) + 1);
    std::unique_ptr<Database> db(new Database(std::move(spec).value(), name));
    const bus::BusError error = db->openConnection();
    if (error.isError())
        return error;
    return db;
}

bus::BusError Database::openConnection()
{
    const bool sqlite = m_spec.driver == Driver::Sqlite;
    m_db = QSqlDatabase::addDatabase(sqlite ? u"QSQLITE"_s : u"QPSQL"_s, m_connectionName);
    if (sqlite) {
        QString options = u"QSQLITE_BUSY_TIMEOUT="_s + QString::number(kBusyTimeoutMs);
        // WAL frames in one write per commit (wal_write_buffer.h); the file is the same.
        QString vfsError;
        if (installWalWriteBuffer(&vfsError)) {
            m_db.setDatabaseName(u"file:"_s +
                                 QString::fromLatin1(QUrl::toPercentEncoding(m_spec.path, "/")) +
                                 u"?vfs="_s + QLatin1String(kWalBufferVfsName));
            options += u";QSQLITE_OPEN_URI"_s;
        } else {
            qWarning().noquote() << "SQLite WAL write buffer not used:" << vfsError;
            m_db.setDatabaseName(m_spec.path);
        }
        m_db.setConnectOptions(options);
    } else {
        m_db.setHostName(m_spec.host);
        m_db.setPort(m_spec.port);
        m_db.setDatabaseName(m_spec.database);
        m_db.setUserName(m_spec.user);
        m_db.setPassword(m_spec.password);
        m_db.setConnectOptions(m_spec.connectOptions);
    }
    if (!m_db.open()) {
        QString reason = sqlErrorText(m_db.lastError());
        // libpq does not echo passwords, but a message must never carry one: make sure.
        if (!m_spec.password.isEmpty()) {
            reason.replace(m_spec.password, u"***"_s);
            reason.replace(QString::fromUtf8(QUrl::toPercentEncoding(m_spec.password)), u"***"_s);
        }
        return databaseError(u"cannot open "_s + describe() + u": "_s + reason);
    }
    if (sqlite)
        return configureSqlite();
    // libpq prints NOTICE/WARNING messages raw on stderr, which would break the one-JSON-
    // object-per-line service log; the server's own log keeps them.
    QString error;
    if (!execStatic(u"SET client_min_messages = error"_s, &error))
        return databaseError(u"cannot use "_s + describe() + u": "_s + error);
    return {};
}

// Switching a new file to WAL needs an exclusive lock. When several instances open the same
// file at once, SQLite answers SQLITE_BUSY at once instead of calling the busy handler (it
// would deadlock otherwise), so the wait that busy_timeout gives every other statement is
// done here by hand, within the same limit.
bool Database::enableWal(QSqlQuery& query)
{
    constexpr int kRetryPauseMs = 20;
    const auto busy = [&query] {
        const int primaryCode = query.lastError().nativeErrorCode().toInt() & 0xff;
        return primaryCode == 5 || primaryCode == 6; // SQLITE_BUSY, SQLITE_LOCKED
    };
    for (int waited = 0;; waited += kRetryPauseMs) {
        if (query.exec(u"PRAGMA journal_mode=WAL"_s) && query.next())
            return true;
        if (!busy() || waited >= kBusyTimeoutMs)
            return false;
        QThread::msleep(kRetryPauseMs);
    }
}

bus::BusError Database::configureSqlite()
{
    const auto fail = [this](const QString& reason) {
        return databaseError(u"cannot use "_s + describe() + u": "_s + reason);
    };
    QSqlQuery query(m_db);
    if (!enableWal(query))
        return fail(u"PRAGMA journal_mode=WAL failed: "_s + sqlErrorText(query.lastError()));
    const QString mode = query.value(0).toString();
    if (mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0)
        return fail(u"WAL mode could not be enabled (journal_mode stays '"_s + mode +
                    u"'; is it on a network or read-only file system?)"_s);

    // temp_store=MEMORY: statement journals and sorts stay in memory instead of a temporary
    // file created and unlinked each time (four system calls, costly on a VM). cache_size:
    // 32 MiB instead of 2 MiB, so that the indexes' hot pages stay cached under load instead
    // of being read again (pread) after every checkpoint.
    const QString settings[] = {u"PRAGMA synchronous=FULL"_s, u"PRAGMA foreign_keys=ON"_s,
                                u"PRAGMA busy_timeout="_s + QString::number(kBusyTimeoutMs),
                                u"PRAGMA temp_store=MEMORY"_s,
                                u"PRAGMA cache_size=-"_s + QString::number(kCacheKiB)};
    for (const QString& setting : settings) {
        if (!query.exec(setting))
            return fail(setting + u" failed: "_s + sqlErrorText(query.lastError()));
    }
    // Read them back: a PRAGMA that SQLite does not know is silently ignored.
    const struct
    {
        QString pragma;
        int expected;
    } checks[] = {{u"synchronous"_s, 2},
                  {u"foreign_keys"_s, 1},
                  {u"busy_timeout"_s, kBusyTimeoutMs},
                  {u"temp_store"_s, 2},
                  {u"cache_size"_s, -kCacheKiB}};
    for (const auto& check : checks) {
        if (!query.exec(u"PRAGMA "_s + check.pragma) || !query.next() ||
            query.value(0).toInt() != check.expected)
            return fail(u"PRAGMA "_s + check.pragma + u" did not take effect"_s);
    }
    return {};
}

QSqlDatabase& Database::sql()
{
    assertOwnerThread();
    return m_db;
}

QSqlQuery Database::prepare(const QString& sql, QString* error)
{
    assertOwnerThread();
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        setError(error, u"cannot prepare '"_s + statementText(sql) + u"': "_s +
                            sqlErrorText(query.lastError()));
    return query;
}

bool Database::exec(QSqlQuery& query, const QVariantList& values, QString* error)
{
    for (const QVariant& value : values)
        query.addBindValue(value);
    if (query.exec())
        return true;
    setError(error, u"'"_s + statementText(query.lastQuery()) + u"' failed: "_s +
                        sqlErrorText(query.lastError()));
    return false;
}

bool Database::exec(QSqlQuery& query, const QVariantMap& values, QString* error)
{
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        query.bindValue(it.key().startsWith(u':') ? it.key() : u':' + it.key(), it.value());
    return exec(query, QVariantList{}, error);
}

std::optional<Statement> Database::run(const QString& sql, const QVariantList& values,
                                       QString* error)
{
    assertOwnerThread();
    QString prepareError;
    Statement query = takeStatement(sql, &prepareError);
    if (!prepareError.isEmpty()) {
        setError(error, prepareError);
        return std::nullopt;
    }
    if (!exec(query, values, error))
        return std::nullopt;
    return std::optional<Statement>(std::move(query));
}

Statement Database::takeStatement(const QString& sql, QString* prepareError)
{
    return m_statements.take(
        sql, [this](const QString& text, QString* e) { return prepare(text, e); }, prepareError);
}

bool Database::execStatic(const QString& statement, QString* error)
{
    if (m_spec.driver == Driver::Sqlite) {
        // BEGIN, COMMIT, SAVEPOINT and RELEASE run for every request: parsed once, from the
        // statement cache (parsing them was about 6 % of registration's CPU under load).
        QString prepareError;
        Statement query = takeStatement(statement, &prepareError);
        if (prepareError.isEmpty() && query.exec())
            return true;
        setError(error,
                 statement + u" failed on "_s + describe() + u": "_s +
                     (prepareError.isEmpty() ? sqlErrorText(query.lastError()) : prepareError));
        return false;
    }
    QSqlQuery query(m_db);
    if (query.exec(statement))
        return true;
    setError(error,
             statement + u" failed on "_s + describe() + u": "_s + sqlErrorText(query.lastError()));
    return false;
}

bool Database::beginGroup(QString* error)
{
    assertOwnerThread();
    if (m_inTransaction) {
        setError(error, u"a group inside a transaction on "_s + describe() + u": not supported"_s);
        return false;
    }
    if (!begin(error))
        return false;
    m_inGroup = true;
    ++m_groupSerial;
    return true;
}

bool Database::endGroup(bool commit, QString* error)
{
    assertOwnerThread();
    if (!m_inGroup) {
        setError(error, u"no group is open on "_s + describe());
        return false;
    }
    QString reason = commit ? QString() : u"the group was abandoned"_s;
    const bool committed = finish(commit, &reason);
    m_inGroup = false;
    if (!committed)
        setError(error, reason);
    if (m_groupEnded)
        m_groupEnded(committed, reason);
    return committed;
}

bool Database::begin(QString* error)
{
    const QString statement = m_spec.driver == Driver::Sqlite ? u"BEGIN IMMEDIATE"_s : u"BEGIN"_s;
    // A PostgreSQL connection that broke while idle is reopened once, here.
    if (!execStatic(statement, error) && !(reopenIfBroken() && execStatic(statement, error)))
        return false;
    m_inTransaction = true;
    return true;
}

bool Database::reopenIfBroken()
{
    QString probeError;
    if (m_spec.driver == Driver::Sqlite || execStatic(u"SELECT 1"_s, &probeError))
        return false;
    qWarning().noquote() << "the connection to" << describe() << "is broken (" << probeError
                         << "): reconnecting";
    m_db.close();
    QString error;
    if (!m_db.open()) {
        QString reason = sqlErrorText(m_db.lastError());
        if (!m_spec.password.isEmpty())
            reason.replace(m_spec.password, u"***"_s);
        qWarning().noquote() << "reconnecting failed (the next BEGIN tries again):" << reason;
    } else if (!execStatic(u"SET client_min_messages = error"_s, &error))
        qWarning().noquote() << "reconnected, but:" << error;
    return true;
}

qint64 Database::backendPid()
{
    if (m_spec.driver == Driver::Sqlite)
        return 0;
    QSqlQuery query(m_db);
    return query.exec(u"SELECT pg_backend_pid()"_s) && query.next() ? query.value(0).toLongLong()
                                                                    : 0;
}

bool Database::postgresAborted(QString* why)
{
    // In an aborted PostgreSQL transaction every statement fails, and COMMIT "succeeds" by
    // rolling back: ask before committing. SQLite has no such state.
    return m_spec.driver != Driver::Sqlite && !execStatic(u"SELECT 1"_s, why);
}

bool Database::finish(bool commit, QString* reason)
{
    m_commitOutcomeUnknown = false;
    if (commit) {
        QString probeError;
        if (postgresAborted(&probeError)) {
            commit = false;
            *reason = u"a statement inside the transaction failed, so PostgreSQL aborted it ("_s +
                      probeError + u")"_s;
        }
    }
    for (auto step = m_commitSteps.cbegin(); commit && step != m_commitSteps.cend(); ++step)
        commit = (*step)(reason);
    if (commit && m_beforeCommit)
        m_beforeCommit();
    if (commit && execStatic(u"COMMIT"_s, reason)) {
        m_inTransaction = false;
        return true;
    }
    QString ignored; // after a failed COMMIT PostgreSQL has already ended the transaction
    execStatic(u"ROLLBACK"_s, &ignored);
    m_inTransaction = false;
    // A COMMIT the server refused was rolled back. One lost with the connection may have
    // been carried out before it broke: nobody can tell.
    if (commit && reopenIfBroken())
        m_commitOutcomeUnknown = true;
    return false;
}

bool Database::transaction(const Work& work, QString* error)
{
    assertOwnerThread();
    if (m_inGroup && !m_inStep) {
        QString ignored; // the handler hears how the group ended
        endGroup(true, &ignored);
    }
    if (m_inTransaction) {
        setError(error, u"nested transaction on "_s + describe() + u": not supported"_s);
        return false;
    }
    if (!begin(error))
        return false;
    QString reason;
    bool ok = false;
    try {
        ok = work(m_db, &reason);
    } catch (...) {
        QString ignored;
        finish(false, &ignored);
        throw;
    }
    if (finish(ok, &reason))
        return true;
    setError(error, reason.isEmpty() ? u"the transaction on "_s + describe() + u" was rolled back"_s
                                     : reason);
    return false;
}

Database::Step Database::savepoint(const Work& step, QString* error)
{
    assertOwnerThread();
    if (!m_inTransaction) {
        setError(error, u"a savepoint outside a transaction on "_s + describe());
        return Step::Broken;
    }
    if (!execStatic(u"SAVEPOINT opd_step"_s, error))
        return Step::Broken;
    const auto undo = [this](QString* undoError) {
        return execStatic(u"ROLLBACK TO SAVEPOINT opd_step"_s, undoError) &&
               execStatic(u"RELEASE SAVEPOINT opd_step"_s, undoError);
    };
    QString reason;
    bool ok = false;
    m_inStep = true;
    try {
        ok = step(m_db, &reason);
    } catch (...) {
        m_inStep = false;
        QString ignored; // the caller's transaction() rolls everything back
        undo(&ignored);
        throw;
    }
    m_inStep = false;
    QString probeError; // a failed statement aborts the transaction until ROLLBACK TO
    if (ok && postgresAborted(&probeError)) {
        ok = false;
        reason = u"a statement inside the step failed ("_s + probeError + u")"_s;
    }
    if (ok && execStatic(u"RELEASE SAVEPOINT opd_step"_s, &reason))
        return Step::Kept;
    QString undoError;
    if (!undo(&undoError)) {
        setError(error, reason + u"; undoing the step failed too: "_s + undoError);
        return Step::Broken;
    }
    setError(error, reason.isEmpty() ? u"the step was rolled back"_s : reason);
    return Step::Undone;
}

void Database::assertOwnerThread() const
{
    Q_ASSERT_X(QThread::currentThread() == m_thread, "openopd::host::Database",
               "used from a thread other than the one that opened it");
}

} // namespace openopd::host
