#pragma once

// list.releases_changed: the pending releases (opd.discharge.release.pending) changed for one
// visit. Enqueued in the outbox inside the transaction that saved the visit, after the
// change's own event (if any).

#include "discharge/release_visit.h"
#include "host/database.h"

#include <optional>

namespace openopd::discharge {

// The visit's row on the pending list (the rule of store::listPending), or nothing.
std::optional<protocol::PendingRelease> pendingRow(const ReleaseVisit& visit);

// Compares the row before the change with the visit after it and announces added, updated
// or removed; nothing when the row did not change.
bool announceRelease(host::Database& db, const std::optional<protocol::PendingRelease>& before,
                     const ReleaseVisit& after, const protocol::StaffRef& actor,
                     const QDateTime& at, QString* error);

} // namespace openopd::discharge
