#include "core/sign_in_attempt.h"

#include "bus/typed.h"
#include "protocol/endpoints.h"

#include <QRegularExpression>

namespace openopd::app {

namespace {

// The public sign-in user of the SIGNIN account (docs/protocol.md): it can reach nothing but
// opd.identity.signin, so its password is no secret.
constexpr auto kSignInUser = "signin";
constexpr auto kSignInPassword = "signin";
// How long the server may take to learn a new session (the agent reloads it): "retry a
// refused connection for up to 5 s", with a wide margin: on a loaded machine (CI running the
// whole suite) 8 s was once not enough, and the dialog shows progress meanwhile.
constexpr int kSessionAcceptMs = 15000;
constexpr int kRetryMs = 200;
// nats-server re-checks every connection when the agent reloads the users (each sign-in and
// sign-out does), and drops one still in its handshake: "Expected 'PONG', got ''" (seen in
// CI while another user's session was loaded). Those are tried again; a server that is not
// there costs the person at the desk 0.6 s more before being told.
constexpr int kPublicAttempts = 3;
constexpr int kPublicRetryMs = 300;

// A bridge object must not be deleted inside one of its own signals: let the event loop do it.
void dispose(std::unique_ptr<bus::Connection>& connection)
{
    if (!connection)
        return;
    QObject::disconnect(connection.get(), nullptr, nullptr, nullptr);
    connection->close();
    connection.release()->deleteLater();
}

bool mentionsTls(const QString& text)
{
    static const char* const kWords[] = {"ssl", "tls", "certificate", "handshake", "x509"};
    const QString lower = text.toLower();
    return std::any_of(std::begin(kWords), std::end(kWords),
                       [&](const char* word) { return lower.contains(QLatin1String(word)); });
}

} // namespace

SignInAttempt::SignInAttempt(ConnectionProfile profile, QString user, QString password,
                             QObject* parent)
    : QObject(parent), m_profile(std::move(profile)), m_user(std::move(user)),
      m_password(std::move(password))
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(kRetryMs);
    connect(&m_retry, &QTimer::timeout, this, &SignInAttempt::connectSession);
    m_publicRetry.setSingleShot(true);
    m_publicRetry.setInterval(kPublicRetryMs);
    connect(&m_publicRetry, &QTimer::timeout, this, &SignInAttempt::connectPublic);
}

SignInAttempt::~SignInAttempt()
{
    m_password.fill(QChar(u'\0'));
    dispose(m_public);
    dispose(m_session);
}

void SignInAttempt::start()
{
    connectPublic();
}

void SignInAttempt::connectPublic()
{
    if (m_finished)
        return;
    dispose(m_public);
    ++m_publicAttempts;
    bus::ConnectionOptions options = m_profile.connectionOptions();
    options.name = QStringLiteral("openopd-signin");
    options.user = QString::fromLatin1(kSignInUser);
    options.password = QString::fromLatin1(kSignInPassword);
    options.retryOnFailedConnect = false; // an unreachable server is reported, not waited on
    options.maxReconnect = 0;
    m_public = std::make_unique<bus::Connection>(options);
    connect(m_public.get(), &bus::Connection::stateChanged, this, &SignInAttempt::onPublicState);
    m_public->open();
}

std::unique_ptr<bus::Connection> SignInAttempt::takeConnection()
{
    if (m_session)
        QObject::disconnect(m_session.get(), nullptr, this, nullptr);
    return std::move(m_session);
}

void SignInAttempt::onPublicState(bus::Connection::State state)
{
    if (m_finished)
        return;
    if (state == bus::Connection::State::Connected)
        requestSignIn();
    else if (state == bus::Connection::State::Closed) {
        const SignInFailure failure = classifyConnectError(m_public->lastError());
        const bool mayPass = failure.kind == SignInFailure::Kind::Unreachable ||
                             failure.kind == SignInFailure::Kind::Refused;
        if (mayPass && m_publicAttempts < kPublicAttempts)
            m_publicRetry.start();
        else
            fail(failure);
    }
}

void SignInAttempt::requestSignIn()
{
    m_keys = access::ReplyKeyPair::generate();
    if (!m_keys.isValid()) {
        fail({SignInFailure::Kind::Other, tr("This computer cannot make the sign-in key "
                                             "(libsodium is not working).")});
        return;
    }
    bus::RequestOptions options;
    options.timeout = std::chrono::seconds(10); // Argon2id on a busy server takes a moment
    bus::request(
        *m_public, protocol::kSignIn, protocol::SignInRequest{m_user, m_password, m_keys.publicKey},
        this, [this](bus::Result<protocol::SignInReply> reply) { onReply(std::move(reply)); },
        options);
    m_password.fill(QChar(u'\0'));
    m_password.clear();
}

void SignInAttempt::onReply(bus::Result<protocol::SignInReply> reply)
{
    if (m_finished)
        return;
    if (!reply.ok()) {
        fail(classifyServiceError(reply.error()));
        return;
    }
    m_reply = std::move(reply).value();
    std::optional<QByteArray> natsPassword = access::openSealed(m_reply.natsPasswordSealed, m_keys);
    m_keys = access::ReplyKeyPair(); // one-time: forget it now
    if (!natsPassword) {
        fail({SignInFailure::Kind::Other,
              tr("The server's answer could not be opened. Try again; if it keeps happening, "
                 "tell the administrator.")});
        return;
    }
    m_sessionOptions = m_profile.connectionOptions();
    m_sessionOptions.name = QStringLiteral("openopd-") + m_user;
    m_sessionOptions.user = m_reply.natsUser;
    m_sessionOptions.password = QString::fromUtf8(*natsPassword);
    access::wipe(*natsPassword);
    // A session may read replies only under its own inbox (docs/protocol.md).
    m_sessionOptions.inboxPrefix = "_INBOX." + m_reply.session.id.toLatin1();
    m_sessionOptions.retryOnFailedConnect = false; // refused until the agent loads the session
    m_sessionDeadline = QDeadlineTimer(kSessionAcceptMs);
    dispose(m_public);
    connectSession();
}

