#pragma once

#include "host/migrations.h"

namespace openopd::pharmacy {

// The pharmacy's tables (migrations 10..): the formulary with its stock batches and the
// stock ledger; prescriptions from visit.consulted with their dispenses; lab orders and
// results; visits closed by visit.discharged.
void addMigrations(host::Migrations& migrations);

} // namespace openopd::pharmacy
