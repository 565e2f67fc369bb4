#pragma once

#include "host/migrations.h"

namespace openopd::identity {

// The identity service's tables (migration versions from host::kFirstServiceMigration):
//   staff_accounts    one row per account: display name, roles (comma-separated wire
//                     names), Argon2id password hash, active flag, timestamps
//   staff_sessions    one row per sign-in: the NATS user name, the bcrypt hash of the
//                     session's NATS password, expiry, and when / why it ended
//   signin_failures   consecutive failed sign-ins per user name as typed, and the lock
//   identity_state    one row: the version of the live-session list (grows on each change)
void addMigrations(host::Migrations& migrations);

} // namespace openopd::identity
