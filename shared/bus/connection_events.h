#pragma once

// Internal: receives nats.c's connection-level callbacks (on nats.c's threads) and
// forwards each to the Connection's thread as a queued call. Holds no QObject state.

#include <QString>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nats/nats.h>

namespace openopd::bus {
class Connection;
}

namespace openopd::bus::detail {

class ConnectionEvents
{
public:
    explicit ConnectionEvents(Connection* target) : m_target(target) {}

    static void onConnected(natsConnection* nc, void* closure);
    static void onDisconnected(natsConnection* nc, void* closure);
    static void onReconnected(natsConnection* nc, void* closure);
    static void onClosed(natsConnection* nc, void* closure);
    static void onError(natsConnection* nc, natsSubscription* sub, natsStatus status,
                        void* closure);

    // From the connect helper thread.
    void connectFinished(natsConnection* nc, natsStatus status, const QString& errorText);
    natsConnection* takeConnected();

    void detach();                                      // owner thread
    bool waitClosed(std::chrono::milliseconds timeout); // owner thread, at shutdown
    void resetClosed();                                 // owner thread, before reopen

private:
    void post(std::function<void(Connection*)> call);

    std::mutex m_mutex;
    std::condition_variable m_closedChanged;
    Connection* m_target;
    natsConnection* m_connected = nullptr;
    bool m_closed = false;
};

} // namespace openopd::bus::detail
