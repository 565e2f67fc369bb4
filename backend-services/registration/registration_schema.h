#pragma once

#include "host/migrations.h"

namespace openopd::registration {

// The registration service's tables (versions from host::kFirstServiceMigration):
//   patients        one row per patient: the Patient as JSON (doc) plus the keys that search
//                   and duplicate detection use (see search_keys.h), each indexed
//   patients_fts    SQLite only: FTS5 over full_name (external content = patients, new rows
//                   indexed right before each COMMIT (name_index.h), changed and deleted ones
//                   by triggers, all in the same transaction), unicode61 remove_diacritics 2
//   patient_words   PostgreSQL only: one row per word of a patient's name key, btree on word
//                   ("C" collation) for prefix ranges; maintained by the store
//   counters        named counters (the MRN sequence, the last patient name indexed)
//   queue_tokens    the last token issued per (queue, day)
//   visits          one row per visit: the Visit as JSON (doc) plus queue/day/token (UNIQUE),
//                   state, open flag (at most one open visit per patient and day: a partial
//                   UNIQUE index)
//   staff           demo staff (--seed-demo); no endpoint reads it yet
void addMigrations(host::Migrations& migrations);

} // namespace openopd::registration
