#pragma once

// Error codes a service answers with (Nats-Service-Error-Code header and the "code" field of
// the JSON error body {"code":…, "error":…, "field":…}). See docs/protocol.md.

namespace openopd::protocol::errors {

// Malformed JSON, or a field that is missing, mistyped, out of range, too long, not one of
// the allowed values, or breaks a cross-field rule; "field" names it by dotted path.
inline constexpr int kBadRequest = 400;
// An id (patient, visit, consultation, order, drug batch…) that does not exist.
inline constexpr int kNotFound = 404;
// The current state does not allow the request: an open visit already exists, the visit is
// not in a state that allows the step, a stale revision, stock too low.
inline constexpr int kConflict = 409;
// Something the service needs (database, stream) is unavailable; retry later.
inline constexpr int kUnavailable = 503;
// A bug or an unexpected failure in the service.
inline constexpr int kInternal = 500;

} // namespace openopd::protocol::errors
