#include "bus/connection_events.h"

#include "bus/connection.h"
#include "bus/tsan_handover.h"

#include <QString>

namespace openopd::bus::detail {

void ConnectionEvents::post(std::function<void(Connection*)> call)
{
    std::lock_guard lock(m_mutex);
    if (m_target == nullptr)
        return;
    Connection* target = m_target;
    // Checked on arrival: a call posted just before detach() may arrive after a reopen.
    const QueuedHandOver handOver;
    QMetaObject::invokeMethod(
        target,
        [target, generation = m_generation, call = std::move(call)] {
            if (target->m_generation == generation)
                call(target);
        },
        Qt::QueuedConnection);
}

void ConnectionEvents::onConnected(natsConnection*, void* closure)
{
    static_cast<ConnectionEvents*>(closure)->post([](Connection* c) { c->onNatsConnected(); });
}

void ConnectionEvents::onDisconnected(natsConnection*, void* closure)
{
    static_cast<ConnectionEvents*>(closure)->post([](Connection* c) { c->onNatsDisconnected(); });
}

void ConnectionEvents::onReconnected(natsConnection*, void* closure)
{
    static_cast<ConnectionEvents*>(closure)->post([](Connection* c) { c->onNatsReconnected(); });
}

void ConnectionEvents::onClosed(natsConnection* nc, void* closure)
{
    // Why it closed (e.g. "Authorization Violation" when nats.c gives up), read now.
    const char* text = nullptr;
    natsConnection_GetLastError(nc, &text);
    QString reason = QString::fromUtf8(text != nullptr ? text : "");
    auto* self = static_cast<ConnectionEvents*>(closure);
    {
        const QueuedHandOver handOver; // the call's captures are built here, on nats.c's thread
        self->post([reason](Connection* c) { c->onNatsClosed(reason); });
    }
    std::lock_guard lock(self->m_mutex);
    self->m_closed = true;
    self->m_closedChanged.notify_all();
}

void ConnectionEvents::onError(natsConnection*, natsSubscription* sub, natsStatus status,
                               void* closure)
{
    // nats.c sets this thread's last error to this callback's own text just before calling
    // it; the connection-wide text could already belong to a later -ERR.
    const char* text = status == NATS_NOT_PERMITTED ? nats_GetLastError(nullptr) : nullptr;
    QString message = QString::fromUtf8(text != nullptr ? text : natsStatus_GetText(status));
    const int code = static_cast<int>(status);
    // Only compared with the subscriptions' own pointers on the owner thread, never used.
    const auto subscription = reinterpret_cast<quintptr>(sub);
    const QueuedHandOver handOver; // the call's captures are built here, on nats.c's thread
    static_cast<ConnectionEvents*>(closure)->post([code, message, subscription](Connection* c) {
        c->onNatsError(code, message, subscription);
    });
}

void ConnectionEvents::connectFinished(natsConnection* nc, natsStatus status,
                                       const QString& errorText)
{
    {
        std::lock_guard lock(m_mutex);
        m_connected = nc;
    }
    const int code = static_cast<int>(status);
    const QueuedHandOver handOver; // the call's captures are built here, on the opening thread
    post([code, errorText](Connection* c) { c->onConnectFinished(code, errorText); });
}

natsConnection* ConnectionEvents::takeConnected()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_connected, nullptr);
}

void ConnectionEvents::detach()
{
    std::lock_guard lock(m_mutex);
    m_target = nullptr;
}

bool ConnectionEvents::waitClosed(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    return m_closedChanged.wait_for(lock, timeout, [this] { return m_closed; });
}

namespace {

// Teardowns still running, process-wide like nats.c's own state: NatsLibrary must not close
// the library under one of them.
struct TeardownCount
{
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
};

TeardownCount& teardownCount()
{
    static TeardownCount count;
    return count;
}

void finish(Teardown& t)
{
    if (t.connectThread.joinable())
        t.connectThread.join(); // at most the connect timeout, on this thread only
    natsConnection* nc = t.nc;
    if (nc == nullptr && t.events)
        nc = t.events->takeConnected();
    if (nc != nullptr)
        natsConnection_Close(nc); // flushes and joins nats.c's threads for this connection
    for (natsSubscription* sub : t.subscriptions)
        natsSubscription_Destroy(sub); // closed with the connection: no UNSUB is written
    if (nc == nullptr)
        return;
    // The closed callback is nats.c's last use of the events object; if it does not come,
    // keep the object alive forever rather than risk a use after free.
    if (!t.events->waitClosed(std::chrono::seconds(5)))
        new std::shared_ptr<ConnectionEvents>(t.events);
    natsConnection_Destroy(nc);
}

} // namespace

void finishInBackground(Teardown teardown)
{
    if (teardown.isEmpty() && teardown.subscriptions.empty())
        return;
    TeardownCount& count = teardownCount();
    {
        std::lock_guard lock(count.mutex);
        ++count.running;
    }
    std::thread([t = std::move(teardown), &count]() mutable {
        finish(t);
        t = Teardown{}; // the events object may go now, before the count says "done"
        nats_ReleaseThreadMemory();
        std::lock_guard lock(count.mutex);
        --count.running;
        count.changed.notify_all();
    }).detach();
}

bool waitForTeardowns(std::chrono::milliseconds timeout)
{
    TeardownCount& count = teardownCount();
    std::unique_lock lock(count.mutex);
    return count.changed.wait_for(lock, timeout, [&count] { return count.running == 0; });
}

} // namespace openopd::bus::detail