void SignInAttempt::connectSession()
{
    if (m_finished)
        return;
    dispose(m_session);
    m_session = std::make_unique<bus::Connection>(m_sessionOptions);
    connect(m_session.get(), &bus::Connection::stateChanged, this, &SignInAttempt::onSessionState);
    m_session->open();
}

void SignInAttempt::onSessionState(bus::Connection::State state)
{
    if (m_finished)
        return;
    if (state == bus::Connection::State::Connected) {
        m_finished = true;
        m_sessionOptions.password.fill(QChar(u'\0'));
        QObject::disconnect(m_session.get(), nullptr, this, nullptr);
        Q_EMIT succeeded();
        return;
    }
    if (state != bus::Connection::State::Closed)
        return;
    if (!m_sessionDeadline.hasExpired()) {
        m_retry.start(); // not loaded yet (Authorization Violation): connect again shortly
        return;
    }
    SignInFailure failure = classifyConnectError(m_session->lastError());
    if (failure.kind == SignInFailure::Kind::Other || failure.kind == SignInFailure::Kind::Refused)
        failure = {SignInFailure::Kind::Refused,
                   tr("Your password was accepted, but the server did not let the session in. "
                      "The sign-in service may be overloaded: try again in a minute."),
                   failure.detail};
    else if (failure.kind == SignInFailure::Kind::Unreachable)
        // The server answered the sign-in moments ago: "check the cable" would mislead.
        failure = {SignInFailure::Kind::Unreachable,
                   tr("Your password was accepted, but the connection to the server was lost "
                      "while the session started. Try again; if it keeps happening, tell "
                      "whoever runs the server."),
                   failure.detail};
    fail(failure);
}

void SignInAttempt::fail(SignInFailure failure)
{
    if (m_finished)
        return;
    m_finished = true;
    m_retry.stop();
    m_publicRetry.stop();
    dispose(m_public);
    dispose(m_session);
    Q_EMIT failed(failure);
}

SignInFailure SignInAttempt::classifyConnectError(const bus::BusError& error)
{
    using Kind = bus::BusError::Kind;
    const QString detail = error.message;
    if (mentionsTls(detail))
        return {SignInFailure::Kind::Tls,
                // The detail names the certificate file or the reason: whoever set the
                // profile up needs it to fix it.
                tr("The secure connection to the server failed: its certificate was not "
                   "accepted, or this computer's certificate or key could not be used. Check "
                   "the connection profile's certificate files. (%1)")
                    .arg(detail),
                detail};
    if (error.kind == Kind::ConfigurationError)
        return {SignInFailure::Kind::Tls,
                tr("The connection profile cannot be used: %1").arg(detail), detail};
    if (detail.contains(u"Authorization", Qt::CaseInsensitive))
        return {SignInFailure::Kind::Refused,
                tr("The server refused the connection (authorization). Check that the "
                   "connection profile points at this clinic's server."),
                detail};
    return {SignInFailure::Kind::Unreachable,
            tr("The server cannot be reached. Check the network cable or Wi-Fi and that the "
               "server is running, then try again."),
            detail};
}

SignInFailure SignInAttempt::classifyServiceError(const bus::BusError& error)
{
    using Kind = bus::BusError::Kind;
    if (error.kind == Kind::ServiceError) {
        switch (error.code) {
        case 401:
            return {SignInFailure::Kind::WrongPassword,
                    tr("Wrong user name or password. Check both and try again.")};
        case 403:
            return {SignInFailure::Kind::Disabled,
                    tr("This account is disabled. Ask the administrator to enable it.")};
        case 429: {
            SignInFailure failure{SignInFailure::Kind::Throttled, {}};
            // The message carries "retry_after_s=<seconds>" (followed by ")" today).
            static const QRegularExpression kRetryAfter(QStringLiteral("retry_after_s=(\\d+)"));
            const QRegularExpressionMatch match = kRetryAfter.match(error.message);
            if (match.hasMatch())
                failure.retryAfterSeconds = match.captured(1).toInt();
            failure.message = tr("Too many failed attempts for this user name. Wait %n "
                                 "second(s), then try again.",
                                 nullptr, std::max(1, failure.retryAfterSeconds));
            return failure;
        }
        default:
            break;
        }
    }
    if (error.kind == Kind::NoResponders || error.kind == Kind::Timeout)
        return {SignInFailure::Kind::ServiceDown,
                tr("The server is reachable, but its sign-in service does not answer. Ask "
                   "the administrator to check the identity service.")};
    if (error.kind == Kind::ConnectionClosed || error.kind == Kind::NotConnected)
        return {SignInFailure::Kind::Unreachable,
                tr("The connection to the server was lost while signing in. Try again.")};
    return {SignInFailure::Kind::Other, tr("Sign-in failed: %1").arg(error.message)};
}

} // namespace openopd::app
