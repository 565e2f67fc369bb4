#include "bus/nats_library.h"

#include "bus/connection_events.h"

#include <nats/nats.h>

namespace openopd::bus {

NatsLibrary::NatsLibrary(int deliveryThreads)
{
    nats_Open(-1);
    nats_SetMessageDeliveryPoolSize(deliveryThreads);
}

NatsLibrary::~NatsLibrary()
{
    // Connections closed last are still being finished on threads of their own (a connect
    // timeout, the closed callback): let them end before the library goes. Bounded waits: a
    // stuck thread must not hang shutdown forever.
    detail::waitForTeardowns(std::chrono::seconds(10));
    nats_CloseAndWait(5000);
}

} // namespace openopd::bus
