#pragma once

// The consumer inbox: event ids a consumer has processed, written in the same transaction
// as the processing, so a redelivered event is recognised and skipped.

#include "bus/js_message.h"
#include "host/database.h"

#include <optional>

namespace openopd::host {

// Records the event in the inbox before it is handled, in the handler's savepoint (undoing
// the savepoint undoes the claim): true when it was new, false when the inbox already held it
// (a redelivery: skip it), nullopt with *error when the statement failed. One statement where
// a lookup and an insert took two. PostgreSQL: an uncommitted claim of another instance is
// waited for; DO NOTHING then means it committed.
std::optional<bool> claimInInbox(Database& db, const QString& consumer, const QString& eventId,
                                 const bus::JsMessage& message, QString* error);

} // namespace openopd::host
