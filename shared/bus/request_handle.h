#pragma once

// Requests as the desktop app makes them: a handle per user action that can be cancelled
// or repeated with the same request id, "latest wins" for search-as-you-type, and typed
// forms over the contracts (contract.h). The busy sign is Connection::requestsInFlight()
// and requestsInFlightChanged(int); a handle also reports its own inFlightChanged(bool).
//
// Threading: a RequestHandle or LatestRequest lives on the connection's thread (the GUI
// thread) and is the context of its request, so its reply handler runs on that thread, only
// while the object exists, and never after cancel(), retry() or a newer send() returned.

#include "bus/connection.h"
#include "bus/contract.h"
#include "bus/reply_decoding.h"

#include <QObject>
#include <QPointer>
#include <concepts>
#include <type_traits>

namespace openopd::bus {

// One user action's request. Sent on construction; owned by the caller (a QObject parent,
// typically the window or view model). Delete it (deleteLater() from its handler is fine)
// when its answer is handled and no retry is wanted: destroying it cancels.
class RequestHandle final : public QObject
{
    Q_OBJECT
public:
    RequestHandle(Connection& connection, QByteArray subject, QByteArray data,
                  RequestOptions options, Connection::ReplyHandler onReply,
                  QObject* parent = nullptr);
    ~RequestHandle() override;
    Q_DISABLE_COPY_MOVE(RequestHandle)

    // The reply handler is not called from now on; the connection frees the waiting entry.
    void cancel();
    // Sends again with the same request id, as a repeat of the same user action (the service
    // answers a repeat of a command it already did with its first answer, header
    // Openopd-Replayed: true). A request still in flight is cancelled first.
    void retry();

    const QByteArray& requestId() const { return m_options.requestId; }
    const QByteArray& subject() const { return m_subject; }
    bool isInFlight() const { return m_inFlight; }
    int attempts() const { return m_attempts; } // sends so far, retries included

Q_SIGNALS:
    void inFlightChanged(bool inFlight);

private:
    void send();
    void setInFlight(bool inFlight);

    QPointer<Connection> m_connection;
    QByteArray m_subject;
    QByteArray m_data;
    RequestOptions m_options;
    Connection::ReplyHandler m_onReply;
    quint64 m_ticket = 0;
    quint64 m_generation = 0; // replies of an older send (before cancel/retry) are dropped
    bool m_inFlight = false;
    int m_attempts = 0;
};

// "Latest wins": each send() cancels the request still in flight, so only the newest one's
// reply is delivered (search-as-you-type). Each send is a new user action with a new id.
class LatestRequest final : public QObject
{
    Q_OBJECT
public:
    explicit LatestRequest(Connection& connection, QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(LatestRequest)

    void send(const QByteArray& subject, const QByteArray& data, Connection::ReplyHandler onReply,
              RequestOptions options = {});
    void cancel();
    bool isInFlight() const { return m_current != nullptr && m_current->isInFlight(); }
    // The newest request (for retry() or requestId()), null before the first send.
    RequestHandle* current() const { return m_current; }
    Connection& connection() const { return *m_connection; }

Q_SIGNALS:
    void inFlightChanged(bool inFlight);

private:
    void drop();

    Connection* m_connection;
    RequestHandle* m_current = nullptr;
};

namespace detail {
template <class Rep, class F> Connection::ReplyHandler typedReplyHandler(F onReply)
{
    return [onReply = std::move(onReply)](Result<Message> reply) mutable {
        onReply(decodeReply<Rep>(std::move(reply)));
    };
}
} // namespace detail

// Typed RequestHandle: onReply(Result<Rep>) with the decoded reply or a typed error.
template <class Req, class Rep, class F>
requires std::invocable<F&, Result<Rep>> && std::copy_constructible<F> RequestHandle*
sendRequest(Connection& connection, const Endpoint<Req, Rep>& endpoint,
            const std::type_identity_t<Req>& req, QObject* parent, F onReply,
            RequestOptions options = {})
{
    return new RequestHandle(connection, endpoint.subjectBytes(), Codec<Req>::encode(req),
                             std::move(options), detail::typedReplyHandler<Rep>(std::move(onReply)),
                             parent);
}

// Typed LatestRequest::send.
template <class Req, class Rep, class F>
requires std::invocable<F&, Result<Rep>> && std::copy_constructible<F>
void sendLatest(LatestRequest& latest, const Endpoint<Req, Rep>& endpoint,
                const std::type_identity_t<Req>& req, F onReply, RequestOptions options = {})
{
    latest.send(endpoint.subjectBytes(), Codec<Req>::encode(req),
                detail::typedReplyHandler<Rep>(std::move(onReply)), std::move(options));
}

} // namespace openopd::bus
