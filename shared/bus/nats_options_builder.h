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

// Returns nullptr and fills *error when an option is invalid (missing file, bad URL...).
natsOptions* buildNatsOptions(const ConnectionOptions& options, const NatsCallbacks& callbacks,
                              BusError* error);

} // namespace openopd::bus::detail
