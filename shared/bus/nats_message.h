#pragma once

// Internal: conversions between nats.c messages and bus::Message. Safe on any thread
// (touches no QObject), so nats.c callbacks use it to copy a message out.

#include "bus/message.h"

#include <nats/nats.h>

namespace openopd::bus::detail {

// lastSubject (optional): a message with that subject shares it instead of a copy of its
// own; otherwise *lastSubject becomes this message's subject.
Message copyFromNats(natsMsg* msg, QByteArray* lastSubject = nullptr);

// Builds a nats.c message with headers; the caller owns the result (natsMsg_Destroy).
natsStatus createNatsMsg(natsMsg** out, const QByteArray& subject, const QByteArray& reply,
                         const QByteArray& data, const Headers& headers);

QString natsErrorText(natsStatus status);

} // namespace openopd::bus::detail
