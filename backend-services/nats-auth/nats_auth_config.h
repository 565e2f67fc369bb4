#pragma once

// The nats-server authorization of an OpenOPD clinic, generated from the protocol catalog
// (docs/security.md): three accounts (SERVICES, STAFF, SIGNIN), one user per service, one
// user per signed-in staff session with permissions computed from its roles. Pure functions
// except writeFileAtomically.

#include "protocol/enums.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace openopd::natsauth {

// Allow lists are exact subjects or NATS wildcards; deny-by-default means a subject not in
// an allow list is refused by the server. Lists keep catalog order and have no repeats.
struct Permissions
{
    QList<QByteArray> publishAllow;
    QList<QByteArray> publishDeny;
    QList<QByteArray> subscribeAllow;
    QList<QByteArray> subscribeDeny;
    bool allowResponses = false; // may reply once to each request it received

    bool operator==(const Permissions&) const = default;
};

// The request subject the agent asks the identity service for the staff NATS users, and the
// core subject identity publishes (no payload) when that list changed.
inline constexpr char kNatsUsersSubject[] = "opd.identity.internal.nats_users";
inline constexpr char kUsersChangedSubject[] = "opd.identity.internal.changed";
// The public sign-in user of the SIGNIN account (documented as public; it can only ask
// opd.identity.signin).
inline constexpr char kSignInUser[] = "signin";
inline constexpr char kSignInPassword[] = "signin";
// The agent's own service name: its NATS user is "svc.nats-auth".
inline constexpr char kAgentService[] = "nats-auth";
// The agent's reply inbox prefix: identity may answer there and nowhere else in SERVICES
// (a service that may publish on _INBOX.> could forge deliveries into another service's
// pull consumer inbox).
inline constexpr char kAgentInboxPrefix[] = "_INBOX.nats-auth";

// Every service with a NATS user: registration, consultation, pharmacy, discharge, audit,
// identity, nats-auth.
QStringList serviceNames();
// The durable consumers a service keeps on OPD_EVENTS (their JetStream API and ack subjects
// and their dead-letter subjects opd.dlq.<durable> are allowed to that service only).
QStringList serviceDurables(const QString& service);

// Endpoint namespaces the SERVICES account exports to STAFF (and SIGNIN for sign-in).
QList<QByteArray> serviceExports();

// Permissions of a staff session with these roles (any role that is not an account role
// adds nothing). Publish: every endpoint whose catalog roles intersect `roles`, plus the
// identity session / password endpoints for any account role; subscribe: _INBOX.> and every
// event whose readers intersect `roles`. Events, JetStream and identity internals are denied.
Permissions staffPermissions(const QList<protocol::StaffRole>& roles);
// Permissions of the service user svc.<service>.
Permissions servicePermissions(const QString& service);
// Permissions of the public SIGNIN user.
Permissions signInPermissions();

// The `permissions: {...}` value (one line).
QByteArray renderPermissions(const Permissions& permissions);

struct UserEntry
{
    UserEntry() = default;
    UserEntry(QString user_, QByteArray hash, QDateTime expires = {})
        : user(std::move(user_)), passwordHash(std::move(hash)), expiresAt(std::move(expires))
    {}

    QString user;
    QByteArray passwordHash; // bcrypt "$2b$..."
    QDateTime expiresAt;     // the session's end (invalid: none known); the agent enforces it
};

struct AccountsOptions
{
    bool jetStream = true; // SERVICES gets `jetstream: enabled` (the server needs jetstream {})
    bool serviceDiscovery = true; // export $SRV.> to STAFF (admins may publish $SRV.>)
    QString staffUsersFile = QStringLiteral("staff-users.conf"); // relative to accounts.conf
};

// accounts.conf: `accounts { SERVICES {...} STAFF {... include "<staffUsersFile>"} SIGNIN
// {...} }`. services: svc.<name> users with bcrypt hashes (any missing service has no user).
QByteArray renderAccounts(const QList<UserEntry>& services, const AccountsOptions& options = {});

struct StaffUsersOptions
{
    // Each session may subscribe to replies under "_INBOX.<session id>.>" only, instead of
    // the account-wide "_INBOX.>" (where one session could read another's replies). Needs
    // clients that make their inboxes under that prefix (docs/security.md).
    bool sessionInboxes = false;
};

// The reply inbox prefix of a session with sessionInboxes: "_INBOX.<session id>".
QByteArray sessionInboxPrefix(const QString& sessionId);

// staff-users.conf: `users: [ ... ]` with each user's permissions from the roles in its name
// (access::StaffPrincipal::fromNatsUserName). Malformed names or hashes are left out and
// listed in *skipped (with the reason).
QByteArray renderStaffUsers(const QList<UserEntry>& users, QStringList* skipped = nullptr,
                            const StaffUsersOptions& options = {});
// True for "$2a$"/"$2b$"/"$2y$" hashes made of the bcrypt alphabet only.
bool isBcryptHash(QByteArrayView hash);

// The role x subject table of docs/security.md (markdown, ends with a newline).
QString renderRoleMatrix();

// Writes path through a temporary file in the same directory (mode 0600, fsync, rename).
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error);

} // namespace openopd::natsauth
