#include "bus/connection.h"

#include "bus/connection_events.h"
#include "bus/nats_message.h"
#include "bus/nats_options_builder.h"
#include "bus/request_mux.h"

#include <QRegularExpression>
#include <nats/nats.h>

namespace openopd::bus {
namespace {

// "Permissions Violation for Publish to "opd.x"" -> ("Publish", "opd.x")
std::pair<QString, QByteArray> parsePermissionViolation(const QString& text)
{
    static const QRegularExpression pattern(
        QString::fromLatin1(
            R"re(Permissions Violation for (Publish|Subscription) to "?([^"\s]+)"?)re"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return {};
    return {match.captured(1).toLower(), match.captured(2).toUtf8()};
}

} // namespace

Connection::Connection(ConnectionOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)),
      m_inboxPrefix(detail::effectiveInboxPrefix(m_options.inboxPrefix))
{
    qRegisterMetaType<BusError>();
    qRegisterMetaType<Message>();
    m_mux = new detail::RequestMux(this);
    m_mux->start();
}

Connection::~Connection()
{
    teardown();
    delete m_mux; // its inbox subscription unregisters while we are still whole
    m_mux = nullptr;
    for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            subscription->m_connection = nullptr;
}

// Hands the current nats.c connection (or the attempt still connecting) to a background
// thread that closes and frees it: the owner thread never waits for nats.c. From here on
// nothing of it reaches this object (detached events, new generation on the next open).
void Connection::teardown()
{
    detail::Teardown teardown;
    teardown.connectThread = std::move(m_connectThread);
    teardown.events = std::move(m_events);
    teardown.nc = std::exchange(m_nc, nullptr);
    if (teardown.events)
        teardown.events->detach();
    for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            if (natsSubscription* sub = subscription->takeForTeardown())
                teardown.subscriptions.push_back(sub);
    detail::finishInBackground(std::move(teardown));
}

void Connection::open()
{
    if (m_state != State::Disconnected && m_state != State::Closed)
        return;
    teardown(); // after nats.c gave up (Closed by itself): start from a fresh connection
    m_closeRequested = false;
    ++m_generation;
    m_events = std::make_shared<detail::ConnectionEvents>(this, m_generation);

    const detail::NatsCallbacks callbacks{
        detail::ConnectionEvents::onConnected,   detail::ConnectionEvents::onDisconnected,
        detail::ConnectionEvents::onReconnected, detail::ConnectionEvents::onClosed,
        detail::ConnectionEvents::onError,       m_events.get()};
    BusError error;
    natsOptions* opts = detail::buildNatsOptions(m_options, callbacks, &error);
    if (opts == nullptr) {
        reportError(error);
        setState(State::Closed);
        return;
    }
    setState(State::Connecting);
    // natsConnection_Connect blocks for the first attempt (DNS, TCP, TLS): keep it off the
    // owner thread. The helper touches no QObject; ConnectionEvents posts the result.
    m_connectThread = std::thread([events = m_events, opts] {
        natsConnection* nc = nullptr;
        const natsStatus status = natsConnection_Connect(&nc, opts);
        QString text;
        if (status != NATS_OK && status != NATS_NOT_YET_CONNECTED)
            text = QString::fromUtf8(nats_GetLastError(nullptr));
        natsOptions_Destroy(opts);
        events->connectFinished(nc, status, text);
        nats_ReleaseThreadMemory();
    });
}

void Connection::close()
{
    m_closeRequested = true;
    teardown(); // also cancels an attempt still connecting: its result is closed unused
    m_mux->failAll(BusError::make(BusError::Kind::ConnectionClosed, tr("the connection closed")));
    setState(State::Closed);
}

void Connection::onConnectFinished(int status, const QString& errorText)
{
    if (m_connectThread.joinable())
        m_connectThread.join(); // it posted this as its last step: it is ending now
    m_nc = m_events->takeConnected();
    if (m_nc == nullptr) {
        reportError(BusError::make(
            BusError::Kind::NotConnected,
            tr("cannot connect to %1: %2")
                .arg(m_options.servers.join(u','),
                     errorText.isEmpty() ? detail::natsErrorText(static_cast<natsStatus>(status))
                                         : errorText)));
        setState(State::Closed);
        return;
    }
    attachAll();
    if (status == NATS_OK || natsConnection_Status(m_nc) == NATS_CONN_STATUS_CONNECTED)
        setState(State::Connected);
}

void Connection::attachAll()
{
    for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            subscription->attach(m_nc);
}

void Connection::onNatsConnected()
{
    if (m_state == State::Connecting)
        setState(State::Connected);
}

void Connection::onNatsDisconnected()
{
    if (m_state == State::Connected)
        setState(State::Reconnecting);
}

void Connection::onNatsReconnected()
{
    if (m_state == State::Closed)
        return;
    // nats.c subscribed again: a refusal may be lifted now (the server says so if not).
    for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            subscription->clearDenied();
    setState(State::Connected);
}

void Connection::onNatsClosed(const QString& reason)
{
    // nats.c gave up by itself (close() detaches first, so its own close never gets here).
    m_mux->failAll(BusError::make(BusError::Kind::ConnectionClosed, tr("the connection closed")));
    if (!m_closeRequested && m_state != State::Closed)
        reportError(
            BusError::make(BusError::Kind::NotConnected,
                           tr("gave up connecting to %1: %2")
                               .arg(m_options.servers.join(u','),
                                    reason.isEmpty() ? tr("no server available") : reason)));
    for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            subscription->m_denied = true; // inactive: nothing arrives any more
    setState(State::Closed);
}

void Connection::onNatsError(int status, const QString& text, quintptr natsSubscription)
{
    if (status == NATS_SLOW_CONSUMER) {
        for (const QPointer<Subscription>& subscription : std::as_const(m_subscriptions))
            if (subscription && subscription->matches(natsSubscription)) {
                reportError(BusError::make(BusError::Kind::SlowConsumer,
                                           tr("messages dropped: the reader fell behind"),
                                           subscription->subject()));
                subscription->reportDropped();
                return;
            }
        reportError(BusError::make(BusError::Kind::SlowConsumer, text));
        return;
    }
    if (status != NATS_NOT_PERMITTED) {
        reportError(BusError::make(BusError::Kind::ServerError, text));
        return;
    }
    const auto [operation, subject] = parsePermissionViolation(text);
    BusError error = BusError::make(BusError::Kind::PermissionDenied,
                                    operation == QStringLiteral("subscription")
                                        ? tr("not allowed to subscribe to this subject")
                                        : tr("not allowed to publish to this subject"),
                                    subject, 403);
    reportError(error);
    if (operation == QStringLiteral("publish")) {
        m_mux->failSubject(subject, error);
        return;
    }
    // Copied: a failed() handler may create or destroy subscriptions.
    const QList<QPointer<Subscription>> subscriptions = m_subscriptions;
    for (const QPointer<Subscription>& subscription : subscriptions)
        if (subscription && subscription->subject() == subject)
            subscription->setDenied(error);
}

void Connection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Connection::reportError(const BusError& error)
{
    m_lastError = error;
    Q_EMIT errorOccurred(error);
}

QString Connection::connectedUrl() const
{
    if (m_nc == nullptr)
        return {};
    char buffer[512] = {};
    if (natsConnection_GetConnectedUrl(m_nc, buffer, sizeof(buffer)) != NATS_OK)
        return {};
    return QString::fromUtf8(buffer);
}

Subscription* Connection::subscribe(const QByteArray& subject, QObject* owner,
                                    Subscription::Handler handler, SubscriptionOptions options)
{
    QObject* receiver = owner != nullptr ? owner : this;
    QObject* parent = receiver->thread() == thread() ? receiver : this;
    auto* subscription =
        new Subscription(this, subject, std::move(options), std::move(handler), parent, receiver);
    m_subscriptions.append(subscription);
    if (m_nc != nullptr)
        subscription->attach(m_nc);
    return subscription;
}

void Connection::forgetSubscription(Subscription* subscription)
{
    m_subscriptions.removeIf([subscription](const QPointer<Subscription>& entry) {
        return entry.isNull() || entry.data() == subscription;
    });
}

BusError Connection::publish(const QByteArray& subject, const QByteArray& data,
                             const Headers& headers, const QByteArray& reply)
{
    if (m_nc == nullptr)
        return BusError::make(BusError::Kind::NotConnected,
                              tr("not connected to the message server"), subject);
    // nats.c would keep it for after the reconnect; the caller must hear "failed" now and
    // be sure it is never sent (ConnectionOptions::reconnectBufferBytes).
    if (m_options.reconnectBufferBytes <= 0 &&
        natsConnection_Status(m_nc) != NATS_CONN_STATUS_CONNECTED)
        return BusError::make(BusError::Kind::NotConnected,
                              tr("not connected to the message server (reconnecting)"), subject);
    natsStatus status = NATS_OK;
    if (!headers.isEmpty()) {
        natsMsg* msg = nullptr;
        status = detail::createNatsMsg(&msg, subject, reply, data, headers);
        if (status == NATS_OK)
            status = natsConnection_PublishMsg(m_nc, msg);
        natsMsg_Destroy(msg);
    } else if (reply.isEmpty()) {
        status = natsConnection_Publish(m_nc, subject.constData(), data.constData(),
                                        static_cast<int>(data.size()));
    } else {
        status = natsConnection_PublishRequest(m_nc, subject.constData(), reply.constData(),
                                               data.constData(), static_cast<int>(data.size()));
    }
    if (status == NATS_OK)
        return {};
    return BusError::make(status == NATS_CONNECTION_CLOSED ? BusError::Kind::ConnectionClosed
                                                           : BusError::Kind::PublishFailed,
                          detail::natsErrorText(status), subject);
}

quint64 Connection::request(const QByteArray& subject, const QByteArray& data,
                            const RequestOptions& options, QObject* context, ReplyHandler onReply)
{
    return m_mux->send(subject, data, options, context, std::move(onReply));
}

QByteArray Connection::newInbox() const
{
    if (m_inboxPrefix.isEmpty())
        return {}; // invalid prefix: open() refuses it and says why
    natsInbox* inbox = nullptr;
    if (natsInbox_Create(&inbox) != NATS_OK)
        return {};
    // natsInbox_Create always makes "_INBOX.<nuid>" (it ignores the custom prefix option):
    // keep the unique part.
    const QByteArray created(inbox);
    natsInbox_Destroy(inbox);
    const qsizetype dot = created.indexOf('.');
    if (dot < 0)
        return {};
    return m_inboxPrefix + created.mid(dot);
}

} // namespace openopd::bus
