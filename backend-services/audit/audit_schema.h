#pragma once

#include "host/migrations.h"

namespace openopd::audit {

// The audit log (docs/architecture.md, "Service: audit"):
//   audit_log  seq (1, 2, 3 … assigned by the service, no gaps), event_id UNIQUE, subject,
//              actor_id / actor_name / actor_role, at, patient_id (NULL when absent),
//              payload_hash, prev_hash, hash, body (the event exactly as received)
// Append-only in practice: the service has no UPDATE or DELETE statement for it, and
// triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for everyone else.
void addMigrations(host::Migrations& migrations);

} // namespace openopd::audit
