#include "host/migrations.h"

#include "host/database.h"

#include <QDateTime>
#include <QSqlError>
#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace openopd::host {

namespace {

using Applied = std::map<int, QString>; // version -> name

const QString kCreateTable = u"CREATE TABLE IF NOT EXISTS schema_migrations ("
                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                             "applied_at TEXT NOT NULL)"_s;

// The migration lock, inside the current transaction (SQLite: BEGIN IMMEDIATE holds it).
bool lock(Database& db, QString* error)
{
    if (db.driver() == Driver::Sqlite)
        return true;
    return db.run(u"SELECT pg_advisory_xact_lock(?)"_s, {Migrations::kAdvisoryLockKey}, error)
        .has_value();
}

bool readApplied(Database& db, Applied* applied, QString* error)
{
    auto query =
        db.run(u"SELECT version, name FROM schema_migrations ORDER BY version"_s, {}, error);
    if (!query)
        return false;
    while (query->next())
        (*applied)[query->value(0).toInt()] = query->value(1).toString();
    return true;
}

// Versions below this belong to the host's own series (outbox, inbox, request log), the rest
// to the service's. Each series is checked for gaps on its own, so that a host migration added
// in a later release is applied to a database whose service series is already further on.
constexpr int kServiceSeriesStart = 10;

bool sameSeries(int a, int b)
{
    return (a < kServiceSeriesStart) == (b < kServiceSeriesStart);
}

QString label(int version, const QString& name)
{
    return QString::number(version) + u" '"_s + name + u"'"_s;
}

} // namespace

void Migrations::add(int version, QString name, QStringList sqliteStatements,
                     QStringList postgresStatements)
{
    append({version, std::move(name), std::move(sqliteStatements), std::move(postgresStatements),
            false});
}

void Migrations::addPortable(int version, QString name, QStringList statements)
{
    append({version, std::move(name), std::move(statements), {}, true});
}

void Migrations::append(Migration migration)
{
    if (m_error.isEmpty() && (migration.version < 1 || migration.version <= latestVersion())) {
        m_error = u"migration "_s + label(migration.version, migration.name) +
                  u" was added after version "_s + QString::number(latestVersion()) +
                  u": versions must be >= 1 and strictly increasing"_s;
    }
    m_migrations.push_back(std::move(migration));
}

int Migrations::latestVersion() const
{
    int latest = 0;
    for (const Migration& migration : m_migrations)
        latest = std::max(latest, migration.version);
    return latest;
}

bus::Result<int> Migrations::prepareTable(Database& db) const
{
    int code = 503;
    int current = 0;
    QString error;
    const bool ok = db.transaction(
        [&](QSqlDatabase& sql, QString* reason) {
            if (!lock(db, reason))
                return false;
            QSqlQuery create(sql);
            if (!create.exec(kCreateTable)) {
                *reason =
                    u"cannot create schema_migrations: "_s + create.lastError().text().simplified();
                return false;
            }
            Applied applied;
            if (!readApplied(db, &applied, reason))
                return false;
            current = applied.empty() ? 0 : applied.rbegin()->first;
            code = 409;
            if (current > latestVersion()) {
                *reason = u"schema version "_s + label(current, applied.rbegin()->second) +
                          u" is newer than the newest this service knows ("_s +
                          QString::number(latestVersion()) +
                          u"): refusing to run an older service on a newer database "
                          "(downgrade); run the newer service or restore a matching backup"_s;
                return false;
            }
            for (const auto& [version, name] : applied) {
                const bool known = std::any_of(
                    m_migrations.cbegin(), m_migrations.cend(),
                    [version = version](const Migration& m) { return m.version == version; });
                if (!known) {
                    *reason = u"migration "_s + label(version, name) +
                              u" is applied but this service does not know it"_s;
                    return false;
                }
            }
            for (const Migration& migration : m_migrations) {
                const auto newerInSeries =
                    std::find_if(applied.cbegin(), applied.cend(), [&migration](const auto& entry) {
                        return entry.first > migration.version &&
                               sameSeries(entry.first, migration.version);
                    });
                if (newerInSeries != applied.cend() && !applied.count(migration.version)) {
                    *reason = u"migration "_s + label(migration.version, migration.name) +
                              u" is missing although version "_s +
                              QString::number(newerInSeries->first) + u" is applied"_s;
                    return false;
                }
            }
            return true;
        },
        &error);
    if (!ok)
        return databaseError(u"schema migrations on "_s + db.describe() + u": "_s + error, code);
    return current;
}

