#pragma once

// The identity service: staff accounts with Argon2id passwords, sign-in into sessions that are
// NATS users of the STAFF account, and the list of live sessions that openopd-nats-auth writes
// into nats-server's configuration (docs/protocol.md, "Identity").
//
// Every change of that list (sign-in, sign-out, expiry, disable, password reset, new roles)
// bumps a version in the database and, once committed, is announced by a core NATS message
// on opd.identity.internal.changed; a timer ends expired sessions every few seconds.

#include "host/service_host.h"
#include "identity/identity_store.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QCoreApplication>
#include <QSet>
#include <QThreadPool>
#include <QTimer>
#include <chrono>
#include <map>

namespace openopd::identity {

struct IdentitySettings
{
    std::chrono::seconds sessionLength{12 * 3600};
    std::chrono::seconds lockBase = kDefaultLockBase;
    std::chrono::milliseconds sweepInterval{5000};
};

// The actor of changes made by the service itself (expiry, demo data, --create-admin).
protocol::StaffRef systemActor();

// Adds an opd.events.staff.* event to the outbox (inside a transaction).
bool enqueueStaffEvent(host::Database& db,
                       const bus::Event<protocol::EventEnvelope<protocol::StaffChange>>& event,
                       protocol::StaffChange payload, const protocol::StaffRef& actor,
                       QString* error);

class IdentityService
{
    Q_DECLARE_TR_FUNCTIONS(openopd::identity::IdentityService)

public:
    IdentityService(host::ServiceHost& host, IdentitySettings settings);

    static void addMigrations(host::Migrations& migrations);
    // Registers the endpoints and starts the expiry timer; called once the host is ready.
    bool start();

private:
    using Caller = host::Caller;

    // Sign-in checks the back-off, then verifies the password on a worker thread (Argon2id
    // takes a few hundred milliseconds: the other endpoints go on meanwhile) and finishes in
    // finishSignIn() back on the service's thread.
    void signIn(const protocol::SignInRequest& request,
                bus::Replier<protocol::SignInReply> replier);
    struct PendingSignIn
    {
        protocol::SignInRequest request;
        std::optional<store::AccountRow> account;
        bus::Replier<protocol::SignInReply> replier;
    };
    void finishSignIn(quint64 id, bool matches);
    void renew(const Caller& caller, bus::Replier<protocol::SessionReply> replier);
    void signOut(const Caller& caller, bus::Replier<protocol::IdentityDoneReply> replier);
    void changePassword(const protocol::ChangePasswordRequest& request, const Caller& caller,
                        bus::Replier<protocol::IdentityDoneReply> replier);
    void natsUsers(bus::Replier<protocol::NatsUsersReply> replier);
    void listStaff(const Caller& caller, bus::Replier<protocol::StaffListReply> replier);
    void createStaff(const protocol::CreateStaffRequest& request, const Caller& caller,
                     bus::Replier<protocol::StaffAccountReply> replier);
    enum class AdminChange { Disable, Enable, ResetPassword, SetRoles };
    void changeStaff(AdminChange change, const QString& id, const QList<protocol::StaffRole>& roles,
                     const QString& newPassword, const Caller& caller,
                     bus::Replier<protocol::StaffAccountReply> replier);
    void sweep();
    // Publishes opd.identity.internal.changed once the current group of changes is committed.
    void announceChange();

    // The caller's live session (and *why it is refused otherwise: 401 / 503).
    template <class Rep>
    std::optional<store::SessionRow> liveSession(const Caller& caller, bus::Replier<Rep>& replier);

    host::ServiceHost& m_host;
    IdentitySettings m_settings;
    QByteArray m_dummyHash; // verified against for unknown users (same cost as a real one)
    QTimer m_sweepTimer;
    std::map<quint64, PendingSignIn> m_pendingSignIns;
    QSet<QString> m_verifying; // user names with a verification running (one at a time each)
    quint64 m_nextSignIn = 0;
    // Declared last: destroyed first, waiting for running verifications, whose results then
    // have nowhere to go (their queued calls die with m_sweepTimer).
    QThreadPool m_hashPool;
    bool m_announcePending = false;
    int m_sweepTicks = 0;
};

} // namespace openopd::identity
