#include "host/service_backup.h"

#include "host/backup_file.h"
#include "host/database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <atomic>

using namespace Qt::StringLiterals;

namespace openopd::host {
namespace {

constexpr int kPgToolTimeoutMs = 6 * 60 * 60 * 1000; // a large database may take hours

std::atomic<int> g_checkCounter{0};

DatabaseBackupResult failed(const QString& why)
{
    return {false, why};
}

// Opens file read-only on its own connection: PRAGMA quick_check must say "ok"; *version is
// the highest applied migration (0 without a schema_migrations table).
bool checkSqliteCopy(const QString& file, int* version, QString* why)
{
    const QString name = u"openopd-backup-check-"_s + QString::number(++g_checkCounter);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(file);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (!db.open()) {
            *why = db.lastError().text().simplified();
        } else {
            QSqlQuery query(db);
            if (!query.exec(u"PRAGMA quick_check"_s) || !query.next()) {
                *why = u"PRAGMA quick_check failed: "_s + query.lastError().text().simplified();
            } else if (const QString result = query.value(0).toString(); result != u"ok"_s) {
                *why = u"PRAGMA quick_check: "_s + result;
            } else {
                ok = true;
                *version = 0;
                if (query.exec(u"SELECT MAX(version) FROM schema_migrations"_s) && query.next())
                    *version = query.value(0).toInt();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QString pgTool(const QString& tool)
{
    const QString dir = qEnvironmentVariable("OPENOPD_PG_BINDIR");
    if (!dir.isEmpty())
        return QDir(dir).filePath(tool);
    return QStandardPaths::findExecutable(tool);
}

// libpq's conninfo for the tools: everything of the --db URL but the password, which goes
// into PGPASSWORD (argv is world-readable through /proc).
QString conninfo(const DatabaseSpec& spec)
{
    QStringList parts;
    const auto add = [&parts](const QString& key, const QString& value) {
        QString escaped = value;
        escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"'"_s, u"\\'"_s);
        parts << key + u"='"_s + escaped + u"'"_s;
    };
    add(u"host"_s, spec.host);
    if (spec.port > 0)
        add(u"port"_s, QString::number(spec.port));
    add(u"dbname"_s, spec.database);
    if (!spec.user.isEmpty())
        add(u"user"_s, spec.user);
    // QPSQL's form is "key=value;key='quoted value'"; libpq separates with spaces: the ';'
    // outside quotes become spaces (a quoted value keeps its own).
    QString options = spec.connectOptions;
    bool quoted = false;
    for (qsizetype i = 0; i < options.size(); ++i) {
        if (options.at(i) == u'\\')
            ++i; // an escaped character
        else if (options.at(i) == u'\'')
            quoted = !quoted;
        else if (options.at(i) == u';' && !quoted)
            options[i] = u' ';
    }
    parts << options;
    return parts.join(u' ');
}

// Runs a PostgreSQL client tool; false with *why (its output) on failure.
bool runPgTool(const QString& tool, const QStringList& arguments, const DatabaseSpec& spec,
               QString* why, QByteArray* output = nullptr)
{
    const QString program = pgTool(tool);
    if (program.isEmpty()) {
        *why = tool + u" was not found (Debian: postgresql-client)"_s;
        return false;
    }
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!spec.password.isEmpty())
        environment.insert(u"PGPASSWORD"_s, spec.password);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start(program, arguments);
    if (!process.waitForStarted() || !process.waitForFinished(kPgToolTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        *why = tool + u" did not run to the end: "_s + process.errorString();
        return false;
    }
    if (output)
        *output = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        QString text = QString::fromUtf8(process.readAllStandardError()).trimmed();
        if (!spec.password.isEmpty())
            text.replace(spec.password, u"***"_s);
        *why =
            tool + u" failed (exit code "_s + QString::number(process.exitCode()) + u"): "_s + text;
        return false;
    }
    return true;
}

DatabaseBackupResult backupSqlite(const DatabaseSpec& spec, const QString& dataDir,
                                  const QString& service, const QString& target)
{
    if (!QFileInfo(spec.path).isFile())
        return failed(u"there is no database at "_s + spec.path +
                      u": are --data-dir and --db the ones the service runs with?"_s);
    // The copy goes next to the target (same file system: no second copy over a network).
    const QString copy = target + u".sqlite-copy"_s;
    QFile::remove(copy); // a left-over of an interrupted run
    QString error;
    {
        auto db = Database::open(spec.path, dataDir, service);
        if (!db)
            return failed(db.error().toString());
        QSqlQuery query((*db)->sql());
        if (!query.prepare(u"VACUUM INTO ?"_s)) {
            return failed(u"cannot back up "_s + spec.describe() + u": "_s +
                          query.lastError().text().simplified());
        }
        query.addBindValue(copy);
        if (!query.exec()) {
            QFile::remove(copy);
            return failed(u"cannot back up "_s + spec.describe() + u": VACUUM INTO failed: "_s +
                          query.lastError().text().simplified());
        }
    }
    int version = 0;
    if (!checkSqliteCopy(copy, &version, &error)) {
        QFile::remove(copy);
        return failed(u"the copy of "_s + spec.describe() + u" is not sound: "_s + error);
    }
    const bool written =
        writeBackupFile(target, QString::fromLatin1(kBackupKindSqlite), service, copy,
                        {{u"schema_version"_s, version}, {u"source"_s, spec.describe()}}, &error);
    QFile::remove(copy);
    if (!written)
        return failed(error);
    return {true, u"backed up "_s + spec.describe() + u" (schema version "_s +
                      QString::number(version) + u") to "_s + target};
}

DatabaseBackupResult restoreSqlite(const DatabaseSpec& spec, const QString& service,
                                   const QString& source)
{
    for (const QString& suffix : {u""_s, u"-wal"_s, u"-journal"_s}) {
        if (QFileInfo::exists(spec.path + suffix))
            return failed(u"the target already has data: "_s + spec.path + suffix +
                          u" exists. Restore into a fresh data directory (or move the old "
                          u"files away first); nothing was written"_s);
    }
    const QStringList kinds{QString::fromLatin1(kBackupKindSqlite)};
    QString error;
    // Check the whole file first: a bad one must not leave even a directory behind.
    if (!readBackupFile(source, kinds, service, {}, &error))
        return failed(error + u"; nothing was written"_s);
    const QString dir = QFileInfo(spec.path).absolutePath();
    if (!QDir().mkpath(dir))
        return failed(u"cannot create the directory "_s + dir);
    const QString staged = spec.path + u".restoring"_s;
    QFile::remove(staged);
    const auto header = readBackupFile(source, kinds, service, staged, &error);
    if (!header)
        return failed(error);
    int version = 0;
    if (!checkSqliteCopy(staged, &version, &error)) {
        QFile::remove(staged);
        return failed(source + u" holds no sound SQLite database: "_s + error);
    }
    if (QFileInfo::exists(spec.path) || !QFile::rename(staged, spec.path)) {
        QFile::remove(staged);
        return failed(u"cannot put the restored database in place at "_s + spec.path);
    }
    return {true, u"restored "_s + spec.describe() + u" (schema version "_s +
                      QString::number(version) + u", backed up "_s +
                      header->fields.value(u"created"_s).toString() + u") from "_s + source};
}

DatabaseBackupResult backupPostgres(const DatabaseSpec& spec, const QString& service,
                                    const QString& target)
{
    if (QFileInfo::exists(target))
        return failed(target + u" already exists: choose a new name"_s);
    const QString dump = target + u".pg_dump"_s;
    QFile::remove(dump);
    QString error;
    if (!runPgTool(u"pg_dump"_s,
                   {u"--format=custom"_s, u"--no-password"_s, u"--file="_s + dump,
                    u"--dbname="_s + conninfo(spec)},
                   spec, &error)) {
        QFile::remove(dump);
        return failed(u"cannot back up "_s + spec.describe() + u": "_s + error);
    }
    // pg_restore can read its table of contents: the archive is whole.
    if (!runPgTool(u"pg_restore"_s, {u"--list"_s, dump}, spec, &error)) {
        QFile::remove(dump);
        return failed(u"the dump of "_s + spec.describe() + u" is not readable: "_s + error);
    }
    const bool written = writeBackupFile(target, QString::fromLatin1(kBackupKindPgDump), service,
                                         dump, {{u"source"_s, spec.describe()}}, &error);
    QFile::remove(dump);
    if (!written)
        return failed(error);
    return {true, u"backed up "_s + spec.describe() + u" to "_s + target};
}

// The number of tables, views and sequences outside PostgreSQL's own schemas; -1 on error.
int userRelations(const QString& dbSpec, const QString& service, QString* why)
{
    auto db = Database::open(dbSpec, {}, service);
    if (!db) {
        *why = db.error().toString();
        return -1;
    }
    auto count = (*db)->run(u"SELECT COUNT(*) FROM pg_catalog.pg_class c "
                            u"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                            u"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                            u"AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                            u"AND n.nspname NOT LIKE 'pg\\_%'"_s,
                            {}, why);
    if (!count || !count->next())
        return -1;
    return count->value(0).toInt();
}

DatabaseBackupResult restorePostgres(const QString& dbSpec, const DatabaseSpec& spec,
                                     const QString& service, const QString& source)
{
    const QStringList kinds{QString::fromLatin1(kBackupKindPgDump)};
    QString error;
    if (!readBackupFile(source, kinds, service, {}, &error))
        return failed(error + u"; nothing was written"_s);
    const int relations = userRelations(dbSpec, service, &error);
    if (relations < 0)
        return failed(u"cannot check "_s + spec.describe() + u": "_s + error);
    if (relations > 0)
        return failed(u"the target already has data: "_s + spec.describe() + u" holds "_s +
                      QString::number(relations) +
                      u" tables or sequences. Restore into a new, empty database (createdb); "
                      u"nothing was written"_s);
    QTemporaryDir staging;
    if (!staging.isValid())
        return failed(u"cannot create a temporary directory: "_s + staging.errorString());
    const QString dump = staging.filePath(u"restore.pg_dump"_s);
    const auto header = readBackupFile(source, kinds, service, dump, &error);
    if (!header)
        return failed(error);
    if (!runPgTool(u"pg_restore"_s, {u"--list"_s, dump}, spec, &error))
        return failed(source + u" holds no readable pg_dump archive: "_s + error);
    // One transaction: a restore that fails half-way leaves the database empty.
    if (!runPgTool(u"pg_restore"_s,
                   {u"--exit-on-error"_s, u"--single-transaction"_s, u"--no-owner"_s,
                    u"--no-privileges"_s, u"--no-password"_s, u"--dbname="_s + conninfo(spec),
                    dump},
                   spec, &error))
        return failed(u"cannot restore into "_s + spec.describe() + u": "_s + error);
    return {true, u"restored "_s + spec.describe() + u" (backed up "_s +
                      header->fields.value(u"created"_s).toString() + u") from "_s + source};
}

} // namespace

DatabaseBackupResult backupDatabase(const QString& dbSpec, const QString& dataDir,
                                    const QString& service, const QString& target)
{
    auto spec = parseDatabaseSpec(dbSpec, dataDir, service);
    if (!spec)
        return failed(spec.error().toString());
    if (target.isEmpty())
        return failed(u"--backup-to needs a file name"_s);
    const QString file = QFileInfo(target).absoluteFilePath();
    if (QFileInfo::exists(file))
        return failed(file + u" already exists: choose a new name (a backup never overwrites "
                             u"another)"_s);
    if (!QFileInfo(QFileInfo(file).absolutePath()).isDir())
        return failed(u"the directory of "_s + file + u" does not exist"_s);
    return spec->driver == Driver::Sqlite ? backupSqlite(*spec, dataDir, service, file)
                                          : backupPostgres(*spec, service, file);
}

DatabaseBackupResult restoreDatabase(const QString& dbSpec, const QString& dataDir,
                                     const QString& service, const QString& source)
{
    auto spec = parseDatabaseSpec(dbSpec, dataDir, service);
    if (!spec)
        return failed(spec.error().toString());
    if (!QFileInfo(source).isFile())
        return failed(u"there is no backup file at "_s + source);
    return spec->driver == Driver::Sqlite ? restoreSqlite(*spec, service, source)
                                          : restorePostgres(dbSpec, *spec, service, source);
}

} // namespace openopd::host
