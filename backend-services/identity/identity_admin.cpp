// The admin staff endpoints of IdentityService (opd.admin.staff.*): list, create, disable,
// enable, reset_password and set_roles.

#include "host/incident.h"
#include "identity/identity_service.h"
#include "identity/identity_service_internal.h"
#include "identity/password_hash.h"
#include "protocol/errors.h"

#include <QDebug>

namespace openopd::identity {

namespace errors = protocol::errors;
using protocol::StaffChange;
using protocol::StaffRole;

namespace {

bool sameRoles(const QList<StaffRole>& a, const QList<StaffRole>& b)
{
    if (a.size() != b.size())
        return false;
    for (StaffRole role : a)
        if (!b.contains(role))
            return false;
    return true;
}

} // namespace

void IdentityService::listStaff(const Caller& caller,
                                bus::Replier<protocol::StaffListReply> replier)
{
    if (!liveSession(caller, replier))
        return;
    protocol::StaffListReply reply;
    QString error;
    if (!store::listAccounts(m_host.database(), &reply.staff, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    replier.reply(reply);
}

void IdentityService::createStaff(const protocol::CreateStaffRequest& request, const Caller& caller,
                                  bus::Replier<protocol::StaffAccountReply> replier)
{
    if (!liveSession(caller, replier))
        return;
    const std::optional<QByteArray> hash = hashPassword(request.password);
    if (!hash)
        return replier.fail(errors::kInternal, tr("cannot hash the password"));
    store::AccountRow row;
    row.account = {request.id, request.displayName, request.roles, true, protocol::nowUtc(), {}};
    row.account.updatedAt = row.account.createdAt;
    row.passwordHash = *hash;
    StaffChange change = aboutAccount(row.account);
    change.roles = row.account.roles;
    host::Database& db = m_host.database();
    bool taken = false;
    QString error;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            bool inserted = false;
            if (!store::insertAccount(db, row, &inserted, workError))
                return false;
            taken = !inserted;
            return inserted &&
                   enqueueStaffEvent(db, protocol::kStaffCreated, change,
                                     caller.staff->actingAs({StaffRole::Admin}), workError);
        },
        &error);
    if (taken)
        return replier.fail(errors::kConflict, tr("staff id %1 is taken").arg(request.id),
                            QStringLiteral("id"));
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    qInfo().noquote() << "staff account created:" << row.account.id;
    replier.reply({row.account});
}

void IdentityService::changeStaff(AdminChange change, const QString& id,
                                  const QList<StaffRole>& roles, const QString& newPassword,
                                  const Caller& caller,
                                  bus::Replier<protocol::StaffAccountReply> replier)
{
    if (!liveSession(caller, replier))
        return;
    std::optional<QByteArray> hash;
    if (change == AdminChange::ResetPassword) {
        hash = hashPassword(newPassword);
        if (!hash)
            return replier.fail(errors::kInternal, tr("cannot hash the password"));
    }
    const protocol::StaffRef actor = caller.staff->actingAs({StaffRole::Admin});
    host::Database& db = m_host.database();
    const QDateTime now = protocol::nowUtc();
    enum class Outcome { Ok, NotFound, LastAdmin };
    Outcome outcome = Outcome::Ok;
    bool listChanged = false;
    std::optional<store::AccountRow> account;
    QString error;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            listChanged = false;
            if (!store::findAccount(db, id, &account, workError))
                return false;
            if (!account) {
                outcome = Outcome::NotFound;
                return false;
            }
            protocol::StaffAccount& a = account->account;
            const QList<StaffRole> previousRoles = a.roles;
            const bool wasAdmin = a.active && a.roles.contains(StaffRole::Admin);
            bool losesAdmin = false;
            QString endReason;
            const bus::Event<protocol::EventEnvelope<StaffChange>>* event = nullptr;
            StaffChange payload = aboutAccount(a);
            switch (change) {
            case AdminChange::Disable:
                if (!a.active)
                    return true; // already disabled: nothing to do
                losesAdmin = wasAdmin;
                a.active = false;
                endReason = QStringLiteral("disabled");
                event = &protocol::kStaffDisabled;
                break;
            case AdminChange::Enable:
                if (a.active)
                    return true;
                a.active = true;
                event = &protocol::kStaffEnabled;
                break;
            case AdminChange::ResetPassword:
                account->passwordHash = *hash;
                endReason = QStringLiteral("password_reset");
                event = &protocol::kStaffPasswordReset;
                if (!store::clearFailures(db, a.id, workError))
                    return false;
                break;
            case AdminChange::SetRoles:
                if (sameRoles(a.roles, roles))
                    return true;
                losesAdmin = wasAdmin && !roles.contains(StaffRole::Admin);
                a.roles = roles;
                endReason = QStringLiteral("roles_changed");
                event = &protocol::kStaffRolesChanged;
                payload.roles = roles;
                payload.previousRoles = previousRoles;
                break;
            }
            if (losesAdmin) {
                QStringList admins;
                if (!store::activeAdmins(db, &admins, workError))
                    return false;
                if (admins == QStringList{a.id}) {
                    outcome = Outcome::LastAdmin;
                    return false;
                }
            }
            a.updatedAt = now;
            if (!store::updateAccount(db, *account, change == AdminChange::ResetPassword,
                                      workError) ||
                !enqueueStaffEvent(db, *event, payload, actor, workError))
                return false;
            if (endReason.isEmpty())
                return true;
            // The account's sessions end: the agent drops them and the server cuts them off.
            QList<store::SessionRow> ended;
            if (!store::endSessionsOf(db, a.id, endReason, now, &ended, workError))
                return false;
            for (const store::SessionRow& session : std::as_const(ended))
                if (!enqueueStaffEvent(db, protocol::kStaffSignedOut,
                                       aboutSession(session, endReason), actor, workError))
                    return false;
            listChanged = !ended.isEmpty() || change == AdminChange::Disable;
            return !listChanged || store::bumpListVersion(db, workError);
        },
        &error);
    switch (outcome) {
    case Outcome::NotFound:
        return replier.fail(errors::kNotFound, tr("no staff account %1").arg(id),
                            QStringLiteral("id"));
    case Outcome::LastAdmin:
        return replier.fail(errors::kConflict,
                            tr("%1 is the last active admin: make another admin first").arg(id),
                            QStringLiteral("id"));
    case Outcome::Ok:
        break;
    }
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    if (listChanged)
        announceChange();
    qInfo().noquote() << "staff account" << id << "changed by" << actor.id;
    replier.reply({account->account});
}

} // namespace openopd::identity
