#pragma once

// Shared by the source files of IdentityService (identity_service.cpp, identity_admin.cpp,
// identity_sessions.cpp): the payloads of opd.events.staff.* and the caller's live session.
// Not for use outside the identity service.

#include "host/incident.h"
#include "identity/identity_service.h"
#include "identity/identity_store.h"
#include "protocol/errors.h"

#include <optional>

namespace openopd::identity {

inline protocol::StaffChange aboutAccount(const protocol::StaffAccount& account)
{
    protocol::StaffChange change;
    change.staffId = account.id;
    change.displayName = account.displayName;
    return change;
}

inline protocol::StaffChange aboutSession(const store::SessionRow& row, const QString& reason)
{
    protocol::StaffChange change;
    change.staffId = row.session.staffId;
    change.displayName = row.session.displayName;
    change.sessionId = row.session.id;
    change.reason = reason;
    return change;
}

template <class Rep>
std::optional<store::SessionRow> IdentityService::liveSession(const Caller& caller,
                                                              bus::Replier<Rep>& replier)
{
    if (!caller.staff || caller.staff->sessionId.isEmpty()) {
        replier.fail(protocol::errors::kUnauthorized,
                     tr("not signed in: this request carries no verified staff session"));
        return std::nullopt;
    }
    std::optional<store::SessionRow> row;
    QString error;
    if (!store::findLiveSession(m_host.database(), caller.staff->sessionId, protocol::nowUtc(),
                                &row, &error)) {
        replier.fail(protocol::errors::kUnavailable, host::unavailableMessage(error));
        return std::nullopt;
    }
    if (!row || row->session.staffId != caller.staff->staffId) {
        replier.fail(protocol::errors::kUnauthorized,
                     tr("the session has ended or expired: sign in again"));
        return std::nullopt;
    }
    return row;
}

} // namespace openopd::identity
