#pragma once

#include "bus/codec.h"
#include "bus/message.h"
#include "bus/result.h"

namespace openopd::bus {

// A reply carrying Nats-Service-Error(-Code) headers, as a ServiceError; otherwise None.
BusError serviceErrorFrom(const Message& reply);

// Transport error, service error, or the decoded reply: what a typed request returns.
template <Encodable Rep> Result<Rep> decodeReply(Result<Message> reply)
{
    if (!reply)
        return reply.error();
    const Message& message = reply.value();
    if (BusError error = serviceErrorFrom(message); error.isError())
        return error;
    Result<Rep> decoded = Codec<Rep>::decode(message.data);
    if (!decoded) {
        BusError error = decoded.error();
        error.subject = message.subject;
        return error;
    }
    return decoded;
}

} // namespace openopd::bus
