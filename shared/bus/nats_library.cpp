#include "bus/nats_library.h"

#include <nats/nats.h>

namespace openopd::bus {

NatsLibrary::NatsLibrary(int deliveryThreads)
{
    nats_Open(-1);
    nats_SetMessageDeliveryPoolSize(deliveryThreads);
}

NatsLibrary::~NatsLibrary()
{
    // Bounded wait: a stuck library thread must not hang shutdown forever.
    nats_CloseAndWait(5000);
}

} // namespace openopd::bus
