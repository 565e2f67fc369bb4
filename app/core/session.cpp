#include "core/session.h"

#include "bus/typed.h"
#include "protocol/endpoints.h"

#include <algorithm>

namespace openopd::app {

namespace {
constexpr qint64 kMinRenewDelayMs = 10'000;
constexpr qint64 kRenewRetryMs = 15'000;
} // namespace

Session::Session(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<SignInFailure>();
    m_renewTimer.setSingleShot(true);
    connect(&m_renewTimer, &QTimer::timeout, this, &Session::renew);
}

Session::~Session()
{
    delete m_attempt;
    if (m_connection)
        m_connection->close();
}

bus::Connection::State Session::connectionState() const
{
    return m_connection ? m_connection->state() : bus::Connection::State::Closed;
}

void Session::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

void Session::signIn(const ConnectionProfile& profile, const QString& user, const QString& password)
{
    if (m_phase != Phase::SignedOut)
        return;
    m_profile = profile;
    m_attempt = new SignInAttempt(profile, user.trimmed(), password, this);
    connect(m_attempt, &SignInAttempt::succeeded, this, &Session::onAttemptSucceeded);
    connect(m_attempt, &SignInAttempt::failed, this, &Session::onAttemptFailed);
    setPhase(Phase::SigningIn);
    m_attempt->start();
}

void Session::cancelSignIn()
{
    if (m_phase != Phase::SigningIn)
        return;
    m_attempt->deleteLater();
    m_attempt = nullptr;
    setPhase(Phase::SignedOut);
}

void Session::onAttemptSucceeded()
{
    const protocol::StaffSession& staff = m_attempt->reply().session;
    m_principal = access::StaffPrincipal{staff.staffId, staff.roles, staff.id, staff.displayName};
    m_expiresAt = staff.expiresAt;
    m_connection = m_attempt->takeConnection();
    m_attempt->deleteLater();
    m_attempt = nullptr;
    connect(m_connection.get(), &bus::Connection::stateChanged, this, &Session::onConnectionState);
    connect(m_connection.get(), &bus::Connection::requestsInFlightChanged, this,
            &Session::requestsInFlightChanged);
    connect(m_connection.get(), &bus::Connection::errorOccurred, this,
            [this](const bus::BusError& error) { Q_EMIT notice(error.toString()); });
    m_renewRequestId.clear();
    scheduleRenew();
    setPhase(Phase::SignedIn);
    Q_EMIT connectionStateChanged(m_connection->state());
    Q_EMIT signedIn();
}

void Session::onAttemptFailed(const SignInFailure& failure)
{
    m_attempt->deleteLater();
    m_attempt = nullptr;
    setPhase(Phase::SignedOut);
    Q_EMIT signInFailed(failure);
}

void Session::onConnectionState(bus::Connection::State state)
{
    Q_EMIT connectionStateChanged(state);
    // Closed without signOut(): the server ended the session (expired, disabled, signed out
    // elsewhere) and refuses its credentials from now on.
    if (state == bus::Connection::State::Closed && m_phase == Phase::SignedIn)
        endLocally(tr("The server ended your session (it expired, or the account was changed "
                      "or disabled). Sign in again."));
}

void Session::scheduleRenew()
{
    if (!m_expiresAt.isValid())
        return;
    // Renew when two thirds of the remaining time have passed.
    const qint64 left = QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt);
    const qint64 delay = std::clamp<qint64>(left * 2 / 3, kMinRenewDelayMs, 24LL * 3600 * 1000);
    m_renewTimer.start(std::chrono::milliseconds(delay));
}

void Session::renew()
{
    if (m_phase != Phase::SignedIn || !m_connection)
        return;
    if (m_renewRequestId.isEmpty())
        m_renewRequestId = bus::Connection::newRequestId();
    bus::RequestOptions options;
    options.requestId = m_renewRequestId;
    bus::request(
        *m_connection, protocol::kRenewSession, protocol::IdentityEmptyRequest{},
        m_connection.get(),
        [this](bus::Result<protocol::SessionReply> reply) {
            if (reply.ok()) {
                m_renewRequestId.clear();
                m_expiresAt = reply->session.expiresAt;
                scheduleRenew();
                return;
            }
            // Renewing twice does no harm, and the same id makes a repeat cheap; keep trying
            // while the session lasts.
            const bus::BusError error = reply.error();
            if (error.kind == bus::BusError::Kind::ServiceError && error.code != 503 &&
                !error.outcomeUnknown)
                m_renewRequestId.clear();
            Q_EMIT notice(
                tr("The session could not be renewed yet (%1); trying again.").arg(error.message));
            m_renewTimer.start(std::chrono::milliseconds(kRenewRetryMs));
        },
        options);
}

void Session::signOut()
{
    if (m_phase == Phase::SigningIn) {
        cancelSignIn();
        return;
    }
    if (m_phase != Phase::SignedIn)
        return;
    bus::Connection* leaving = m_connection.release();
    QObject::disconnect(leaving, nullptr, this, nullptr);
    bus::RequestOptions options;
    options.timeout = std::chrono::seconds(5);
    options.requestId = bus::Connection::newRequestId();
    // The connection lives on until the server answered (or the request failed), then goes.
    bus::request(
        *leaving, protocol::kSignOut, protocol::IdentityEmptyRequest{}, leaving,
        [leaving](const bus::Result<protocol::IdentityDoneReply>&) {
            leaving->close();
            leaving->deleteLater();
        },
        options);
    endLocally({});
}

void Session::endLocally(const QString& reason)
{
    m_renewTimer.stop();
    if (m_connection) {
        QObject::disconnect(m_connection.get(), nullptr, this, nullptr);
        m_connection->close();
        m_connection.release()->deleteLater();
    }
    m_principal = {};
    m_expiresAt = {};
    setPhase(Phase::SignedOut);
    Q_EMIT connectionStateChanged(bus::Connection::State::Closed);
    Q_EMIT signedOut(reason);
}

} // namespace openopd::app
