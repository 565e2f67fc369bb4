#pragma once

#include <QtGlobal>

namespace openopd::bus {

// Owns nats.c's process-wide state for the lifetime of main() (or a test): opens the
// library, sizes the shared message-delivery pool, and on destruction waits for nats.c's
// threads to finish so nothing runs after main returns. Create exactly one, first.
class NatsLibrary final
{
public:
    explicit NatsLibrary(int deliveryThreads = 2);
    ~NatsLibrary();
    Q_DISABLE_COPY_MOVE(NatsLibrary)
};

} // namespace openopd::bus
