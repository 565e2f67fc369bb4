#include "bus/nats_library.h"

#include "bus/connection_events.h"

#include <QtGlobal>
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
    // timeout, the closed callback): let them end before the library goes. The waits are
    // bounded (a stuck thread must not hang shutdown) and logged when they run out: what
    // nats.c still holds then is left behind, and a sanitizer build reports it as a leak.
    if (!detail::waitForTeardowns(std::chrono::seconds(10)))
        qWarning("nats: a connection was still closing after 10 s; closing the library anyway");
    if (const natsStatus status = nats_CloseAndWait(5000); status != NATS_OK)
        qWarning("nats: the library did not close within 5 s (%s); its last messages and "
                 "threads are left to the process's exit",
                 natsStatus_GetText(status));
}

} // namespace openopd::bus
