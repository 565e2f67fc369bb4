#pragma once

// Failure detail that stays in the service's log. Database errors carry SQL text and driver
// messages (which can quote a value, e.g. a national id in a unique-key violation); a client
// gets only what it can act on and a short incident id that an operator finds in the log.

#include <QString>

namespace openopd::host {

// Logs detail (warning, with the id) and returns the incident id: 8 hex digits.
QString logIncident(const QString& detail);
// "The database is unavailable; try again (incident 1a2b3c4d)." — after logging detail.
QString unavailableMessage(const QString& detail);

} // namespace openopd::host
