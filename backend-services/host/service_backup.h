#pragma once

// --backup-to / --restore-from: a service's own database to and from one backup file
// (backup_file.h, docs/backup.md). Run as a separate short-lived process with the same --db /
// --data-dir as the service; the backup is online (the service keeps running).
//
// SQLite: `VACUUM INTO ?` (the file name bound as a value) writes a consistent copy from one
// read transaction; in WAL mode the running service's writers are not blocked meanwhile. (The
// online backup API would need the sqlite3 handle of Qt's driver plus our own link to
// libsqlite3, and its page-by-page steps restart whenever another process writes, which a busy
// service does all the time.) The copy is checked with PRAGMA quick_check before it is kept.
// PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot), the password in the
// child's PGPASSWORD, never on its command line.
//
// A restore writes only into an empty target: SQLite, no database file yet; PostgreSQL, a
// database without tables (create it with createdb first). The backup file is checked
// whole (backup_file.h) and the target found empty before anything is written; then the
// service starts normally, its migrations bring an older backup up to date.

#include <QString>

namespace openopd::host {

inline constexpr char kBackupToOption[] = "backup-to";       // <file>: back up, then exit
inline constexpr char kRestoreFromOption[] = "restore-from"; // <file>: restore, then exit

struct DatabaseBackupResult
{
    bool ok = false;
    QString message; // what was done (ok) or why not, naming the file or database
};

DatabaseBackupResult backupDatabase(const QString& dbSpec, const QString& dataDir,
                                    const QString& service, const QString& target);
DatabaseBackupResult restoreDatabase(const QString& dbSpec, const QString& dataDir,
                                     const QString& service, const QString& source);

} // namespace openopd::host
