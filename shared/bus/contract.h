#pragma once

#include "bus/codec.h"

#include <QByteArray>
#include <concepts>

namespace openopd::bus {

// A request/reply endpoint: one subject, one request type, one reply type. Declared once
// (constexpr) and used by both the client (request) and the service (serve), so the
// compiler rejects a call with the wrong request type or a handler for the wrong reply.
template <Encodable Req, Encodable Rep> struct Endpoint
{
    using Request = Req;
    using Reply = Rep;
    const char* subject;

    QByteArray subjectBytes() const { return QByteArray(subject); }
};

// A one-way event: one subject (wildcards allowed when only subscribed), one payload type.
template <Encodable Payload> struct Event
{
    using Type = Payload;
    const char* subject;

    QByteArray subjectBytes() const { return QByteArray(subject); }
};

namespace detail {

constexpr bool hasWildcard(const char* subject)
{
    for (; *subject != '\0'; ++subject)
        if (*subject == '*' || *subject == '>')
            return true;
    return false;
}

// Not constexpr on purpose: calling it at compile time is the error message.
inline void cannot_publish_to_a_wildcard_event_subject() {}

} // namespace detail

// What publish() and route() accept: an Event contract (a constant) whose subject has no
// wildcard, checked while compiling. Publishing to "opd.events.>" does not compile.
template <class Payload> struct PublishableEvent
{
    Event<Payload> event;

    template <class E>
    requires std::same_as<E, Event<Payload>>
    consteval PublishableEvent(const E& contract) // NOLINT: implicit on purpose
        : event(contract)
    {
        if (detail::hasWildcard(contract.subject))
            detail::cannot_publish_to_a_wildcard_event_subject();
    }
};

} // namespace openopd::bus
