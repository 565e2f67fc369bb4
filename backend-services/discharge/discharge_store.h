#pragma once

// SQL of the discharge service: prepared statements with bound values, on the service's own
// database. Functions return false (or nullopt) with *error when the database fails; they
// are called inside Database::transaction() where they change something.

#include "discharge/release_visit.h"
#include "host/database.h"

#include <optional>

namespace openopd::discharge::store {

// The visit's row into *visit and *found true, or *found false when there is none.
bool loadVisit(host::Database& db, const QString& visitId, ReleaseVisit* visit, bool* found,
               QString* error);
// Writes the visit's row if it is still the one loaded (visit.revision; 0: there was none),
// with the next revision. *lost (then true returned) when another writer (another instance
// on the same database) changed or created it meanwhile: nothing written, load again.
bool saveVisit(host::Database& db, const ReleaseVisit& visit, bool* lost, QString* error);

// Lab results seen for a consultation's lab order lines.
bool loadLabProgress(host::Database& db, const QString& consultationId, LabProgress* progress,
                     QString* error);
// Remembers one lab result (a repeat of the same line is ignored).
bool recordLabResult(host::Database& db, const QString& consultationId, int line,
                     const QString& visitId, const QDateTime& resultedAt, QString* error);

// The discharge recorded for a visit, if any.
bool findDischarge(host::Database& db, const QString& visitId,
                   std::optional<protocol::Discharge>* discharge, QString* error);
// false with *inserted false when the visit already has one (a concurrent recording).
bool insertDischarge(host::Database& db, const protocol::Discharge& discharge,
                     const QString& eventId, bool* inserted, QString* error);

// Ready, open and listable visits, oldest ready first; *truncated when more than limit.
bool listPending(host::Database& db, int limit, QList<ReleaseVisit>* visits, bool* truncated,
                 QString* error);

} // namespace openopd::discharge::store
