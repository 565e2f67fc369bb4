#pragma once

// The typed face of the bridge: requests, events, routes and services checked by the
// compiler against the contracts declared once (see contract.h).

#include "bus/connection.h"
#include "bus/contract.h"
#include "bus/replier.h"
#include "bus/reply_decoding.h"

#include <QDebug>
#include <QThread>
#include <concepts>
#include <type_traits>

namespace openopd::bus {

// Sends req to the endpoint; onReply(Result<Rep>) runs once on context's thread with the
// decoded reply or a typed error. Nothing runs if context is destroyed first.
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

template <class Payload>
BusError publish(Connection& connection, const Event<Payload>& event,
                 const std::type_identity_t<Payload>& payload, const Headers& headers = {})
{
    return connection.publish(event.subjectBytes(), Codec<Payload>::encode(payload), headers);
}

// onEvent(const Payload&) runs on context's thread for each valid event; invalid payloads
// are logged and skipped. The subscription ends when context is destroyed.
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
    if (context->thread() == connection.thread())
        return connection.subscribe(event.subjectBytes(), context, std::move(handler),
                                    std::move(options));
    // A receiver on another thread: decode here, run the slot there.
    QPointer<QObject> target(context);
    auto* subscription = connection.subscribe(
        event.subjectBytes(), &connection,
        [target, handler = std::move(handler)](const Message& message) mutable {
            if (target)
                QMetaObject::invokeMethod(
                    target.data(), [handler, message]() mutable { handler(message); },
                    Qt::QueuedConnection);
        },
        std::move(options));
    QObject::connect(context, &QObject::destroyed, subscription, &QObject::deleteLater);
    return subscription;
}

template <class Payload, class Receiver>
Subscription* subscribe(Connection& connection, const Event<Payload>& event, Receiver* receiver,
                        void (Receiver::*slot)(const Payload&), SubscriptionOptions options = {})
{
    return subscribe(
        connection, event, receiver, [receiver, slot](const Payload& p) { (receiver->*slot)(p); },
        std::move(options));
}

// Publishes the event whenever sender emits signal; the signal's one argument must be the
// event's payload type.
template <class Payload, class Sender, class Arg>
QMetaObject::Connection route(Connection& connection, Sender* sender, void (Sender::*signal)(Arg),
                              const Event<Payload>& event)
{
    static_assert(std::is_same_v<std::remove_cvref_t<Arg>, Payload>,
                  "the signal's argument must be the event's payload type");
    const QByteArray subject = event.subjectBytes();
    return QObject::connect(sender, signal, &connection,
                            [&connection, subject](const Payload& payload) {
                                connection.publish(subject, Codec<Payload>::encode(payload));
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
