#pragma once

// The consumer inbox: event ids a consumer has processed, written in the same transaction
// as the processing, so a redelivered event is recognised and skipped.

#include "bus/js_message.h"
#include "host/database.h"

#include <optional>

namespace openopd::host {

// true/false, or nullopt with *error when the lookup failed.
std::optional<bool> inboxContains(Database& db, const QString& consumer, const QString& eventId,
                                  QString* error);
bool recordInInbox(Database& db, const QString& consumer, const QString& eventId,
                   const bus::JsMessage& message, QString* error);

} // namespace openopd::host
