#pragma once

// Who a request comes from, as the NATS server vouches for it.
//
// A signed-in staff session is a NATS user in the STAFF account whose user name carries the
// whole claim: "<staff id>|<roles>|<session id>|<display name, base64url>", for example
// "dr.silva|doctor|3f9c…|RHIgQW5hIFNpbHZh". Only the identity service writes that user list
// (through openopd-nats-auth), so when nats-server puts the name in the Nats-Request-Info
// header of a request, every part of it is verified: a client cannot choose it, and a header
// it forges is replaced by the server. Services read the actor from there, never from a body.

#include "protocol/enums.h"
#include "protocol/staff.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace openopd::access {

// The roles a staff account can hold (deny by default: anything else has no permissions).
QList<protocol::StaffRole> accountRoles();
bool isAccountRole(protocol::StaffRole role);

// Staff ids (login names): 1..64 of a-z 0-9 . _ -, starting with a letter or digit.
bool isValidStaffId(QStringView id);

struct StaffPrincipal
{
    QString staffId;
    QList<protocol::StaffRole> roles; // non-empty, account roles only, no repeats
    QString sessionId;                // 32 lowercase hex digits
    QString displayName;              // 1..200 characters

    bool operator==(const StaffPrincipal&) const = default;

    QString natsUserName() const;
    // nullopt unless every part is well formed.
    static std::optional<StaffPrincipal> fromNatsUserName(QStringView user);

    bool hasRole(protocol::StaffRole role) const { return roles.contains(role); }
    // The actor written into records and events for an action done under `preferred`
    // (the first of the principal's roles that is allowed there, else its first role).
    protocol::StaffRef actingAs(const QList<protocol::StaffRole>& allowed) const;
};

// The accounts of the NATS server configuration (packaging/nats, docs/security.md).
inline constexpr char kServicesAccount[] = "SERVICES";
inline constexpr char kStaffAccount[] = "STAFF";
inline constexpr char kSignInAccount[] = "SIGNIN";

// The server's Nats-Request-Info header: {"acc": "STAFF", "user": "…", …}.
inline constexpr char kRequestInfoHeader[] = "Nats-Request-Info";
struct RequestInfo
{
    QString account;
    QString user;
};
// nullopt when the value is not a JSON object with string "acc" (a "user" may be absent).
std::optional<RequestInfo> parseRequestInfo(QByteArrayView headerValue);

// A service's own NATS user name: "svc.<service>".
QString serviceUserName(QStringView service);

} // namespace openopd::access
