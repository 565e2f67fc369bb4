#pragma once

// The consultation service's tables (migrations from host::kFirstServiceMigration on).

#include "host/migrations.h"

namespace openopd::consultation {

void addMigrations(host::Migrations& migrations);

} // namespace openopd::consultation
