#include "bus/subscription.h"

#include "bus/connection.h"
#include "bus/mailbox.h"
#include "bus/nats_message.h"

#include <QPointer>
#include <QTimer>
#include <mutex>
#include <nats/nats.h>

namespace openopd::bus {
namespace {

using MailboxRef = std::shared_ptr<detail::Mailbox>;

// What nats.c hands to the callbacks: heap-held, one per nats.c subscription.
struct DeliveryClosure
{
    MailboxRef mailbox;
    // The subject of the previous message, shared with every message that has the same one
    // (saves an allocation per message; a subscription mostly sees the same subject). Only
    // the callback uses it, and nats.c calls one subscription's callback for one message at
    // a time.
    QByteArray lastSubject;
};

// Runs on a nats.c delivery-pool thread: copy the message out and hand it over. It never
// touches a QObject. While nats.c holds more messages for this subscription, the callback
// runs again right away, so the receiver's thread is woken once per burst (see
// Mailbox::push); a subscription that closes in between is woken by onNatsComplete.
void onNatsMessage(natsConnection*, natsSubscription* sub, natsMsg* msg, void* closure)
{
    auto* delivery = static_cast<DeliveryClosure*>(closure);
    int pending = 0;
    const bool moreFollows =
        natsSubscription_GetPending(sub, &pending, nullptr) == NATS_OK && pending > 0;
    delivery->mailbox->push(detail::copyFromNats(msg, &delivery->lastSubject), moreFollows);
    natsMsg_Destroy(msg);
}

// nats.c calls this once no handler call can follow: the closure may go now.
void onNatsComplete(void* closure)
{
    auto* delivery = static_cast<DeliveryClosure*>(closure);
    delivery->mailbox->wakeIfWaiting();
    delete delivery;
}

} // namespace

namespace detail {

// Shared by a Subscription and its receiver's destroyed handler, which runs on the
// receiver's thread: the mailbox that posts to the receiver is detached under the same lock
// the Subscription takes to make a new one, so nothing is ever posted to a receiver that is
// gone (and no QPointer is read on the wrong thread).
struct ReceiverLink
{
    std::mutex mutex;
    QObject* receiver = nullptr; // null once destroyed
    std::weak_ptr<Mailbox> current;
};

} // namespace detail

Subscription::Subscription(Connection* connection, QByteArray subject, SubscriptionOptions options,
                           Handler handler, QObject* parent, QObject* receiver)
    : QObject(parent), m_connection(connection), m_subject(std::move(subject)),
      m_options(std::move(options)), m_handler(std::move(handler)),
      m_delivered(std::make_shared<std::atomic<quint64>>(0))
{
    if (receiver->thread() != thread()) {
        m_link = std::make_shared<detail::ReceiverLink>();
        m_link->receiver = receiver;
        // Direct: runs on the receiver's thread while it is being destroyed.
        QObject::connect(receiver, &QObject::destroyed, [link = m_link] {
            std::lock_guard lock(link->mutex);
            link->receiver = nullptr;
            if (const auto mailbox = link->current.lock())
                mailbox->detach();
        });
        // Queued to our thread: the subscription ends with its receiver.
        connect(receiver, &QObject::destroyed, this, &QObject::deleteLater);
    }
    m_mailbox = makeMailbox();
}

std::shared_ptr<detail::Mailbox> Subscription::makeMailbox()
{
    std::shared_ptr<detail::Mailbox> mailbox;
    if (!m_link) {
        mailbox = std::make_shared<detail::Mailbox>(
            this, [this] { drain(); }, m_options.capacity, m_options.batchSize);
    } else {
        std::lock_guard lock(m_link->mutex);
        // A receiver already gone gets a detached mailbox: nothing is delivered.
        mailbox = std::make_shared<detail::Mailbox>(m_link->receiver, nullptr, m_options.capacity,
                                                    m_options.batchSize);
        std::weak_ptr<detail::Mailbox> weak = mailbox;
        // Runs on the receiver's thread; touches only the mailbox and copies.
        mailbox->setWake(
            [weak, handler = m_handler, batchSize = m_options.batchSize, delivered = m_delivered] {
                const auto box = weak.lock();
                if (!box)
                    return;
                std::vector<Message> batch;
                const bool more = box->take(batch, batchSize);
                for (const Message& message : batch) {
                    delivered->fetch_add(1, std::memory_order_relaxed);
                    handler(message);
                    if (box->isDetached())
                        return; // the handler destroyed the receiver
                }
                box->recycle(std::move(batch));
                if (more)
                    box->scheduleDrain();
            });
        m_link->current = mailbox;
    }
    mailbox->setDropNotice(this, [this] { reportDropped(); });
    return mailbox;
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
    m_denied = false;
    if (m_mailbox->isDetached()) { // released by a closed connection, now attached to a new one
        m_natsDroppedBefore += m_mailbox->dropped();
        m_mailbox = makeMailbox();
    }
    auto* closure = new DeliveryClosure{m_mailbox, {}};
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
        BusError::make(BusError::Kind::SubscribeFailed,
                       tr("cannot subscribe: %1").arg(detail::natsErrorText(status)), m_subject);
    QMetaObject::invokeMethod(
        this, [this, error] { Q_EMIT failed(error); }, Qt::QueuedConnection);
}

void Subscription::release()
{
    if (natsSubscription* sub = takeForTeardown()) {
        natsSubscription_Unsubscribe(sub);
        natsSubscription_Destroy(sub);
    }
}

natsSubscription* Subscription::takeForTeardown()
{
    m_mailbox->detach();
    if (m_sub != nullptr) {
        int64_t natsDropped = 0;
        natsSubscription_GetDropped(m_sub, &natsDropped);
        m_natsDroppedBefore += static_cast<quint64>(qMax<int64_t>(0, natsDropped));
    }
    return std::exchange(m_sub, nullptr);
}

void Subscription::setDenied(const BusError& error)
{
    m_denied = true;
    Q_EMIT failed(error);
}

void Subscription::reportDropped()
{
    m_mailbox->clearDropNotice();
    const quint64 total = dropped();
    if (total == m_reportedDropped)
        return;
    m_reportedDropped = total;
    Q_EMIT messagesDropped(static_cast<qint64>(total));
}

quint64 Subscription::dropped() const
{
    int64_t natsDropped = 0;
    if (m_sub != nullptr)
        natsSubscription_GetDropped(m_sub, &natsDropped);
    return m_natsDroppedBefore + m_mailbox->dropped() +
           static_cast<quint64>(qMax<int64_t>(0, natsDropped));
}

qsizetype Subscription::peakQueued() const
{
    return m_mailbox->peakSize();
}

bool Subscription::deliver(const std::vector<Message>& batch)
{
    QPointer<Subscription> alive(this);
    m_draining = true;
    for (const Message& message : batch) {
        m_delivered->fetch_add(1, std::memory_order_relaxed);
        m_handler(message);
        if (!alive)
            return false; // the handler deleted us (e.g. closed its window)
    }
    m_draining = false;
    return true;
}

void Subscription::drain()
{
    std::vector<Message> batch;
    const bool more = m_mailbox->take(batch, m_options.batchSize);
    if (!deliver(batch))
        return;
    m_mailbox->recycle(std::move(batch));
    // The rest waits for a zero timer rather than a posted event: timers and input queued
    // meanwhile run first, so a flood cannot starve the rest of the event loop.
    if (more)
        QTimer::singleShot(0, this, [this] { drain(); });
}

void Subscription::deliverArrived()
{
    if (m_link || m_draining)
        return;
    std::vector<Message> batch;
    // Everything queued now (never more than the capacity); a drain posted earlier then
    // finds nothing, or what arrived since, to do.
    m_mailbox->take(batch, m_mailbox->capacity());
    deliver(batch);
}

} // namespace openopd::bus
