// IdentityService: start-up and the endpoint table, and the sign-in and session endpoints
// (sign_in, renew, sign_out, change_password). The admin staff endpoints are in
// identity_admin.cpp, the live-session list, sweep and change notice in identity_sessions.cpp.

#include "identity/identity_service.h"

#include "access/sealed_reply.h"
#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "bus/tsan_handover.h"
#include "host/incident.h"
#include "host/outbox.h"
#include "identity/identity_schema.h"
#include "identity/identity_service_internal.h"
#include "identity/password_hash.h"
#include "protocol/catalog.h"
#include "protocol/errors.h"

#include <QDebug>
#include <QThread>

namespace openopd::identity {

namespace errors = protocol::errors;
using protocol::StaffChange;
using protocol::StaffRole;

namespace {

// Sign-ins waiting for or in password verification; more are refused with 503 (the work per
// try is deliberately expensive, so a flood must not queue without bound).
constexpr std::size_t kMaxPendingSignIns = 32;

QString endpointName(const auto& endpoint)
{
    return protocol::serviceEndpointName(endpoint.subjectBytes());
}

} // namespace

protocol::StaffRef systemActor()
{
    return {QStringLiteral("identity"), QStringLiteral("Identity service"), StaffRole::System};
}

bool enqueueStaffEvent(host::Database& db,
                       const bus::Event<protocol::EventEnvelope<StaffChange>>& event,
                       StaffChange payload, const protocol::StaffRef& actor, QString* error)
{
    const auto envelope = protocol::makeEvent(event, std::move(payload), actor);
    return host::enqueueEvent(db,
                              {envelope.id, event.subjectBytes(),
                               bus::Codec<protocol::EventEnvelope<StaffChange>>::encode(envelope)},
                              error);
}

IdentityService::IdentityService(host::ServiceHost& host, IdentitySettings settings)
    : m_host(host), m_settings(settings)
{
    // Argon2id uses 64 MiB and one core per verification: as many at once as there are cores.
    m_hashPool.setMaxThreadCount(qBound(1, QThread::idealThreadCount(), 4));
}

void IdentityService::addMigrations(host::Migrations& migrations)
{
    identity::addMigrations(migrations);
}

bool IdentityService::start()
{
    // A hash of a random password: unknown user names cost the same as known ones.
    const std::optional<QByteArray> dummy =
        hashPassword(QString::fromLatin1(access::randomSecret()));
    if (!dummy) {
        qCritical().noquote() << "Argon2id hashing failed";
        return false;
    }
    m_dummyHash = *dummy;
    if (!access::sodiumReady()) {
        qCritical().noquote() << "libsodium cannot start (sign-in replies are sealed with it)";
        return false;
    }

    using host::Access;
    using namespace protocol;
    auto& micro = m_host.micro();
    const bool ok =
        micro.addEndpoint(
            endpointName(kSignIn), kSignIn,
            [this](const SignInRequest& request, const Caller&, bus::Replier<SignInReply> r) {
                signIn(request, std::move(r));
            },
            Access::SignIn) &&
        micro.addEndpoint(
            endpointName(kRenewSession), kRenewSession,
            [this](const IdentityEmptyRequest&, const Caller& caller,
                   bus::Replier<SessionReply> r) { renew(caller, std::move(r)); },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kSignOut), kSignOut,
            [this](const IdentityEmptyRequest&, const Caller& caller,
                   bus::Replier<IdentityDoneReply> r) { signOut(caller, std::move(r)); },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kChangePassword), kChangePassword,
            [this](const ChangePasswordRequest& request, const Caller& caller,
                   bus::Replier<IdentityDoneReply> r) {
                changePassword(request, caller, std::move(r));
            },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kNatsUsers), kNatsUsers,
            [this](const IdentityEmptyRequest&, const Caller&, bus::Replier<NatsUsersReply> r) {
                natsUsers(std::move(r));
            },
            Access::Internal) &&
        micro.addEndpoint(
            endpointName(kStaffList), kStaffList,
            [this](const IdentityEmptyRequest&, const Caller& caller,
                   bus::Replier<StaffListReply> r) { listStaff(caller, std::move(r)); },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kCreateStaff), kCreateStaff,
            [this](const CreateStaffRequest& request, const Caller& caller,
                   bus::Replier<StaffAccountReply> r) {
                createStaff(request, caller, std::move(r));
            },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kDisableStaff), kDisableStaff,
            [this](const StaffIdRequest& request, const Caller& caller,
                   bus::Replier<StaffAccountReply> r) {
                changeStaff(AdminChange::Disable, request.id, {}, {}, caller, std::move(r));
            },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kEnableStaff), kEnableStaff,
            [this](const StaffIdRequest& request, const Caller& caller,
                   bus::Replier<StaffAccountReply> r) {
                changeStaff(AdminChange::Enable, request.id, {}, {}, caller, std::move(r));
            },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kResetStaffPassword), kResetStaffPassword,
            [this](const ResetPasswordRequest& request, const Caller& caller,
                   bus::Replier<StaffAccountReply> r) {
                changeStaff(AdminChange::ResetPassword, request.id, {}, request.newPassword, caller,
                            std::move(r));
            },
            Access::Staff) &&
        micro.addEndpoint(
            endpointName(kSetStaffRoles), kSetStaffRoles,
            [this](const SetRolesRequest& request, const Caller& caller,
                   bus::Replier<StaffAccountReply> r) {
                changeStaff(AdminChange::SetRoles, request.id, request.roles, {}, caller,
                            std::move(r));
            },
            Access::Staff);
    if (!ok)
        return false;
    QObject::connect(&m_sweepTimer, &QTimer::timeout, &m_sweepTimer, [this] { sweep(); });
    m_sweepTimer.start(m_settings.sweepInterval);
    sweep();
    announceChange(); // agents that watched an earlier run refresh now
    return true;
}

