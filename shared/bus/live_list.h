#pragma once

// A list kept current from the bus: a snapshot request, then change events, and a fresh
// snapshot after every reconnect (events sent while the link was down are lost for good).
//
// Why no row is lost or shown twice:
// - Rows are keyed (keyOf): a key appears once, and applying a change twice is harmless.
// - An event says "the rows of group G are now exactly these" (LiveEdit; a group is one row
//   for per-row events, or e.g. a visit's rows for the list.*_changed events).
// - The event subscriptions exist before the first snapshot request is sent on the same
//   connection (nats.c also subscribes again before anything else after a reconnect), so the
//   server registers them first: every change after the snapshot reaches us as an event.
// - While a snapshot is in flight, events are queued; when it arrives the rows are replaced
//   and the queue is applied in arrival order. Assumption: events of one group arrive in the
//   order of their changes (one publisher per group, as with our services). An event older
//   than the snapshot is then followed in the queue by every later event of its group, so
//   the group ends in the snapshot's state or newer.
// - Sending a snapshot request clears the queue (what came before it is in the snapshot). A
//   newer request (reconnect, refresh(), a dropped or undecodable event) cancels the one in
//   flight: latest wins, and triggers in one event-loop turn share one request.
// - A failed snapshot (timeout, no responders, service error) is retried every
//   retryInterval while connected; errorOccurred says why.
//
// Threading: lives on the connection's thread; signals and handlers run there.

#include "bus/connection.h"
#include "bus/subscription.h"

#include <QBasicTimer>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <concepts>
#include <functional>
#include <optional>

namespace openopd::bus {

struct LiveListOptions
{
    QByteArray snapshotSubject;
    QByteArray snapshotRequest = QByteArrayLiteral("{}");
    RequestOptions snapshotOptions;
    QList<QByteArray> eventSubjects; // wildcards allowed
    std::chrono::milliseconds retryInterval{2000};
    // Beyond this many events queued behind a snapshot, drop them and fetch again.
    qsizetype maxQueuedEvents = 10000;
    // Events applied per event-loop turn: each may change a view's model, so a burst is
    // spread over turns and the GUI keeps painting (a 9,000-event burst into a 10,000-row
    // waiting list: test_app_responsiveness).
    qsizetype eventsPerTurn = 32;
};

// The non-template machinery (subscriptions, snapshot requests, the queue, signals).
class LiveListBase : public QObject
{
    Q_OBJECT
public:
    ~LiveListBase() override;
    Q_DISABLE_COPY_MOVE(LiveListBase)

    // Subscribes and fetches the first snapshot (or waits until the connection is up).
    void start();
    // Fetches a snapshot again (coalesced; cancels one in flight).
    void refresh();
    // True from a snapshot request until its rows are applied.
    bool isLoading() const { return m_ticket != 0 || m_fetchTimer.isActive(); }
    // Rows reflect the server: a snapshot was applied since the last (re)connect.
    bool isCurrent() const { return m_current; }
    int snapshotsApplied() const { return m_snapshotsApplied; }
    BusError lastError() const { return m_lastError; }

Q_SIGNALS:
    void rowsReset(); // a snapshot replaced every row
    void rowChanged(const QString& key);
    void rowRemoved(const QString& key);
    void changed(); // after any of the above, once per snapshot or event
    void currentChanged(bool current);
    void errorOccurred(const openopd::bus::BusError& error);

protected:
    LiveListBase(Connection& connection, LiveListOptions options, QObject* parent);
    // Replace every row from a snapshot reply; an error leaves the rows as they were.
    virtual BusError resetFrom(const Message& snapshot) = 0;
    // Apply one event; report the keys it changed or removed.
    virtual BusError applyEvent(const Message& event, QStringList* changedKeys,
                                QStringList* removedKeys) = 0;
    void timerEvent(QTimerEvent* event) override;

private:
    void scheduleFetch();
    void fetch();
    void onSnapshot(quint64 ticket, Result<Message> reply);
    void onEvent(const Message& event);
    void apply(const Message& event);
    void onStateChanged(Connection::State state);
    void setCurrent(bool current);
    void fail(const BusError& error);

