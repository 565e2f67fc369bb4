#pragma once

// Internal: translates ConnectionOptions into a natsOptions object.

#include "bus/connection_options.h"
#include "bus/error.h"

#include <nats/nats.h>

namespace openopd::bus::detail {

struct NatsCallbacks
{
    natsConnectionHandler connected = nullptr;
    natsConnectionHandler disconnected = nullptr;
    natsConnectionHandler reconnected = nullptr;
    natsConnectionHandler closed = nullptr;
    natsErrHandler error = nullptr;
    void* closure = nullptr;
};

// Why prefix is not usable as ConnectionOptions::inboxPrefix; empty when it is (an empty
// prefix is the default, "_INBOX").
QString inboxPrefixProblem(const QByteArray& prefix);
// The prefix inboxes use: "_INBOX" for an empty one; empty when inboxPrefixProblem() is not.
QByteArray effectiveInboxPrefix(const QByteArray& prefix);
// The message open() reports for a bad prefix (names the option).
QString invalidInboxPrefixText(const QByteArray& prefix);

// Returns nullptr and fills *error when an option is invalid (missing file, bad URL...).
natsOptions* buildNatsOptions(const ConnectionOptions& options, const NatsCallbacks& callbacks,
                              BusError* error);

} // namespace openopd::bus::detail
