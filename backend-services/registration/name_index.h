#pragma once

// SQLite: the full-text index of patients' names (patients_fts) is brought up to date once
// per transaction, right before its COMMIT, instead of by a trigger on every INSERT: FTS5
// writes its pending terms out at every savepoint, so a trigger inside each request's
// savepoint cost one index segment per patient (issue 13). A patient is therefore in the
// index exactly when its row is committed, as before.
//
// "patients_fts_indexed" in counters is the highest patients.seq already indexed. Rows above
// it are new in this transaction (seq grows; SQLite has one writer at a time), so the
// update and delete triggers leave them to this step.

#include "host/database.h"

namespace openopd::registration {

inline constexpr char kNameIndexCounter[] = "patients_fts_indexed";

// Indexes the patients above the counter and moves it; nothing when there are none.
bool indexNewNames(host::Database& db, QString* error);

// Makes every COMMIT of db run indexNewNames() first (SQLite only; PostgreSQL keeps
// patient_words in step itself).
void indexNamesAtCommit(host::Database& db);

} // namespace openopd::registration