bus::Result<bool> Migrations::applyOne(Database& db, const Migration& migration) const
{
    int code = 503;
    bool applied = false;
    QString error;
    const bool ok = db.transaction(
        [&](QSqlDatabase& sql, QString* reason) {
            if (!lock(db, reason))
                return false;
            int current = 0;
            { // scoped: QPSQL cannot free a prepared statement once a later one failed
                auto max = db.run(u"SELECT MAX(version) FROM schema_migrations"_s, {}, reason);
                if (!max || !max->next())
                    return false;
                current = max->value(0).toInt(); // NULL (empty table) -> 0
            }
            if (current > latestVersion()) {
                code = 409;
                *reason = u"another instance raised the schema to version "_s +
                          QString::number(current) + u", newer than this service knows"_s;
                return false;
            }
            { // scoped, as above
                auto done = db.run(u"SELECT COUNT(*) FROM schema_migrations WHERE version = ?"_s,
                                   {migration.version}, reason);
                if (!done || !done->next())
                    return false;
                if (done->value(0).toInt() > 0)
                    return true; // another instance applied it meanwhile
            }
            const bool sqlite = db.driver() == Driver::Sqlite;
            const QStringList& source =
                migration.portable || sqlite ? migration.sqlite : migration.postgres;
            code = 500;
            for (qsizetype i = 0; i < source.size(); ++i) {
                const QString statement =
                    migration.portable ? db.dialect().expand(source.at(i)) : source.at(i);
                QSqlQuery query(sql);
                if (!query.exec(statement)) {
                    *reason = u"statement "_s + QString::number(i + 1) + u" of "_s +
                              QString::number(source.size()) + u" failed: "_s +
                              query.lastError().text().simplified();
                    return false;
                }
            }
            if (!db.run(u"INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES (?, ?, ?)"_s,
                        {migration.version, migration.name,
                         SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc())},
                        reason))
                return false;
            applied = true;
            return true;
        },
        &error);
    if (!ok)
        return databaseError(u"migration "_s + label(migration.version, migration.name) +
                                 u" on "_s + db.describe() + u" was rolled back: "_s + error,
                             code);
    return applied;
}

bus::Result<int> Migrations::apply(Database& db) const
{
    if (!m_error.isEmpty())
        return databaseError(m_error, 500);
    const auto current = prepareTable(db);
    if (!current)
        return current.error();
    // Every migration not applied yet, even one below the current version (see sameSeries()).
    for (const Migration& migration : m_migrations) {
        const auto applied = applyOne(db, migration);
        if (!applied)
            return applied.error();
    }
    return currentVersion(db);
}

bus::Result<int> Migrations::currentVersion(Database& db)
{
    QString error;
    const QString exists =
        db.driver() == Driver::Sqlite
            ? u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"_s
            : u"SELECT COUNT(*) FROM information_schema.tables "
              "WHERE table_schema = current_schema() AND table_name = ?"_s;
    auto table = db.run(exists, {u"schema_migrations"_s}, &error);
    if (!table || !table->next())
        return databaseError(u"cannot read the schema version of "_s + db.describe() + u": "_s +
                             error);
    if (table->value(0).toInt() == 0)
        return 0;
    auto max = db.run(u"SELECT MAX(version) FROM schema_migrations"_s, {}, &error);
    if (!max || !max->next())
        return databaseError(u"cannot read the schema version of "_s + db.describe() + u": "_s +
                             error);
    return max->value(0).toInt();
}

} // namespace openopd::host
