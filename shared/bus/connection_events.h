#pragma once

// Internal: receives one nats.c connection's callbacks (on nats.c's threads) and forwards
// each to the Connection's thread as a queued call, tagged with the generation (the open()
// it belongs to) so a late callback of an earlier connection changes nothing. Holds no
// QObject state. Also: the reaper that finishes a connection off the owner thread.

#include <QString>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nats/nats.h>
#include <thread>
#include <vector>

namespace openopd::bus {
class Connection;
}

namespace openopd::bus::detail {

class ConnectionEvents
{
public:
    ConnectionEvents(Connection* target, quint64 generation)
        : m_target(target), m_generation(generation)
    {}

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
    bool waitClosed(std::chrono::milliseconds timeout); // reaper thread

private:
    void post(std::function<void(Connection*)> call);

    std::mutex m_mutex;
    std::condition_variable m_closedChanged;
    Connection* m_target;
    const quint64 m_generation;
    natsConnection* m_connected = nullptr;
    bool m_closed = false;
};

// Everything of one nats.c connection that is left when the Connection closes, reopens or
// is destroyed. finishInBackground() closes and frees it on a thread of its own, so the owner
// thread never waits for a connect timeout, a flush to a dead server or the closed callback.
struct Teardown
{
    std::thread connectThread; // may still be inside natsConnection_Connect
    std::shared_ptr<ConnectionEvents> events;
    natsConnection* nc = nullptr; // null: the connect thread hands it over (or there is none)
    std::vector<natsSubscription*> subscriptions;

    bool isEmpty() const { return !connectThread.joinable() && nc == nullptr && !events; }
};

void finishInBackground(Teardown teardown);
// Waits until every teardown started so far has finished (NatsLibrary, before nats_Close):
// false if some are still running after timeout.
bool waitForTeardowns(std::chrono::milliseconds timeout);

} // namespace openopd::bus::detail
