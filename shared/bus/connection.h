#pragma once

#include "bus/connection_options.h"
#include "bus/error.h"
#include "bus/message.h"
#include "bus/result.h"
#include "bus/subscription.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

typedef struct __natsConnection natsConnection;

namespace openopd::bus {

namespace detail {
class ConnectionEvents;
class RequestMux;
} // namespace detail

struct RequestOptions
{
    std::chrono::milliseconds timeout{5000};
    Headers headers;
    // Sent as the Openopd-Request-Id header (request_id.h). Empty: a fresh random id (or one
    // already in headers). Send the same id again to repeat the same user action: the service
    // answers a repeat with its first answer (marked Openopd-Replayed: true) instead of acting
    // twice. An invalid id fails the request with a DecodeError naming the header.
    QByteArray requestId;
};

// The bridge's one connection: owns the natsConnection and lives on one thread (the
// "owner thread", normally the GUI thread). Nothing here blocks that thread: connecting
// runs on a helper thread, closing on another (detail::Teardown), publishes are
// non-blocking writes, and every nats.c callback is handed over by a queued call. See
// docs/threading.md.
class Connection final : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
public:
    enum class State { Disconnected, Connecting, Connected, Reconnecting, Closed };
    Q_ENUM(State)

    using ReplyHandler = std::function<void(Result<Message>)>;

    explicit Connection(ConnectionOptions options, QObject* parent = nullptr);
    ~Connection() override;
    Q_DISABLE_COPY_MOVE(Connection)

    // Starts connecting in the background; state() follows. Calling it again after
    // Closed reconnects with the same options (a fresh nats.c connection; nothing of the
    // previous one can change state() any more).
    void open();
    // Closes at once, also while Connecting (the attempt's result is discarded): state() is
    // Closed on return, pending requests fail with ConnectionClosed, subscriptions become
    // inactive until the next open(). Never waits for nats.c.
    void close();

    State state() const { return m_state; }
    BusError lastError() const { return m_lastError; }
    const ConnectionOptions& options() const { return m_options; }
    QString connectedUrl() const;

    // Messages on subject are handed to handler on owner's thread; the subscription ends
    // when owner is destroyed. Same thread as this object: the subscription is owner's child.
    // Another thread: it is this object's child, and messages cross to owner's thread
    // through the same bounded mailbox (drop-oldest, counted). A null owner means this
    // object. It starts as soon as the connection exists.
    Subscription* subscribe(const QByteArray& subject, QObject* owner,
                            Subscription::Handler handler, SubscriptionOptions options = {});
    // Non-blocking publish. NotConnected at once while the link is down (unless
    // ConnectionOptions::reconnectBufferBytes lets nats.c buffer it); an error when nats.c
    // refuses it.
    BusError publish(const QByteArray& subject, const QByteArray& data, const Headers& headers = {},
                     const QByteArray& reply = {});
    // Asynchronous request: exactly one call of onReply, on context's thread, with the reply
    // or a transport error (timeout, no responders, closed, permission). If context is
    // destroyed first, nothing is called. A null context means this object's thread. Every
    // request carries a request id (RequestOptions::requestId). Returns a ticket for
    // cancelRequest(); 0 when it failed at once (onReply still hears of it, later).
    quint64 request(const QByteArray& subject, const QByteArray& data,
                    const RequestOptions& options, QObject* context, ReplyHandler onReply);
    // Forgets a waiting request: its onReply is not called from now on and its entry and
    // timer are freed. A reply already posted to a context on another thread may still run
    // (RequestHandle guards against that). Unknown or finished tickets are ignored.
    void cancelRequest(quint64 ticket);
    // Requests sent and not yet answered, timed out, failed or cancelled (for a busy sign).
    int requestsInFlight() const;
    // 128 random bits, base64url without padding (22 characters): a new user action's id.
    static QByteArray newRequestId();
    // A unique inbox subject for this connection (for pull consumers and the like):
    // "<options().inboxPrefix or _INBOX>.<nuid>". Empty when the prefix is invalid.
    QByteArray newInbox() const;

Q_SIGNALS:
    void stateChanged(openopd::bus::Connection::State state);
    void errorOccurred(const openopd::bus::BusError& error);
    // requestsInFlight() changed (emitted on this object's thread).
    void requestsInFlightChanged(int count);

private:
    friend class Subscription;
    friend class detail::ConnectionEvents;

    void forgetSubscription(Subscription* subscription);
    void onConnectFinished(int status, const QString& errorText);
    void onNatsConnected();
    void onNatsDisconnected();
    void onNatsReconnected();
    void onNatsClosed(const QString& reason);
    void onNatsError(int status, const QString& text, quintptr natsSubscription);
    void teardown();
    void attachAll();
    void setState(State state);
    void reportError(const BusError& error);

    ConnectionOptions m_options;
    QByteArray m_inboxPrefix; // the effective prefix; empty when options.inboxPrefix is invalid
    State m_state = State::Disconnected;
    bool m_closeRequested = false; // close() was called: closing is not an error
    BusError m_lastError;
    natsConnection* m_nc = nullptr;
    quint64 m_generation = 0; // one per open(): events of older connections are ignored
    std::shared_ptr<detail::ConnectionEvents> m_events;
    std::thread m_connectThread;
    detail::RequestMux* m_mux = nullptr;
    QList<QPointer<Subscription>> m_subscriptions;
};

} // namespace openopd::bus
