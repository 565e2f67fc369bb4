#pragma once

// SQL for patients (prepared statements, bound values). Every function runs on the caller's
// transaction, if any; false means a database error, described in *error.

#include "host/database.h"
#include "protocol/patient.h"

#include <QSqlQuery>
#include <optional>

namespace openopd::registration {

// Inserts patients with one prepared statement (reused for bulk loads). On PostgreSQL it also
// writes the name words (patient_words); on SQLite the FTS5 triggers index the name.
class PatientWriter
{
public:
    explicit PatientWriter(host::Database& db);
    bool insert(const protocol::Patient& patient, bool synthetic, QString* error);

private:
    host::Database& m_db;
};

class PatientStore
{
public:
    explicit PatientStore(host::Database& db) : m_db(db) {}

    bool byId(const QString& id, std::optional<protocol::Patient>* patient, QString* error);
    // Only the name (empty: no such patient), without reading the whole record: what a new
    // visit needs.
    bool nameById(const QString& id, QString* fullName, QString* error);
    bool byMrn(const QString& mrn, std::optional<protocol::Patient>* patient, QString* error);
    // The patient holding this national id (any spelling of separators and case), if any.
    bool byNationalId(const QString& nationalId, std::optional<protocol::Patient>* patient,
                      QString* error);
    // Likely duplicates of details: the same national id, and (when withNameMatches) the
    // same name key and date of birth; at most `limit`, national id match first.
    bool duplicates(const protocol::PatientDetails& details, bool withNameMatches, int limit,
                    QList<protocol::Patient>* found, QString* error);
    bool mrnTaken(const QString& mrn, bool* taken, QString* error);
    // The next free service-assigned MRN ("MRN-000123"): the counter advances past numbers
    // that were given explicitly.
    bool nextMrn(QString* mrn, QString* error);
    // Reserves `count` consecutive MRN numbers; *first is the first one.
    bool reserveMrnNumbers(qint64 count, qint64* first, QString* error);
    bool insert(const protocol::Patient& patient, QString* error);
    // Rewrites the patient (details, revision, updated_*) and its search keys, only if the
    // stored revision is still patient.revision - 1: two instances on one PostgreSQL database
    // may both have read that revision. *lostRace true: someone else updated it meanwhile,
    // nothing was written.
    bool update(const protocol::Patient& patient, bool* lostRace, QString* error);
    // Synthetic (--generate-patients) patients are counted in counters, not by a scan.
    bool countSynthetic(qint64* count, QString* error);
    bool addSynthetic(qint64 added, QString* error);
    // counters[name] += delta (created at delta), *value the result.
    bool addToCounter(const QString& name, qint64 delta, qint64* value, QString* error);

private:
    bool one(const QString& sql, const QVariantList& values,
             std::optional<protocol::Patient>* patient, QString* error);

    host::Database& m_db;
};

// "MRN-000123" for 123 (at least six digits).
QString formatMrn(qint64 number);
// The stored JSON of a patient, and back (a corrupt row is a database error).
QString patientDoc(const protocol::Patient& patient);
bool patientFromDoc(const QString& doc, protocol::Patient* patient, QString* error);
// Reads every row of query, whose column `docColumn` is the patient JSON.
bool readPatients(QSqlQuery& query, int docColumn, QList<protocol::Patient>* patients,
                  QString* error);

} // namespace openopd::registration
