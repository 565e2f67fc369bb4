#pragma once

// The day's waiting list at reception (issue 10): every visit that waits for the doctor
// (registered or called), kept live from the bus without polling. A bus::LiveList fetches
// opd.registration.visit.waiting and applies the visit events reception may read
// (registered, called, consultation_started, cancelled, left_unseen); it fetches again after
// every reconnect. The model mirrors the live list row by row.
//
// Efficiency (10,000 rows must not stall the GUI thread): a snapshot is one model reset;
// an event inserts, changes or removes one row; a key -> row index finds a visit without a
// scan; the waiting-time column is refreshed by one timer that emits dataChanged for that
// column only.
//
// Rows are ordered as the doctor calls them: priority (emergency first), then registration
// time, then token. Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "protocol/visit.h"

#include <QAbstractTableModel>
#include <QBasicTimer>
#include <QHash>
#include <QPointer>
#include <memory>

namespace openopd::app {

class WaitingListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TokenColumn,
        PatientColumn,
        PriorityColumn,
        QueueColumn,
        StateColumn,
        WaitingColumn,
        ColumnCount
    };
    enum Role {
        VisitIdRole = Qt::UserRole + 1, // QString: the visit's id
        TokenRole,                      // int
        StateRole,                      // int: protocol::VisitState
        RegisteredAtRole,               // QDateTime (UTC)
    };

    // Live: starts fetching at once (or when the connection is up). queue empty: all queues.
    WaitingListModel(bus::Connection& connection, QObject* parent = nullptr,
                     const QString& queue = {});
    // Detached: no bus; rows only through resetVisits/upsertVisit/removeVisit (tests, benches).
    explicit WaitingListModel(QObject* parent = nullptr);
    ~WaitingListModel() override;
    Q_DISABLE_COPY_MOVE(WaitingListModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The row of a visit, or -1 (constant time).
    // O(log n): the visit's sort key, then a binary search (no per-row index to renumber).
    int rowOf(const QString& visitId) const;
    const protocol::Visit& visitAt(int row) const { return *m_rows.at(row).visit; }
    std::optional<protocol::Visit> visit(const QString& visitId) const;

    // The rows reflect the server (a snapshot was applied since the last (re)connect).
    bool isCurrent() const;
    // A snapshot request is in flight (first load, reconnect, retry after an error).
    bool isLoading() const;
    // Why the last snapshot or event failed (None once a snapshot succeeded again).
    bus::BusError lastError() const { return m_error; }
    // Fetches the list again (e.g. a "Refresh" the user asked for; never needed for updates).
    void refresh();

    // What the live list feeds (public for tests and benchmarks): all rows at once (one
    // reset), one visit added or changed (a visit that is no longer waiting is removed),
    // one visit gone.
    void resetVisits(const QList<protocol::Visit>& visits);
    void upsertVisit(const protocol::Visit& visit);
    void removeVisit(const QString& visitId);

    // "4:05" under an hour (minutes:seconds), "1:05 h" from an hour (hours:minutes);
    // negative counts as 0 (clocks a little apart).
    static QString waitingText(qint64 seconds);
    // The visit state as the desk says it ("Waiting", "Called", …).
    static QString stateText(protocol::VisitState state);
    static QString priorityText(protocol::Priority priority);
    // Waiting states only: registered and called (protocol::isWaitingState).
    static bool belongsInList(const protocol::Visit& visit);

    // How often the waiting-time column is refreshed (default 1 s; 0 stops it).
    void setWaitingRefreshInterval(int ms);

Q_SIGNALS:
    void currentChanged(bool current);
    void loadingChanged(bool loading);
    void errorOccurred(const openopd::bus::BusError& error);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    // Where a visit sorts: priority, then registration time, token and id (a total order).
    struct SortKey
    {
        int rank = 0;
        qint64 registeredMs = 0; // cached: the waiting column is redrawn every second
        int token = 0;
        QString id;
    };
    // Cheap to move: inserting near the top of 10,000 rows shifts pointers, not visits.
    struct Row
    {
        SortKey key;
        std::shared_ptr<const protocol::Visit> visit;
    };
    static bool keyBefore(const SortKey& a, const SortKey& b);
    static Row makeRow(const protocol::Visit& visit);
    static bool before(const Row& a, const Row& b);
    void startLive(bus::Connection& connection, const QString& queue);
    void onLiveReset();
    void onLiveRowChanged(const QString& key);
    void setError(const bus::BusError& error);
    void updateLoading();

    QList<Row> m_rows;
    QHash<QString, SortKey> m_keys; // visit id -> where it sorts
    QPointer<bus::LiveList<protocol::Visit>> m_live;
    QBasicTimer m_waitingTimer;
    int m_waitingIntervalMs = 1000;
    bus::BusError m_error;
    bool m_loading = false;
};

} // namespace openopd::app
