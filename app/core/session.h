#pragma once

// The signed-in staff member and the app's one bus::Connection (docs/architecture.md,
// "Desktop app"). Signing in, renewing and signing out are asynchronous: nothing here blocks
// the thread the session lives on (the GUI thread). Workspaces get the session and use
// connection() for their requests; they never keep the connection beyond signedOut.

#include "access/staff_principal.h"
#include "bus/connection.h"
#include "core/connection_profile.h"
#include "core/sign_in_attempt.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <memory>

namespace openopd::app {

class Session final : public QObject
{
    Q_OBJECT
public:
    enum class Phase { SignedOut, SigningIn, SignedIn };
    Q_ENUM(Phase)

    explicit Session(QObject* parent = nullptr);
    ~Session() override;
    Q_DISABLE_COPY_MOVE(Session)

    // Starts signing in (signedIn or signInFailed follows). Ignored unless SignedOut.
    void signIn(const ConnectionProfile& profile, const QString& user, const QString& password);
    // Gives up a sign-in in progress (nothing is emitted for it).
    void cancelSignIn();
    // Ends the session on the server (opd.identity.session.signout, with a request id) and
    // here at once: signedOut follows immediately, the connection is closed once the server
    // answered or the request failed.
    void signOut();

    Phase phase() const { return m_phase; }
    const access::StaffPrincipal& principal() const { return m_principal; }
    QDateTime expiresAt() const { return m_expiresAt; }
    const ConnectionProfile& profile() const { return m_profile; }
    // The session's connection while signed in, else nullptr.
    bus::Connection* connection() const { return m_connection.get(); }
    bus::Connection::State connectionState() const;
    // Posts a message for the main window's notification banner (workspaces report
    // errors this way, without a modal dialog). message is translated.
    void notify(const QString& message) { Q_EMIT notice(message); }

Q_SIGNALS:
    void phaseChanged(openopd::app::Session::Phase phase);
    void signedIn();
    void signInFailed(const openopd::app::SignInFailure& failure);
    // reason is empty when the user signed out, else why the session ended (translated).
    void signedOut(const QString& reason);
    void connectionStateChanged(openopd::bus::Connection::State state);
    void requestsInFlightChanged(int count);
    // Something the user should know about, shown without a modal dialog (translated).
    void notice(const QString& message);

private:
    void setPhase(Phase phase);
    void onAttemptSucceeded();
    void onAttemptFailed(const SignInFailure& failure);
    void onConnectionState(bus::Connection::State state);
    void scheduleRenew();
    void renew();
    void endLocally(const QString& reason);

    Phase m_phase = Phase::SignedOut;
    ConnectionProfile m_profile;
    access::StaffPrincipal m_principal;
    QDateTime m_expiresAt;
    QPointer<SignInAttempt> m_attempt;
    std::unique_ptr<bus::Connection> m_connection;
    QTimer m_renewTimer;
    // A renew whose outcome is unknown is repeated with the same id (the service answers a
    // repeat with its first answer); a fresh renew gets a fresh id.
    QByteArray m_renewRequestId;
};

} // namespace openopd::app
