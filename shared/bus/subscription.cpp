#include "bus/subscription.h"

#include "bus/connection.h"
#include "bus/mailbox.h"
#include "bus/nats_message.h"

#include <QPointer>
#include <QTimer>
#include <nats/nats.h>

namespace openopd::bus {
namespace {

using MailboxRef = std::shared_ptr<detail::Mailbox>;

// Runs on a nats.c delivery-pool thread: copy the message out and hand it over. It never
// touches a QObject; the closure is a heap-held reference to the mailbox.
void onNatsMessage(natsConnection*, natsSubscription*, natsMsg* msg, void* closure)
{
    (*static_cast<MailboxRef*>(closure))->push(detail::copyFromNats(msg));
    natsMsg_Destroy(msg);
}

// nats.c calls this once no handler call can follow: the closure may go now.
void onNatsComplete(void* closure)
{
    delete static_cast<MailboxRef*>(closure);
}

} // namespace

Subscription::Subscription(Connection* connection, QByteArray subject, SubscriptionOptions options,
                           Handler handler, QObject* parent)
    : QObject(parent), m_connection(connection), m_subject(std::move(subject)),
      m_options(std::move(options)), m_handler(std::move(handler))
{
    m_mailbox = std::make_shared<detail::Mailbox>(
        this, [this] { drain(); }, m_options.capacity);
}

Subscription::~Subscription()
{
    release();
    if (m_connection != nullptr)
        m_connection->forgetSubscription(this);
}

void Subscription::attach(natsConnection* nc)
{
    if (m_sub != nullptr || nc == nullptr)
        return;
    if (m_mailbox->isDetached()) // released by a closed connection, now attached to a new one
        m_mailbox = std::make_shared<detail::Mailbox>(
            this, [this] { drain(); }, m_options.capacity);
    auto* closure = new MailboxRef(m_mailbox);
    natsStatus status = NATS_OK;
    if (m_options.queueGroup.isEmpty())
        status =
            natsConnection_Subscribe(&m_sub, nc, m_subject.constData(), onNatsMessage, closure);
    else
        status =
            natsConnection_QueueSubscribe(&m_sub, nc, m_subject.constData(),
                                          m_options.queueGroup.constData(), onNatsMessage, closure);
    if (status == NATS_OK)
        status = natsSubscription_SetOnCompleteCB(m_sub, onNatsComplete, closure);
    if (status == NATS_OK) {
        // nats.c's own queue in front of our mailbox: same bound, no byte limit beyond 64 MiB.
        const int pending = static_cast<int>(qMin<qsizetype>(m_options.capacity, 1 << 20));
        natsSubscription_SetPendingLimits(m_sub, qMax(pending, 1024), 64 * 1024 * 1024);
        return;
    }
    if (m_sub != nullptr) {
        natsSubscription_Destroy(m_sub); // no callback registered: we still own the closure
        m_sub = nullptr;
    }
    delete closure;
    // Queued: subscribe() has not returned yet, so nobody could be connected to failed().
    const BusError error =
        BusError::make(BusError::Kind::PublishFailed,
                       tr("cannot subscribe: %1").arg(detail::natsErrorText(status)), m_subject);
    QMetaObject::invokeMethod(
        this, [this, error] { Q_EMIT failed(error); }, Qt::QueuedConnection);
}

void Subscription::release()
{
    m_mailbox->detach();
    if (m_sub == nullptr)
        return;
    natsSubscription_Unsubscribe(m_sub);
    natsSubscription_Destroy(m_sub);
    m_sub = nullptr;
}

quint64 Subscription::dropped() const
{
    int64_t natsDropped = 0;
    if (m_sub != nullptr)
        natsSubscription_GetDropped(m_sub, &natsDropped);
    return m_mailbox->dropped() + static_cast<quint64>(qMax<int64_t>(0, natsDropped));
}

qsizetype Subscription::peakQueued() const
{
    return m_mailbox->peakSize();
}

void Subscription::drain()
{
    std::vector<Message> batch;
    const bool more = m_mailbox->take(batch, m_options.batchSize);
    QPointer<Subscription> alive(this);
    for (const Message& message : batch) {
        ++m_delivered;
        m_handler(message);
        if (!alive)
            return; // the handler deleted us (e.g. closed its window)
    }
    // The rest waits for a zero timer rather than a posted event: timers and input queued
    // meanwhile run first, so a flood cannot starve the rest of the event loop.
    if (more)
        QTimer::singleShot(0, this, [this] { drain(); });
}

} // namespace openopd::bus
