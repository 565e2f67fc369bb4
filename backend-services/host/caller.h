#pragma once

// Who sent a request, as far as the NATS server vouches for it (docs/security.md).
//
// A request that crosses from the STAFF (or SIGNIN) account into the SERVICES account carries
// the server's Nats-Request-Info header; the server replaces any header of that name a
// client forged. A request from inside SERVICES carries none. The host reads the caller from
// that header only, and, for requests that name an actor ("staff" in the body), overwrites
// the body's actor with the verified one before the handler sees it.

#include "access/staff_principal.h"
#include "bus/error.h"
#include "bus/message.h"

#include <QList>
#include <QString>
#include <optional>

namespace openopd::host {

// Who may call an endpoint.
enum class Access {
    Staff,    // a signed-in staff session (STAFF account) holding one of the endpoint's roles
    SignIn,   // anyone the server let in (the public sign-in user of the SIGNIN account)
    Internal, // requests from inside the SERVICES account (no header); permissions guard it
};

// How much the host trusts a request without the server's word for its caller.
enum class CallerPolicy {
    Verify,         // production: the header decides; Access::Staff without it is refused
    InsecureNoAuth, // --insecure-no-auth (tests, a server without accounts): the body's
                    // "staff" is taken as the actor and every Access passes
};

struct Caller
{
    QString account; // "STAFF", "SIGNIN"; empty for a request from inside SERVICES
    QString user;    // the NATS user name the server authenticated
    std::optional<access::StaffPrincipal> staff; // set for a valid signed-in staff session
};

// The caller of `message`: from its Nats-Request-Info header; empty when there is none or it
// is malformed (a server always sends a well-formed one).
Caller callerOf(const bus::Message& message);

// Whether `caller` may use an endpoint with `access` and the catalog `roles` (empty roles:
// any staff role). An error of kind ServiceError with code 401 or 403 naming why, else None.
bus::BusError checkAccess(const Caller& caller, Access access,
                          const QList<protocol::StaffRole>& roles, CallerPolicy policy);

// Insecure mode only: a principal made from the body's "staff" so handlers that read
// Caller::staff work in tests without accounts. Never used under CallerPolicy::Verify.
access::StaffPrincipal principalFromBody(const protocol::StaffRef& staff);

} // namespace openopd::host
