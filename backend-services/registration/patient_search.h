#pragma once

// Patient search as a receptionist types (opd.registration.patient.search).
//
//   name         1. names whose whole name key starts with the query's key ("jose alv" finds
//                   "José Álvarez"), alphabetically: a btree range on patients.name_key;
//                2. then names where every query word starts a word of the name ("alv",
//                   "alvarez jose"), up to the limit: SQLite FTS5 prefix query on
//                   patients_fts, PostgreSQL a btree range per word on patient_words; this
//                   part is sorted by name within the page.
//   phone        the trailing digits of the number (reversed-digit key, btree range)
//   national_id  exact, ignoring case and the separators ' ', '.', '/', '-'
//   mrn          exact, ignoring case
//   any          MRN, national id, phone (3+ digits, phone characters only), then name
//                (when the query has a letter); a patient appears once
// Every lookup is an index range read with a LIMIT, so it stays fast at a million patients.

#include "host/database.h"
#include "protocol/registration_api.h"

namespace openopd::registration {

class PatientSearch
{
public:
    explicit PatientSearch(host::Database& db) : m_db(db) {}

    bool run(const protocol::SearchPatientsRequest& request, protocol::SearchPatientsReply* reply,
             QString* error);

private:
    class Collector;

    bool byMrn(const QString& query, Collector& out, QString* error);
    bool byNationalId(const QString& query, Collector& out, QString* error);
    bool byPhone(const QString& query, Collector& out, QString* error);
    bool byName(const QString& query, Collector& out, QString* error);
    bool byWordsSqlite(const QStringList& words, int fetch, Collector& out, QString* error);
    bool byWordsPostgres(const QStringList& words, int fetch, Collector& out, QString* error);
    // Adds rows (seq, doc, name_key) of sql in order; sortByName orders them by name key first.
    bool collect(const QString& sql, const QVariantList& values, Collector& out, bool sortByName,
                 QString* error);

    host::Database& m_db;
};

} // namespace openopd::registration
