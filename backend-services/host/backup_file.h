#pragma once

// One backup file (docs/backup.md): a service's database or one JetStream stream snapshot,
// wrapped so that a restore can tell a whole, right file from anything else before it
// writes a byte:
//
//   OPENOPD-BACKUP 1\n
//   {"kind":"sqlite","name":"registration","bytes":N,"sha256":"<hex>","created":...}\n
//   <N bytes of payload: a SQLite file, a pg_dump custom archive or a snapshot archive>
//
// The header line is compact JSON (at most kMaxHeaderBytes). A truncated, extended or
// altered file fails the length or the SHA-256 check; a file of another service or kind
// fails the name or kind check.

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace openopd::host {

inline constexpr char kBackupMagic[] = "OPENOPD-BACKUP 1\n";
inline constexpr qint64 kMaxHeaderBytes = 1 << 20;

// Payload kinds.
inline constexpr char kBackupKindSqlite[] = "sqlite";             // a VACUUM INTO copy
inline constexpr char kBackupKindPgDump[] = "pg_dump";            // pg_dump --format=custom
inline constexpr char kBackupKindStream[] = "jetstream-snapshot"; // $JS.API.STREAM.SNAPSHOT

struct BackupHeader
{
    QString kind;
    QString name; // the service ("registration") or the stream ("OPD_EVENTS")
    qint64 bytes = 0;
    QString sha256;     // lower-case hex of the payload
    QJsonObject fields; // the whole header (created, schema_version, config, state, ...)
};

// Writes target from the payload file: the header (extra fields added to kind, name, bytes,
// sha256, created) then the payload, into "<target>.partial", fsynced, then renamed. Refuses
// a target that exists. False with *error naming the file and the reason.
bool writeBackupFile(const QString& target, const QString& kind, const QString& name,
                     const QString& payloadFile, const QJsonObject& extra, QString* error);

// Reads and checks a backup file: magic, header, kind (one of kinds), name, then the
// payload's length and SHA-256. With payloadOut non-empty the payload is also copied there
// (a new file; removed again when a check fails). std::nullopt with *error on any problem.
std::optional<BackupHeader> readBackupFile(const QString& file, const QStringList& kinds,
                                           const QString& name, const QString& payloadOut,
                                           QString* error);

} // namespace openopd::host
