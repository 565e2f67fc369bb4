// What `--db` means: the pure parsing half of Database::open() (no I/O, unit-testable).
#pragma once

#include "bus/result.h"

#include <QString>

namespace openopd::host {

enum class Driver { Sqlite, Postgres };

// A parsed --db value. Holds the password (for the driver) but never prints it.
struct DatabaseSpec
{
    Driver driver = Driver::Sqlite;

    // SQLite: the absolute file path.
    QString path;

    // PostgreSQL (Qt's QPSQL): percent-decoded URL parts; port -1 = libpq's default (5432).
    QString host;
    int port = -1;
    QString database;
    QString user;
    QString password;
    // QPSQL connect options: libpq keywords from the URL query, `key='value'` joined by ';'.
    // connect_timeout (10 s) and application_name (the service) are added unless given.
    QString connectOptions;

    // For logs and error messages, never with the password: "SQLite /var/lib/x/reg.sqlite",
    // "PostgreSQL opd@db.example:5432/registration".
    QString describe() const;
};

// Parses a --db value:
//   ""                                  SQLite file <dataDir>/<serviceName>.sqlite
//   "/abs/file.sqlite", "rel/file"      SQLite file; a relative path is relative to dataDir
//   "sqlite:///abs/file", "sqlite:rel"  the same, as a URL (percent-decoded; no host allowed)
//   "postgresql://[user[:password]@]host[:port]/dbname[?key=value&...]" (or "postgres://")
//       QPSQL; host and dbname required; query keys are libpq keywords (sslmode, sslrootcert,
//       connect_timeout, ...); "password" in the query counts as the password.
// An empty dataDir means the current directory. serviceName must match ^[A-Za-z0-9_-]+$ (it
// names the default file). SQLite ":memory:" is refused: a service's data must survive it.
// Errors: BusError::Kind::NotConnected, code 503, with a message that never contains the
// password.
// instance (optional) goes into PostgreSQL's application_name: "<service>/<instance>".
bus::Result<DatabaseSpec> parseDatabaseSpec(const QString& spec, const QString& dataDir,
                                            const QString& serviceName,
                                            const QString& instance = {});

// A database failure as a BusError: code 503 ("database unavailable") is Kind::NotConnected;
// other codes (409 schema conflict, 500 failed migration or statement) are Kind::ServiceError,
// ready to become a Nats-Service-Error reply. The message must already be password-free.
bus::BusError databaseError(const QString& message, int code = 503);

} // namespace openopd::host
