#pragma once

#include "host/migrations.h"

namespace openopd::discharge {

// The discharge service's tables (migration versions from host::kFirstServiceMigration):
//   release_visits       one row per visit seen on opd.events.visit.>: what is known, the
//                        derived state and ready_since (NULL: not ready), closed_state
//   release_lab_results  (consultation_id, line) of each lab result seen, with its time
//   discharges           one row per recorded discharge / admission / referral
void addMigrations(host::Migrations& migrations);
// The migrations after the visit summary's (summary_store.h, version 11): 12 and up.
void addLaterMigrations(host::Migrations& migrations);

} // namespace openopd::discharge
