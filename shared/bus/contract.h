#pragma once

#include "bus/codec.h"

#include <QByteArray>

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

} // namespace openopd::bus