    Connection& m_connection;
    LiveListOptions m_options;
    QList<Subscription*> m_subscriptions;
    quint64 m_droppedSeen = 0;
    bool m_started = false;
    quint64 m_ticket = 0;
    QBasicTimer m_fetchTimer; // zero-delay coalescing, or the retry interval after a failure
    QList<Message> m_queue;   // events that arrived while the snapshot was in flight
    bool m_current = false;
    int m_snapshotsApplied = 0;
    BusError m_lastError;
};

// "The rows of group are now exactly rows" (empty: the group left the list).
template <class Row> struct LiveEdit
{
    QString group;
    QList<Row> rows;
};

// The rows themselves; decoders turn the wire into rows and edits.
template <class Row> class LiveList final : public LiveListBase
{
public:
    using KeyOf = std::function<QString(const Row&)>;
    using SnapshotDecoder = std::function<Result<QList<Row>>(const Message&)>;
    using EventDecoder = std::function<Result<LiveEdit<Row>>(const Message&)>;

    // groupOf null: each row is its own group (per-row events).
    LiveList(Connection& connection, LiveListOptions options, KeyOf keyOf, KeyOf groupOf,
             SnapshotDecoder decodeSnapshot, EventDecoder decodeEvent, QObject* parent = nullptr)
        : LiveListBase(connection, std::move(options), parent), m_keyOf(std::move(keyOf)),
          m_groupOf(groupOf ? std::move(groupOf) : m_keyOf),
          m_decodeSnapshot(std::move(decodeSnapshot)), m_decodeEvent(std::move(decodeEvent))
    {}

    // Ordered by key.
    QList<Row> rows() const { return m_rows.values(); }
    std::optional<Row> row(const QString& key) const
    {
        const auto it = m_rows.constFind(key);
        return it == m_rows.constEnd() ? std::nullopt : std::optional<Row>(*it);
    }
    qsizetype size() const { return m_rows.size(); }

protected:
    BusError resetFrom(const Message& snapshot) override
    {
        Result<QList<Row>> rows = m_decodeSnapshot(snapshot);
        if (!rows)
            return rows.error();
        m_rows.clear();
        m_groups.clear();
        for (const Row& row : rows.value())
            put(row);
        return {};
    }

    BusError applyEvent(const Message& event, QStringList* changedKeys,
                        QStringList* removedKeys) override
    {
        Result<LiveEdit<Row>> edit = m_decodeEvent(event);
        if (!edit)
            return edit.error();
        QSet<QString> kept;
        for (const Row& row : edit->rows) {
            const QString key = m_keyOf(row);
            kept.insert(key);
            const auto old = m_rows.constFind(key);
            bool same = false;
            if constexpr (std::equality_comparable<Row>)
                same = old != m_rows.constEnd() && *old == row;
            if (old != m_rows.constEnd())
                m_groups[m_groupOf(*old)].remove(key); // a row may move to another group
            put(row);
            if (!same)
                changedKeys->append(key);
        }
        const QSet<QString> before = m_groups.value(edit->group);
        for (const QString& key : before) {
            if (kept.contains(key))
                continue;
            m_rows.remove(key);
            m_groups[edit->group].remove(key);
            removedKeys->append(key);
        }
        if (m_groups.value(edit->group).isEmpty())
            m_groups.remove(edit->group);
        return {};
    }

private:
    void put(const Row& row)
    {
        const QString key = m_keyOf(row);
        m_rows.insert(key, row);
        m_groups[m_groupOf(row)].insert(key);
    }

    KeyOf m_keyOf;
    KeyOf m_groupOf;
    SnapshotDecoder m_decodeSnapshot;
    EventDecoder m_decodeEvent;
    QMap<QString, Row> m_rows;
    QHash<QString, QSet<QString>> m_groups; // group -> keys of its rows
};

} // namespace openopd::bus
