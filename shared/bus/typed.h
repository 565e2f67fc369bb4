#pragma once

// The typed face of the bridge: requests, events, routes and services checked by the
// compiler against the contracts declared once (see contract.h).

#include "bus/connection.h"
#include "bus/contract.h"
#include "bus/replier.h"
#include "bus/reply_decoding.h"
#include "bus/time_ordered_id.h"

#include <QDebug>
#include <algorithm>
#include <concepts>
#include <type_traits>

namespace openopd::bus {

// Sends req to the endpoint; onReply(Result<Rep>) runs once on context's thread with the
// decoded reply or a typed error. Nothing runs if context is destroyed first. A null
// context means the connection's thread.
template <class Req, class Rep, class F>
requires std::invocable<F&, Result<Rep>> && std::copy_constructible<F>
void request(Connection& connection, const Endpoint<Req, Rep>& endpoint,
             const std::type_identity_t<Req>& req, QObject* context, F onReply,
             RequestOptions options = {})
{
    connection.request(endpoint.subjectBytes(), Codec<Req>::encode(req), options, context,
                       [onReply = std::move(onReply)](Result<Message> reply) mutable {
                           onReply(decodeReply<Rep>(std::move(reply)));
                       });
}

namespace detail {

// Events on opd.events.* go into a JetStream stream: a fresh Nats-Msg-Id per message lets
// the stream drop a resend of the same message within its duplicate window.
inline Headers eventHeaders(const QByteArray& subject, Headers headers)
{
    if (subject.startsWith("opd.events.") &&
        std::none_of(headers.cbegin(), headers.cend(),
                     [](const Header& h) { return h.first == kMsgIdHeader; }))
        headers.append({kMsgIdHeader, timeOrderedUuid()});
    return headers;
}

} // namespace detail

// Publishes payload as event (a contract constant without wildcards: see PublishableEvent).
template <class Payload>
BusError publish(Connection& connection, std::type_identity_t<PublishableEvent<Payload>> event,
                 const Payload& payload, const Headers& headers = {})
{
    const QByteArray subject = event.event.subjectBytes();
    return connection.publish(subject, Codec<Payload>::encode(payload),
                              detail::eventHeaders(subject, headers));
}

// onEvent(const Payload&) runs on context's thread for each valid event; invalid payloads
// are logged and skipped. The subscription ends when context is destroyed. A context on
// another thread gets its events through the subscription's bounded mailbox (drop-oldest,
// counted, Subscription::messagesDropped). A null context means the connection's thread.
template <class Payload, class F>
requires std::invocable<F&, const Payload&> Subscription*
subscribe(Connection& connection, const Event<Payload>& event, QObject* context, F onEvent,
          SubscriptionOptions options = {})
{
    auto handler = [onEvent = std::move(onEvent)](const Message& message) mutable {
        Result<Payload> payload = Codec<Payload>::decode(message.data);
        if (!payload) {
            qWarning().noquote() << "openopd.bus: dropped invalid event on"
                                 << QString::fromUtf8(message.subject) << "-"
                                 << payload.error().toString();
            return;
        }
        onEvent(payload.value());
    };
    return connection.subscribe(event.subjectBytes(), context, std::move(handler),
                                std::move(options));
}

// A member slot of receiver (which must not be null: then nothing is subscribed).
template <class Payload, class Receiver>
Subscription* subscribe(Connection& connection, const Event<Payload>& event, Receiver* receiver,
                        void (Receiver::*slot)(const Payload&), SubscriptionOptions options = {})
{
    if (receiver == nullptr) {
        qWarning().noquote() << "openopd.bus: subscribe to" << event.subject
                             << "with a null receiver: not subscribed";
        return nullptr;
    }
    return subscribe(
        connection, event, receiver, [receiver, slot](const Payload& p) { (receiver->*slot)(p); },
        std::move(options));
}

// Publishes the event whenever sender emits signal; the signal's one argument must be the
// event's payload type. Each message to opd.events.* carries its own Nats-Msg-Id. A publish
// that fails is reported to onFailure, or else as the connection's errorOccurred.
template <class Sender, class Arg>
QMetaObject::Connection
route(Connection& connection, Sender* sender, void (Sender::*signal)(Arg),
      std::type_identity_t<PublishableEvent<std::remove_cvref_t<Arg>>> event,
      std::function<void(const BusError&)> onFailure = {})
{
    using Payload = std::remove_cvref_t<Arg>;
    const QByteArray subject = event.event.subjectBytes();
    return QObject::connect(
        sender, signal, &connection,
        [&connection, subject, onFailure = std::move(onFailure)](const Payload& payload) {
            const BusError error = connection.publish(subject, Codec<Payload>::encode(payload),
                                                      detail::eventHeaders(subject, {}));
            if (!error.isError())
                return;
            if (onFailure)
                onFailure(error);
            else
                Q_EMIT connection.errorOccurred(error);
        });
}

// Serves an endpoint in a queue group: handler(const Req&, Replier<Rep>) runs on owner's
// thread (which must be the connection's) and replies now or later. Requests that fail to
// decode are answered 400 with the field named; the handler never sees them.
template <class Req, class Rep, class F>
requires std::invocable<F&, const Req&, Replier<Rep>> Subscription*
serve(Connection& connection, const Endpoint<Req, Rep>& endpoint, QObject* owner, F handler,
      QByteArray queueGroup = QByteArrayLiteral("q"))
{
    SubscriptionOptions options;
    options.queueGroup = std::move(queueGroup);
    Connection* bus = &connection;
    return connection.subscribe(
        endpoint.subjectBytes(), owner,
        [bus, handler = std::move(handler)](const Message& message) mutable {
            RawReplier replier(bus, message.reply);
            Result<Req> req = Codec<Req>::decode(message.data);
            if (!req) {
                replier.fail(req.error());
                return;
            }
            handler(req.value(), Replier<Rep>(replier));
        },
        std::move(options));
}

} // namespace openopd::bus