void IdentityService::signIn(const protocol::SignInRequest& request,
                             bus::Replier<protocol::SignInReply> replier)
{
    // The decoder checked its form; a key no box can be sealed to (a low-order point) is
    // refused before any work, as a malformed request.
    if (!access::sealTo(QByteArray(1, '\0'), request.replyKey))
        return replier.fail(errors::kBadRequest, tr("reply_key is not a usable X25519 public key"),
                            QStringLiteral("reply_key"));
    host::Database& db = m_host.database();
    const QDateTime now = protocol::nowUtc();
    QString error;
    SignInFailures failures;
    if (!store::loadFailures(db, request.user, &failures, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    // Locked: refused without looking at the password (and without a write per try). One
    // verification at a time per name, so parallel guesses cannot outrun the count.
    qint64 wait = retryAfterSeconds(failures, now);
    if (wait == 0 && m_verifying.contains(request.user))
        wait = 1;
    if (wait > 0)
        return replier.fail(errors::kTooManyAttempts,
                            tr("too many failed sign-ins for this user name: try again in %1 s "
                               "(retry_after_s=%1)")
                                .arg(wait),
                            QStringLiteral("user"));
    if (m_pendingSignIns.size() >= kMaxPendingSignIns)
        return replier.fail(errors::kUnavailable,
                            tr("too many sign-ins at once: try again in a moment"));
    std::optional<store::AccountRow> account;
    if (protocol::identity::isStaffAccountId(request.user) &&
        !store::findAccount(db, request.user, &account, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    // The same work for an unknown name as for a known one.
    const QByteArray hash = account ? account->passwordHash : m_dummyHash;
    const quint64 id = ++m_nextSignIn;
    m_pendingSignIns.emplace(id, PendingSignIn{request, std::move(account), std::move(replier)});
    m_verifying.insert(request.user);
    QTimer* context = &m_sweepTimer;
    // Both hand-overs go through Qt locks TSan cannot see (bus/tsan_handover.h, issue 14).
    const bus::detail::QueuedHandOver handOver;
    m_hashPool.start([this, context, id, password = request.password, hash] {
        const bool matches = verifyPassword(password, hash);
        const bus::detail::QueuedHandOver replyHandOver;
        QMetaObject::invokeMethod(
            context, [this, id, matches] { finishSignIn(id, matches); }, Qt::QueuedConnection);
    });
}

void IdentityService::finishSignIn(quint64 id, bool verified)
{
    const auto it = m_pendingSignIns.find(id);
    if (it == m_pendingSignIns.end())
        return;
    PendingSignIn pending = std::move(it->second);
    m_pendingSignIns.erase(it);
    m_verifying.remove(pending.request.user);
    const protocol::SignInRequest& request = pending.request;
    const std::optional<store::AccountRow>& account = pending.account;
    bus::Replier<protocol::SignInReply>& replier = pending.replier;
    host::Database& db = m_host.database();
    const QDateTime now = protocol::nowUtc();
    const bool matches = verified && account.has_value();
    QString error;

    if (!matches || !account->account.active) {
        StaffChange change;
        if (account)
            change = aboutAccount(account->account);
        change.reason = !account   ? QStringLiteral("unknown_user")
                        : !matches ? QStringLiteral("wrong_password")
                                   : QStringLiteral("disabled");
        SignInFailures failures;
        const bool committed = m_host.commit(
            [&](QSqlDatabase&, QString* workError) {
                if (!matches) {
                    if (!store::loadFailures(db, request.user, &failures, workError))
                        return false;
                    failures = afterFailure(failures, now, m_settings.lockBase);
                    change.failures = failures.failures;
                    if (!store::saveFailures(db, request.user, failures, now, workError))
                        return false;
                }
                return enqueueStaffEvent(db, protocol::kStaffSignInFailed, change, systemActor(),
                                         workError);
            },
            &error);
        if (!committed)
            return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
        if (!matches) {
            if (account)
                qInfo().noquote() << "sign-in refused for" << account->account.id
                                  << "(failures:" << failures.failures << ")";
            return replier.fail(errors::kUnauthorized, tr("wrong user name or password"));
        }
        qInfo().noquote() << "sign-in refused for" << account->account.id << "(disabled)";
        return replier.fail(errors::kForbidden, tr("account disabled"));
    }

    const protocol::StaffAccount& staff = account->account;
    access::StaffPrincipal principal;
    principal.staffId = staff.id;
    principal.roles = staff.roles;
    principal.sessionId = access::randomSessionId();
    principal.displayName = staff.displayName;
    QByteArray token = access::randomSecret();
    const std::optional<QByteArray> tokenHash = access::bcryptHash(token);
    if (!tokenHash)
        return replier.fail(errors::kInternal, tr("cannot hash the session secret"));
    // Every sign-in client can read every reply inbox: the secret goes out sealed to the
    // requester's one-time key only, and is sealed before the session exists.
    const std::optional<QByteArray> sealedToken = access::sealTo(token, request.replyKey);
    access::wipe(token);
    if (!sealedToken)
        return replier.fail(errors::kBadRequest, tr("reply_key is not a usable X25519 public key"),
                            QStringLiteral("reply_key"));
    store::SessionRow row;
    row.session = {principal.sessionId, staff.id, staff.displayName, staff.roles,
                   now.addSecs(m_settings.sessionLength.count())};
    row.natsUser = principal.natsUserName();
    row.tokenHash = *tokenHash;
    row.createdAt = now;
    StaffChange change = aboutAccount(staff);
    change.roles = staff.roles;
    change.sessionId = principal.sessionId;
    enum class Outcome { Ok, Changed };
    Outcome outcome = Outcome::Ok;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            // The account as it is now: an admin may have disabled it or reset its password
            // while the password was being verified.
            std::optional<store::AccountRow> current;
            if (!store::findAccount(db, staff.id, &current, workError))
                return false;
            if (!current || !current->account.active ||
                current->passwordHash != account->passwordHash ||
                current->account.roles != staff.roles) {
                outcome = Outcome::Changed;
                return false;
            }
            return store::clearFailures(db, request.user, workError) &&
                   store::insertSession(db, row, workError) &&
                   store::bumpListVersion(db, workError) &&
                   enqueueStaffEvent(db, protocol::kStaffSignedIn, change,
                                     principal.actingAs(staff.roles), workError);
        },
        &error);
    if (outcome == Outcome::Changed)
        return replier.fail(errors::kConflict,
                            tr("the account changed during sign-in: sign in again"));
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    announceChange();
    qInfo().noquote() << "signed in:" << staff.id;
    replier.reply({row.session, row.natsUser, *sealedToken});
}

void IdentityService::renew(const Caller& caller, bus::Replier<protocol::SessionReply> replier)
{
    std::optional<store::SessionRow> row = liveSession(caller, replier);
    if (!row)
        return;
    row->session.expiresAt = protocol::nowUtc().addSecs(m_settings.sessionLength.count());
    QString error;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            return store::extendSession(m_host.database(), row->session.id, row->session.expiresAt,
                                        workError);
        },
        &error);
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    replier.reply({row->session});
}

