#pragma once

#include "bus/error.h"
#include "bus/message.h"

#include <QObject>
#include <functional>
#include <memory>

typedef struct __natsConnection natsConnection;
typedef struct __natsSubscription natsSubscription;

namespace openopd::bus {

class Connection;
namespace detail {
class Mailbox;
}

struct SubscriptionOptions
{
    QByteArray queueGroup; // empty: every subscriber gets every message
    // Messages waiting for the owner thread before the oldest is dropped (and counted).
    qsizetype capacity = 10000;
    // Messages delivered per event-loop turn, so timers and painting still run in a flood.
    qsizetype batchSize = 256;
};

// One subject's messages, delivered to a handler on the thread this object lives in.
// Created by Connection::subscribe; destroying it unsubscribes. Owned by its parent.
class Subscription final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const Message&)>;
    ~Subscription() override;
    Q_DISABLE_COPY_MOVE(Subscription)

    const QByteArray& subject() const { return m_subject; }
    const SubscriptionOptions& options() const { return m_options; }
    bool isActive() const { return m_sub != nullptr; }
    // Messages lost to the bound: ours (drop-oldest) plus nats.c's slow-consumer drops.
    quint64 dropped() const;
    // Most messages ever waiting at once for this object's thread.
    qsizetype peakQueued() const;
    quint64 delivered() const { return m_delivered; }

Q_SIGNALS:
    void failed(const openopd::bus::BusError& error);

private:
    friend class Connection;
    Subscription(Connection* connection, QByteArray subject, SubscriptionOptions options,
                 Handler handler, QObject* parent);
    void attach(natsConnection* nc);
    void release();
    void drain();

    Connection* m_connection; // outlives us or calls release() first
    QByteArray m_subject;
    SubscriptionOptions m_options;
    Handler m_handler;
    std::shared_ptr<detail::Mailbox> m_mailbox;
    natsSubscription* m_sub = nullptr;
    quint64 m_delivered = 0;
};

} // namespace openopd::bus
