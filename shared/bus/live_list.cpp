#include "bus/live_list.h"

#include "bus/reply_decoding.h"

#include <QDebug>
#include <QTimerEvent>

namespace openopd::bus {
namespace {
constexpr quint64 kFailedAtOnce = ~quint64{0};
}

LiveListBase::LiveListBase(Connection& connection, LiveListOptions options, QObject* parent)
    : QObject(parent), m_connection(connection), m_options(std::move(options))
{
    connect(&m_connection, &Connection::stateChanged, this, &LiveListBase::onStateChanged);
}

LiveListBase::~LiveListBase()
{
    if (m_ticket != 0)
        m_connection.cancelRequest(m_ticket);
}

void LiveListBase::start()
{
    if (m_started)
        return;
    m_started = true;
    // Subscribed before the first snapshot request goes out (see the header).
    SubscriptionOptions eventOptions;
    eventOptions.batchSize = m_options.eventsPerTurn;
    for (const QByteArray& subject : std::as_const(m_options.eventSubjects)) {
        Subscription* subscription = m_connection.subscribe(
            subject, this, [this](const Message& event) { onEvent(event); }, eventOptions);
        connect(subscription, &Subscription::failed, this, &LiveListBase::fail);
        m_subscriptions.append(subscription);
    }
    if (m_connection.state() == Connection::State::Connected)
        scheduleFetch();
}

void LiveListBase::refresh()
{
    if (m_started)
        scheduleFetch();
}

void LiveListBase::scheduleFetch()
{
    m_fetchTimer.start(0, this); // several triggers in one turn: one request
}

void LiveListBase::timerEvent(QTimerEvent* event)
{
    if (event->timerId() != m_fetchTimer.timerId())
        return QObject::timerEvent(event);
    m_fetchTimer.stop();
    fetch();
}

void LiveListBase::fetch()
{
    if (m_connection.state() != Connection::State::Connected)
        return; // the next Connected fetches
    if (m_ticket != 0)
        m_connection.cancelRequest(m_ticket); // latest wins
    // Everything before this request is in its answer.
    m_queue.clear();
    m_droppedSeen = 0;
    for (Subscription* subscription : std::as_const(m_subscriptions))
        m_droppedSeen += subscription->dropped();
    auto ticket = std::make_shared<quint64>(0);
    m_ticket = m_connection.request(
        m_options.snapshotSubject, m_options.snapshotRequest, m_options.snapshotOptions, this,
        [this, ticket](Result<Message> reply) { onSnapshot(*ticket, std::move(reply)); });
    if (m_ticket == 0)
        m_ticket = kFailedAtOnce; // its error arrives later; until then we are loading
    *ticket = m_ticket;
}

void LiveListBase::onSnapshot(quint64 ticket, Result<Message> reply)
{
    if (ticket != m_ticket)
        return; // a request that a newer one replaced
    m_ticket = 0;
    if (!reply)
        return fail(reply.error());
    if (BusError error = serviceErrorFrom(reply.value()); error.isError())
        return fail(error);
    if (BusError error = resetFrom(reply.value()); error.isError())
        return fail(error);
    ++m_snapshotsApplied;
    m_lastError = {};
    Q_EMIT rowsReset();
    const QList<Message> queued = std::exchange(m_queue, {});
    for (const Message& event : queued)
        apply(event);
    Q_EMIT changed();
    setCurrent(true);
}

void LiveListBase::onEvent(const Message& event)
{
    // A bounded mailbox dropped events: what the list shows may be missing a change.
    quint64 dropped = 0;
    for (Subscription* subscription : std::as_const(m_subscriptions))
        dropped += subscription->dropped();
    if (dropped != m_droppedSeen) {
        m_droppedSeen = dropped;
        scheduleFetch();
    }
    if (isLoading()) {
        if (m_queue.size() >= m_options.maxQueuedEvents) {
            m_queue.clear();
            scheduleFetch(); // too far behind: a new snapshot is cheaper
            return;
        }
        m_queue.append(event);
        return;
    }
    if (!m_current)
        return; // no snapshot yet to apply it to; the next one includes it
    apply(event);
    Q_EMIT changed();
}

void LiveListBase::apply(const Message& event)
{
    QStringList changedKeys;
    QStringList removedKeys;
    if (BusError error = applyEvent(event, &changedKeys, &removedKeys); error.isError()) {
        qWarning().noquote() << "openopd.bus: live list: invalid event on"
                             << QString::fromUtf8(event.subject) << "-" << error.toString();
        error.subject = event.subject;
        Q_EMIT errorOccurred(error);
        scheduleFetch(); // a change we could not read: ask for the whole list again
        return;
    }
    for (const QString& key : std::as_const(removedKeys))
        Q_EMIT rowRemoved(key);
    for (const QString& key : std::as_const(changedKeys))
        Q_EMIT rowChanged(key);
}

void LiveListBase::onStateChanged(Connection::State state)
{
    if (state == Connection::State::Connected) {
        if (m_started)
            scheduleFetch(); // events were lost while the link was down
        return;
    }
    setCurrent(false);
    m_connection.cancelRequest(m_ticket); // ignores 0 and kFailedAtOnce
    m_ticket = 0;
    m_queue.clear();
}

void LiveListBase::setCurrent(bool current)
{
    if (m_current == current)
        return;
    m_current = current;
    Q_EMIT currentChanged(current);
}

void LiveListBase::fail(const BusError& error)
{
    m_lastError = error;
    Q_EMIT errorOccurred(error);
    if (m_connection.state() == Connection::State::Connected && !m_fetchTimer.isActive())
        m_fetchTimer.start(static_cast<int>(m_options.retryInterval.count()), this);
}

} // namespace openopd::bus
