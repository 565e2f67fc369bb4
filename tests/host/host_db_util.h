// Helpers for database tests that run on both backends: a "backend" data column with the rows
// "sqlite" and "postgres", and a fresh empty database per call.
#pragma once

#include "host/database.h"
#include "support/postgres_server.h"

#include <QDir>
#include <QTest>

namespace openopd::testing {

class DbBackends
{
public:
    // Starts the PostgreSQL server shared by the whole test case.
    bool start(QString* error)
    {
        if (m_postgres.start())
            return true;
        *error = m_postgres.errorString();
        return false;
    }

    static void addRows()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    // A --db spec naming a new, empty database of the backend: a new file under dataDir
    // (SQLite) or a new database on the test server (PostgreSQL). Empty on failure.
    QString freshSpec(const QString& backend, const QString& dataDir)
    {
        const QString name = QStringLiteral("t%1").arg(++m_counter);
        if (backend == QStringLiteral("sqlite"))
            return QDir(dataDir).filePath(name + QStringLiteral(".sqlite"));
        return m_postgres.createDatabase(name) ? m_postgres.connectionUrl(name) : QString();
    }

    PostgresServer& postgres() { return m_postgres; }

private:
    PostgresServer m_postgres;
    int m_counter = 0;
};

// Test-only helpers (table names are constants of the tests).
inline bool tableExists(host::Database& db, const QString& table)
{
    const QString sql =
        db.driver() == host::Driver::Sqlite
            ? QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name=?")
            : QStringLiteral("SELECT COUNT(*) FROM information_schema.tables "
                             "WHERE table_schema = current_schema() AND table_name = ?");
    QString error;
    auto query = db.run(sql, {table}, &error);
    return query && query->next() && query->value(0).toInt() == 1;
}

inline qint64 countRows(host::Database& db, const QString& table)
{
    QString error;
    auto query = db.run(QStringLiteral("SELECT COUNT(*) FROM ") + table, {}, &error);
    return query && query->next() ? query->value(0).toLongLong() : -1;
}

} // namespace openopd::testing
