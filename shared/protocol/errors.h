#pragma once

// Error codes a service answers with (Nats-Service-Error-Code header and the "code" field of
// the JSON error body {"code":…, "error":…, "field":…}). See docs/protocol.md.

namespace openopd::protocol::errors {

// Malformed JSON, or a field that is missing, mistyped, out of range, too long, not one of
// the allowed values, or breaks a cross-field rule; "field" names it by dotted path.
inline constexpr int kBadRequest = 400;
// No verified caller: the request did not come from a signed-in staff session (the server's
// Nats-Request-Info names none), the session ended, or the user name or password is wrong.
inline constexpr int kUnauthorized = 401;
// The verified caller may not do this: no role allowed here, account disabled.
inline constexpr int kForbidden = 403;
// An id (patient, visit, consultation, order, drug batch…) that does not exist.
inline constexpr int kNotFound = 404;
// The current state does not allow the request: an open visit already exists, the visit is
// not in a state that allows the step, a stale revision, stock too low.
inline constexpr int kConflict = 409;
// Too many failed sign-ins for one user name: wait ("retry_after_s") before trying again.
inline constexpr int kTooManyAttempts = 429;
// Something the service needs (database, stream) is unavailable; retry later.
inline constexpr int kUnavailable = 503;
// A bug or an unexpected failure in the service.
inline constexpr int kInternal = 500;

} // namespace openopd::protocol::errors