void IdentityService::signOut(const Caller& caller,
                              bus::Replier<protocol::IdentityDoneReply> replier)
{
    const std::optional<store::SessionRow> row = liveSession(caller, replier);
    if (!row)
        return;
    host::Database& db = m_host.database();
    QString error;
    bool ended = false;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            return store::endSession(db, row->session.id, QStringLiteral("signed_out"),
                                     protocol::nowUtc(), &ended, workError) &&
                   (!ended ||
                    (store::bumpListVersion(db, workError) &&
                     enqueueStaffEvent(db, protocol::kStaffSignedOut,
                                       aboutSession(*row, QStringLiteral("signed_out")),
                                       caller.staff->actingAs(row->session.roles), workError)));
        },
        &error);
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    announceChange();
    replier.reply({});
}

void IdentityService::changePassword(const protocol::ChangePasswordRequest& request,
                                     const Caller& caller,
                                     bus::Replier<protocol::IdentityDoneReply> replier)
{
    const std::optional<store::SessionRow> session = liveSession(caller, replier);
    if (!session)
        return;
    host::Database& db = m_host.database();
    QString error;
    std::optional<store::AccountRow> account;
    if (!store::findAccount(db, session->session.staffId, &account, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    if (!account || !verifyPassword(request.currentPassword, account->passwordHash))
        return replier.fail(errors::kUnauthorized, tr("the current password is wrong"),
                            QStringLiteral("current_password"));
    const std::optional<QByteArray> hash = hashPassword(request.newPassword);
    if (!hash)
        return replier.fail(errors::kInternal, tr("cannot hash the password"));
    account->passwordHash = *hash;
    account->account.updatedAt = protocol::nowUtc();
    const protocol::StaffRef actor = caller.staff->actingAs(session->session.roles);
    const QString reason = QStringLiteral("password_changed");
    bool listChanged = false;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            if (!store::updateAccount(db, *account, true, workError) ||
                !enqueueStaffEvent(db, protocol::kStaffPasswordChanged,
                                   aboutAccount(account->account), actor, workError))
                return false;
            // Whoever else holds a session of this account (a shoulder-surfed password) is
            // signed out; the session that changed it goes on.
            QList<store::SessionRow> ended;
            if (!store::endOtherSessionsOf(db, account->account.id, session->session.id, reason,
                                           account->account.updatedAt, &ended, workError))
                return false;
            for (const store::SessionRow& other : std::as_const(ended))
                if (!enqueueStaffEvent(db, protocol::kStaffSignedOut, aboutSession(other, reason),
                                       actor, workError))
                    return false;
            listChanged = !ended.isEmpty();
            return !listChanged || store::bumpListVersion(db, workError);
        },
        &error);
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    qInfo().noquote() << "password changed:" << account->account.id;
    if (listChanged)
        announceChange();
    replier.reply({});
}

} // namespace openopd::identity
