#pragma once

// One sign-in, start to finish, without ever blocking the thread it lives on
// (docs/protocol.md, "Signing in, and who the actor is"):
//  1. connect as the public sign-in user (SIGNIN account), again up to twice when the server
//     drops the connection in its handshake (it does while it reloads the users);
//  2. request opd.identity.signin with a one-time X25519 reply key;
//  3. open the sealed session password, connect again as the session's NATS user with the
//     inbox prefix _INBOX.<session id>, retrying a refused connection for a few seconds while
//     the authorization agent loads the new session into the server.
// Exactly one of succeeded / failed is emitted. Deleting the attempt cancels it.

#include "access/sealed_reply.h"
#include "bus/connection.h"
#include "core/connection_profile.h"
#include "protocol/identity_api.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QTimer>
#include <memory>

namespace openopd::app {

struct SignInFailure
{
    enum class Kind {
        WrongPassword, // 401: wrong user name or password (the service does not say which)
        Disabled,      // 403: the account is disabled
        Throttled,     // 429: too many failed attempts; retryAfterSeconds says how long
        Unreachable,   // no server answered at the profile's URLs
        Tls,           // the TLS handshake or a certificate/key file failed
        ServiceDown,   // the server is there but the identity service does not answer
        Refused,       // the server did not accept the new session in time
        Other,
    };
    Kind kind = Kind::Other;
    QString message;  // translated, for the user
    QString detail{}; // the bridge's technical text (server address, library reason): for IT
    int retryAfterSeconds = 0;
};

class SignInAttempt final : public QObject
{
    Q_OBJECT
public:
    SignInAttempt(ConnectionProfile profile, QString user, QString password,
                  QObject* parent = nullptr);
    ~SignInAttempt() override;

    void start();
    // After succeeded: the connected session connection (ownership passes to the caller).
    std::unique_ptr<bus::Connection> takeConnection();
    const protocol::SignInReply& reply() const { return m_reply; }

    // Sorts a connection failure into unreachable / TLS / refused from the bridge's error.
    static SignInFailure classifyConnectError(const bus::BusError& error);
    static SignInFailure classifyServiceError(const bus::BusError& error);

Q_SIGNALS:
    void succeeded();
    void failed(const openopd::app::SignInFailure& failure);

private:
    void connectPublic();
    void onPublicState(bus::Connection::State state);
    void requestSignIn();
    void onReply(bus::Result<protocol::SignInReply> reply);
    void connectSession();
    void onSessionState(bus::Connection::State state);
    void fail(SignInFailure failure);

    ConnectionProfile m_profile;
    QString m_user;
    QString m_password;
    access::ReplyKeyPair m_keys;
    std::unique_ptr<bus::Connection> m_public;
    std::unique_ptr<bus::Connection> m_session;
    bus::ConnectionOptions m_sessionOptions;
    protocol::SignInReply m_reply;
    QDeadlineTimer m_sessionDeadline;
    QTimer m_retry;
    QTimer m_publicRetry;
    int m_publicAttempts = 0;
    bool m_finished = false;
};

} // namespace openopd::app

Q_DECLARE_METATYPE(openopd::app::SignInFailure)
