#pragma once

// The identity service as a real process on a real nats-server configured with the three
// accounts of a clinic: SERVICES (the service and an agent-like client, JetStream), STAFF
// (signed-in sessions; the users are the service's live-session list, written into the config
// and reloaded by syncUsers() as openopd-nats-auth would) and SIGNIN (the public sign-in
// user). STAFF and SIGNIN import the identity subjects with share: true, so the server adds
// the Nats-Request-Info header the service host verifies.

#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"
#include "service/service_process.h"
#include "support/nats_server.h"
#include "support/sanitizer_scale.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace openopd::testing::identity {

// A password change under ThreadSanitizer on a loaded machine takes over 10 s (two Argon2id
// runs, each 5-15 times slower than in the dev build): scaled, like the flow tests' waits.
inline constexpr int kRequestTimeoutMs = scaledTimeout(10000);

template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& client, const bus::Endpoint<Req, Rep>& endpoint,
                      const Req& request)
{
    std::optional<bus::Result<Rep>> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(kRequestTimeoutMs);
    bus::request(
        client, endpoint, request, &context, [&reply](bus::Result<Rep> r) { reply = std::move(r); },
        options);
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, kRequestTimeoutMs + 2000))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
    return std::move(*reply);
}

using StaffEvent = protocol::EventEnvelope<protocol::StaffChange>;

// A signed-in session as the client holds it: the reply, and the NATS password opened from
// its nats_password_sealed with the secret key of the request's one-time reply_key.
struct SignedIn : protocol::SignInReply
{
    QString natsPassword;
};

class IdentityEnv
{
public:
    IdentityEnv();
    ~IdentityEnv();
    IdentityEnv(const IdentityEnv&) = delete;
    IdentityEnv& operator=(const IdentityEnv&) = delete;

    // The --db value: a SQLite file in dataDir unless set before createAdmin()/start().
    QString database;

    // Runs `openopd-identity --create-admin id` with the password (plus "\n") on stdin.
    // The exit code (-1 if it did not finish); *output gets what it printed.
    int createAdmin(const QString& id, const QString& password, QString* output = nullptr);
    // nats-server with the accounts, the service (as svc.identity) and the clients.
    bool start(const QStringList& extraArguments = {});
    QString errorString() const { return m_error; }
    QString serviceLog() const;

    // A sign-in as a desktop does it: a fresh key pair, its public key as reply_key, the
    // password opened from the reply (an error result if it does not open).
    bus::Result<SignedIn> signIn(const QString& user, const QString& password);
    bus::Result<protocol::NatsUsersReply> natsUsers();
    // The STAFF users = the service's live sessions; the server reloads its config.
    bool syncUsers();
    // A connection as the signed-in session (call syncUsers() first); null if refused.
    std::unique_ptr<bus::Connection> connectAs(const SignedIn& session);
    // signIn + syncUsers + connectAs; null (and a warning) on any failure.
    std::unique_ptr<bus::Connection> signedIn(const QString& user, const QString& password,
                                              SignedIn* session = nullptr);
    // A connection with these credentials; null when not connected within timeoutMs. With
    // once, a refused connection gives up at once instead of retrying.
    std::unique_ptr<bus::Connection> connect(const QString& user, const QString& password,
                                             int timeoutMs = 5000, bool once = false);
    // Another client of the public sign-in user.
    std::unique_ptr<bus::Connection> connectSignInUser();

    // opd.events.staff.* seen by a SERVICES subscriber, in order; the raw bodies too.
    QList<StaffEvent> events;
    QList<QByteArray> rawEvents;
    // opd.identity.internal.changed notices seen.
    int changedNotices = 0;

    std::unique_ptr<NatsServer> nats;
    QTemporaryDir dataDir;
    std::unique_ptr<ServiceProcess> service;
    std::unique_ptr<bus::Connection> internal; // SERVICES account, like openopd-nats-auth
    std::unique_ptr<bus::Connection> signin;   // SIGNIN account's public user

private:
    QString m_error;
    QObject m_subscriptions;
};

// The last event on subject (nullopt when none).
std::optional<StaffEvent> lastEvent(const QList<StaffEvent>& events, const QByteArray& subject);

} // namespace openopd::testing::identity
