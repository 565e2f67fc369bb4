#include "bus/connection_events.h"

#include "bus/connection.h"

#include <QString>

namespace openopd::bus::detail {

void ConnectionEvents::post(std::function<void(Connection*)> call)
{
    std::lock_guard lock(m_mutex);
    if (m_target == nullptr)
        return;
    Connection* target = m_target;
    QMetaObject::invokeMethod(
        target, [target, call = std::move(call)] { call(target); }, Qt::QueuedConnection);
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
    self->post([reason](Connection* c) { c->onNatsClosed(reason); });
    std::lock_guard lock(self->m_mutex);
    self->m_closed = true;
    self->m_closedChanged.notify_all();
}

void ConnectionEvents::onError(natsConnection*, natsSubscription*, natsStatus status, void* closure)
{
    // nats.c sets this thread's last error to this callback's own text just before calling
    // it; the connection-wide text could already belong to a later -ERR.
    const char* text = status == NATS_NOT_PERMITTED ? nats_GetLastError(nullptr) : nullptr;
    QString message = QString::fromUtf8(text != nullptr ? text : natsStatus_GetText(status));
    const int code = static_cast<int>(status);
    static_cast<ConnectionEvents*>(closure)->post(
        [code, message](Connection* c) { c->onNatsError(code, message); });
}

void ConnectionEvents::connectFinished(natsConnection* nc, natsStatus status,
                                       const QString& errorText)
{
    {
        std::lock_guard lock(m_mutex);
        m_connected = nc;
    }
    const int code = static_cast<int>(status);
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

void ConnectionEvents::resetClosed()
{
    std::lock_guard lock(m_mutex);
    m_closed = false;
}

} // namespace openopd::bus::detail
