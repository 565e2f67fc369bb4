#pragma once

#include "bus/error.h"
#include "bus/message.h"

#include <QObject>
#include <atomic>
#include <functional>
#include <memory>

typedef struct __natsConnection natsConnection;
typedef struct __natsSubscription natsSubscription;

namespace openopd::bus {

class Connection;
namespace detail {
class Mailbox;
struct ReceiverLink;
} // namespace detail

struct SubscriptionOptions
{
    QByteArray queueGroup; // empty: every subscriber gets every message
    // Messages waiting for the receiver's thread before the oldest is dropped (and counted).
    qsizetype capacity = 10000;
    // Messages delivered per event-loop turn, so timers and painting still run in a flood.
    qsizetype batchSize = 256;
};

// One subject's messages, delivered to a handler on the receiver's thread (see
// Connection::subscribe). Created by Connection::subscribe; destroying it unsubscribes.
// Used on the connection's thread.
class Subscription final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const Message&)>;
    ~Subscription() override;
    Q_DISABLE_COPY_MOVE(Subscription)

    const QByteArray& subject() const { return m_subject; }
    const SubscriptionOptions& options() const { return m_options; }
    // Subscribed on a live connection and not refused by the server. False after close(),
    // before the connection exists, and after a permission violation (until the next
    // reconnect, when nats.c asks again).
    bool isActive() const { return m_sub != nullptr && !m_denied; }
    // Messages lost to the bound: ours (drop-oldest) plus nats.c's slow-consumer drops.
    quint64 dropped() const;
    // Most messages ever waiting at once for the receiver's thread.
    qsizetype peakQueued() const;
    quint64 delivered() const { return m_delivered->load(std::memory_order_relaxed); }
    // Owner thread, receiver on the same thread: hands what has arrived to the handler now,
    // without waiting for the event loop. For a receiver that is busy for long (a slow batch
    // of events) and must see its deliveries to keep them alive. Does nothing inside a drain
    // (it would reorder that drain's rest) or for a receiver on another thread.
    void deliverArrived();

Q_SIGNALS:
    void failed(const openopd::bus::BusError& error);
    // Messages were lost (the mailbox was full, or nats.c reported a slow consumer); total is
    // dropped(). Emitted on this object's thread, at most once per event-loop turn in a flood.
    void messagesDropped(qint64 total);

private:
    friend class Connection;
    Subscription(Connection* connection, QByteArray subject, SubscriptionOptions options,
                 Handler handler, QObject* parent, QObject* receiver);
    std::shared_ptr<detail::Mailbox> makeMailbox();
    void attach(natsConnection* nc);
    void release();                      // unsubscribes now
    natsSubscription* takeForTeardown(); // the connection closes: nats.c ends it with it
    bool matches(quintptr natsSub) const { return reinterpret_cast<quintptr>(m_sub) == natsSub; }
    void setDenied(const BusError& error);
    void clearDenied() { m_denied = false; }
    void reportDropped();
    void drain();
    // Hands batch to the handler, in order; false if the handler deleted this subscription.
    bool deliver(const std::vector<Message>& batch);

    Connection* m_connection; // outlives us or calls release() first
    QByteArray m_subject;
    SubscriptionOptions m_options;
    Handler m_handler;
    // Set when the receiver lives on another thread: the mailbox wakes it there.
    std::shared_ptr<detail::ReceiverLink> m_link;
    std::shared_ptr<detail::Mailbox> m_mailbox;
    natsSubscription* m_sub = nullptr;
    bool m_denied = false;
    quint64 m_natsDroppedBefore = 0; // by earlier mailboxes and nats.c subscriptions
    quint64 m_reportedDropped = 0;
    std::shared_ptr<std::atomic<quint64>> m_delivered;
    bool m_draining = false; // inside drain(): deliverArrived() must not reorder
};

} // namespace openopd::bus
