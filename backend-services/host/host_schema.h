#pragma once

// The tables the host itself needs in every service's database: the outbox (events written
// in the same transaction as the state change), the inbox (event ids a consumer has
// already processed) and the request log (commands' request ids and first answers). They
// take migration versions 1-9; a service's own start at 10.

#include "host/migrations.h"

namespace openopd::host {

inline constexpr int kFirstServiceMigration = 10;

void addHostMigrations(Migrations& migrations);

} // namespace openopd::host
