// The few SQL differences between SQLite and PostgreSQL that service schemas meet.
//
// Portable without help: `INSERT ... ON CONFLICT (...) DO NOTHING` / `DO UPDATE` (SQLite 3.24+),
// `INSERT ... RETURNING id` (SQLite 3.35+; use it instead of QSqlQuery::lastInsertId(), which
// QPSQL cannot answer), TEXT, INTEGER (64-bit in SQLite; use BIGINT() for PostgreSQL), `?`
// and `:name` placeholders (Qt translates them for QPSQL). Timestamps are stored as UTC
// RFC 3339 TEXT with milliseconds ("2025-01-02T03:04:05.678Z"), which sorts correctly on both.
#pragma once

#include "host/database_spec.h"

#include <QDateTime>
#include <QString>

namespace openopd::host {

class SqlDialect
{
public:
    explicit SqlDialect(Driver driver) : m_driver(driver) {}

    Driver driver() const { return m_driver; }

    // A whole column definition after the name, e.g. "id " + autoIncrementPrimaryKey():
    // "INTEGER PRIMARY KEY AUTOINCREMENT" / "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY".
    QString autoIncrementPrimaryKey() const;
    QString blobType() const;   // "BLOB" / "BYTEA"
    QString bigIntType() const; // "INTEGER" / "BIGINT"
    // A parenthesized SQL expression for "now" as UTC RFC 3339 text with milliseconds; usable
    // in SELECT, INSERT and DEFAULT (...). Prefer binding utcTimestamp() where the clock of
    // the service is the one that counts.
    QString currentTimestamp() const;

    // Replaces {{PK}}, {{BLOB}}, {{BIGINT}} and {{NOW}} by the four above, so one DDL text
    // can serve both databases: "CREATE TABLE t (id {{PK}}, body {{BLOB}} NOT NULL)".
    QString expand(const QString& portableSql) const;

    // The stored form of a time: UTC, RFC 3339, milliseconds, 'Z'.
    static QString utcTimestamp(const QDateTime& time);

private:
    Driver m_driver;
};

} // namespace openopd::host
