// Versioned schema migrations for a service's database.
#pragma once

#include "bus/result.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace openopd::host {

class Database;

// The service declares its schema history once, in order:
//
//     Migrations migrations;
//     migrations.addPortable(1, u"patients"_s, {u"CREATE TABLE patients (id {{PK}}, ...)"_s});
//     migrations.add(2, u"visits"_s, {sqlite DDL...}, {PostgreSQL DDL...});
//     auto version = migrations.apply(db); // 2, or an error
//
// apply() keeps `schema_migrations(version INTEGER PRIMARY KEY, name TEXT NOT NULL,
// applied_at TEXT NOT NULL)`. Each pending migration runs in its own transaction together with
// its schema_migrations row: it is applied completely or not at all (both databases have
// transactional DDL). Applied versions are skipped, so apply() is idempotent.
//
// Concurrency: every migration transaction first takes the database-wide lock
// (PostgreSQL: pg_advisory_xact_lock(kAdvisoryLockKey); SQLite: BEGIN IMMEDIATE) and then
// re-reads the applied version, so two instances starting at once apply each migration once.
//
// Refusals (nothing is changed): versions not strictly increasing or < 1 (code 500); the
// database has a version newer than the newest this service knows (a downgrade; code 409),
// or an applied version this service does not know, or a gap (code 409). Gaps are checked
// per series: the host's (1-9) and the service's (10 and up), so a host migration added in a
// later release is applied to a database whose service series is already further on. A failing
// statement rolls its migration back (code 500). Errors are BusErrors (see databaseError()).
class Migrations
{
public:
    static constexpr qint64 kAdvisoryLockKey = 0x4f50445f4d494752; // "OPD_MIGR"

    // Statements are static DDL/DML texts (no bound values), one statement per entry.
    void add(int version, QString name, QStringList sqliteStatements,
             QStringList postgresStatements);
    // One list for both databases; each statement goes through SqlDialect::expand().
    void addPortable(int version, QString name, QStringList statements);

    int latestVersion() const; // 0 when none was added

    // Applies what is pending; returns the resulting schema version.
    bus::Result<int> apply(Database& db) const;

    // The highest applied version (0 when schema_migrations does not exist or is empty).
    static bus::Result<int> currentVersion(Database& db);

private:
    struct Migration
    {
        int version = 0;
        QString name;
        QStringList sqlite;
        QStringList postgres;
        bool portable = false;
    };
    void append(Migration migration);
    bus::Result<int> prepareTable(Database& db) const;
    bus::Result<bool> applyOne(Database& db, const Migration& migration) const;

    std::vector<Migration> m_migrations;
    QString m_error; // set by add() when versions are out of order; apply() reports it
};

} // namespace openopd::host
