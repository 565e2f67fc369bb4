#include "registration_schema.h"

#include "host/host_schema.h"
#include "host/sql_dialect.h"
#include "name_index.h"

namespace openopd::registration {
namespace {

// name_key and phone_key are compared by prefix ranges (>= lo AND < hi), which need code-point
// order: SQLite's default BINARY collation gives it; PostgreSQL columns use COLLATE "C".
QStringList patientTables(const QString& keyType)
{
    return {
        QStringLiteral("CREATE TABLE patients ("
                       " seq {{PK}},"
                       " id TEXT NOT NULL UNIQUE,"
                       " mrn TEXT NOT NULL,"
                       " mrn_key TEXT NOT NULL UNIQUE,"
                       " full_name TEXT NOT NULL,"
                       " name_key %1 NOT NULL,"
                       " date_of_birth TEXT NOT NULL,"
                       " national_id_key TEXT UNIQUE,"
                       " phone_key %1,"
                       " revision INTEGER NOT NULL,"
                       " synthetic INTEGER NOT NULL DEFAULT 0,"
                       " doc TEXT NOT NULL,"
                       " registered_at TEXT NOT NULL,"
                       " updated_at TEXT NOT NULL)")
            .arg(keyType),
        QStringLiteral("CREATE INDEX patients_by_name ON patients (name_key, date_of_birth)"),
        QStringLiteral("CREATE INDEX patients_by_phone ON patients (phone_key)"),
        QStringLiteral("CREATE TABLE counters (name TEXT PRIMARY KEY, value {{BIGINT}} NOT NULL)"),
        QStringLiteral("CREATE TABLE queue_tokens (queue TEXT NOT NULL, day TEXT NOT NULL,"
                       " last_token INTEGER NOT NULL, PRIMARY KEY (queue, day))"),
        QStringLiteral("CREATE TABLE visits ("
                       " seq {{PK}},"
                       " id TEXT NOT NULL UNIQUE,"
                       " patient_id TEXT NOT NULL REFERENCES patients (id),"
                       " queue TEXT NOT NULL,"
                       " day TEXT NOT NULL,"
                       " token INTEGER NOT NULL,"
                       " priority_rank INTEGER NOT NULL,"
                       " state TEXT NOT NULL,"
                       " is_open INTEGER NOT NULL,"
                       " doc TEXT NOT NULL,"
                       " opened_at TEXT NOT NULL,"
                       " updated_at TEXT NOT NULL,"
                       " UNIQUE (queue, day, token))"),
        QStringLiteral("CREATE UNIQUE INDEX visits_one_open_per_day ON visits (patient_id, day)"
                       " WHERE is_open = 1"),
        QStringLiteral("CREATE INDEX visits_by_day ON visits (day, priority_rank, token)"),
        QStringLiteral("CREATE INDEX visits_by_patient ON visits (patient_id, day)"),
        QStringLiteral("CREATE TABLE staff (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                       " role TEXT NOT NULL, created_at TEXT NOT NULL)"),
    };
}

QStringList expandAll(const host::SqlDialect& dialect, const QStringList& statements)
{
    QStringList expanded;
    for (const QString& statement : statements)
        expanded.append(dialect.expand(statement));
    return expanded;
}

} // namespace

void addMigrations(host::Migrations& migrations)
{
    const host::SqlDialect sqlite(host::Driver::Sqlite);
    const host::SqlDialect postgres(host::Driver::Postgres);

    QStringList sqliteDdl = expandAll(sqlite, patientTables(QStringLiteral("TEXT")));
    sqliteDdl += {
        // Fails the migration (and so the start) when SQLite lacks FTS5.
        QStringLiteral("CREATE VIRTUAL TABLE patients_fts USING fts5(full_name,"
                       " content='patients', content_rowid='seq',"
                       " tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')"),
        QStringLiteral("CREATE TRIGGER patients_fts_insert AFTER INSERT ON patients BEGIN"
                       " INSERT INTO patients_fts (rowid, full_name)"
                       " VALUES (new.seq, new.full_name); END"),
        QStringLiteral("CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients BEGIN"
                       " INSERT INTO patients_fts (patients_fts, rowid, full_name)"
                       " VALUES ('delete', old.seq, old.full_name); END"),
        QStringLiteral("CREATE TRIGGER patients_fts_update AFTER UPDATE OF full_name ON patients"
                       " BEGIN"
                       " INSERT INTO patients_fts (patients_fts, rowid, full_name)"
                       " VALUES ('delete', old.seq, old.full_name);"
                       " INSERT INTO patients_fts (rowid, full_name)"
                       " VALUES (new.seq, new.full_name); END"),
    };

    QStringList postgresDdl =
        expandAll(postgres, patientTables(QStringLiteral("TEXT COLLATE \"C\"")));
    postgresDdl += {
        QStringLiteral("CREATE TABLE patient_words (word TEXT COLLATE \"C\" NOT NULL,"
                       " patient_seq BIGINT NOT NULL REFERENCES patients (seq) ON DELETE CASCADE,"
                       " PRIMARY KEY (word, patient_seq))"),
        QStringLiteral("CREATE INDEX patient_words_by_patient ON patient_words (patient_seq)"),
    };

    migrations.add(host::kFirstServiceMigration, QStringLiteral("registration"), sqliteDdl,
                   postgresDdl);

    // SQLite: new names are indexed once per commit (name_index.h), no longer by a trigger per
    // INSERT; the update and delete triggers skip rows that commit step has not reached yet.
    const QString indexed = QStringLiteral("(SELECT value FROM counters WHERE name = '%1')")
                                .arg(QLatin1String(kNameIndexCounter));
    migrations.add(
        host::kFirstServiceMigration + 1, QStringLiteral("names indexed at commit"),
        {
            QStringLiteral("INSERT INTO counters (name, value)"
                           " SELECT '%1', COALESCE(MAX(seq), 0) FROM patients")
                .arg(QLatin1String(kNameIndexCounter)),
            QStringLiteral("DROP TRIGGER patients_fts_insert"),
            QStringLiteral("DROP TRIGGER patients_fts_delete"),
            QStringLiteral("DROP TRIGGER patients_fts_update"),
            QStringLiteral("CREATE TRIGGER patients_fts_delete AFTER DELETE ON patients"
                           " WHEN old.seq <= %1 BEGIN"
                           " INSERT INTO patients_fts (patients_fts, rowid, full_name)"
                           " VALUES ('delete', old.seq, old.full_name); END")
                .arg(indexed),
            QStringLiteral("CREATE TRIGGER patients_fts_update AFTER UPDATE OF full_name ON"
                           " patients WHEN old.seq <= %1 BEGIN"
                           " INSERT INTO patients_fts (patients_fts, rowid, full_name)"
                           " VALUES ('delete', old.seq, old.full_name);"
                           " INSERT INTO patients_fts (rowid, full_name)"
                           " VALUES (new.seq, new.full_name); END")
                .arg(indexed),
        },
        {});
}

} // namespace openopd::registration
