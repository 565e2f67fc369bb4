#pragma once

// The doctor's queue (issue 11): today's visits waiting for a doctor, and those called or in
// consultation, kept live from the bus without polling. A bus::LiveList fetches
// opd.consultation.queue.list (include_called) and applies opd.events.list.queue_changed
// (one visit's rows at a time); it fetches again after every reconnect.
//
// Rows are in the order the doctor calls them: priority (emergency first), then token. The
// waiting-time column is refreshed by one timer (dataChanged for that column only). A queue
// holds at most 1000 rows (the endpoint's limit), so a row is found by a linear scan.
// Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "protocol/visit.h"

#include <QAbstractTableModel>
#include <QBasicTimer>
#include <QPointer>
#include <optional>

namespace openopd::app {

class DoctorQueueModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        TokenColumn,
        PatientColumn,
        PriorityColumn,
        StateColumn,
        WaitingColumn,
        ColumnCount
    };
    enum Role {
        VisitIdRole = Qt::UserRole + 1, // QString
        StateRole,                      // int: protocol::VisitState
        CalledByRole,                   // QString: the calling staff id (empty while waiting)
    };

    // Live: starts fetching at once (or when the connection is up).
    explicit DoctorQueueModel(bus::Connection& connection, QObject* parent = nullptr);
    // Detached: rows only through resetEntries/upsertEntry/removeEntry (tests).
    explicit DoctorQueueModel(QObject* parent = nullptr);
    ~DoctorQueueModel() override;
    Q_DISABLE_COPY_MOVE(DoctorQueueModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    int rowOf(const QString& visitId) const;
    const protocol::QueueEntry& entryAt(int row) const { return m_rows.at(row); }
    std::optional<protocol::QueueEntry> entry(const QString& visitId) const;
    // Visits nobody has called yet.
    int waitingCount() const;
    // The visits called by or in consultation with staffId, in queue order.
    QList<protocol::QueueEntry> inHandsOf(const QString& staffId) const;

    bool isCurrent() const;
    bus::BusError lastError() const { return m_error; }
    void refresh();

    void resetEntries(const QList<protocol::QueueEntry>& entries);
    void upsertEntry(const protocol::QueueEntry& entry);
    void removeEntry(const QString& visitId);

    static QString stateText(const protocol::QueueEntry& entry);
    static bool before(const protocol::QueueEntry& a, const protocol::QueueEntry& b);

    void setWaitingRefreshInterval(int ms);

Q_SIGNALS:
    void currentChanged(bool current);
    void errorOccurred(const openopd::bus::BusError& error);
    // After any row change (count, states).
    void entriesChanged();

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    void startLive(bus::Connection& connection);

    QList<protocol::QueueEntry> m_rows;
    QPointer<bus::LiveList<protocol::QueueEntry>> m_live;
    QBasicTimer m_waitingTimer;
    bus::BusError m_error;
};

} // namespace openopd::app
