#include "host/caller.h"

#include "protocol/errors.h"

#include <QCoreApplication>

namespace openopd::host {
namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::host::Caller)
};

bus::BusError refuse(int code, const QString& message)
{
    return bus::BusError::make(bus::BusError::Kind::ServiceError, message, {}, code);
}

} // namespace

Caller callerOf(const bus::Message& message)
{
    Caller caller;
    if (!message.hasHeader(access::kRequestInfoHeader))
        return caller;
    const std::optional<access::RequestInfo> info =
        access::parseRequestInfo(message.header(access::kRequestInfoHeader));
    if (!info)
        return caller;
    caller.account = info->account;
    caller.user = info->user;
    if (caller.account == QLatin1StringView(access::kStaffAccount))
        caller.staff = access::StaffPrincipal::fromNatsUserName(caller.user);
    return caller;
}

bus::BusError checkAccess(const Caller& caller, Access access,
                          const QList<protocol::StaffRole>& roles, CallerPolicy policy)
{
    if (policy == CallerPolicy::InsecureNoAuth)
        return {};
    switch (access) {
    case Access::SignIn:
        return {};
    case Access::Internal:
        // Same-account requests carry no header; one from another account does.
        if (!caller.account.isEmpty())
            return refuse(protocol::errors::kForbidden,
                          Text::tr("this subject is for the platform's services only"));
        return {};
    case Access::Staff:
        break;
    }
    if (!caller.staff)
        return refuse(protocol::errors::kUnauthorized,
                      Text::tr("not signed in: the server did not vouch for a staff "
                               "session on this request"));
    if (roles.isEmpty())
        return {};
    for (protocol::StaffRole role : caller.staff->roles)
        if (roles.contains(role))
            return {};
    return refuse(protocol::errors::kForbidden,
                  Text::tr("staff member %1 has no role allowed here").arg(caller.staff->staffId));
}

access::StaffPrincipal principalFromBody(const protocol::StaffRef& staff)
{
    return {staff.id, {staff.role}, QString(), staff.name};
}

} // namespace openopd::host
