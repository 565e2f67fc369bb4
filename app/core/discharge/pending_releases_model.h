#pragma once

// The pending releases (issue 11): every visit whose clinical work is done and that waits
// for its discharge decision, kept live from the bus. A bus::LiveList fetches
// opd.discharge.release.pending and applies opd.events.list.releases_changed; it fetches
// again after every reconnect. Rows are ordered oldest ready first (as the service lists
// them). Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "protocol/discharge.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace openopd::app {

class PendingReleasesModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TokenColumn, PatientColumn, QueueColumn, StateColumn, ReadyColumn, ColumnCount };
    enum Role { VisitIdRole = Qt::UserRole + 1 };

    explicit PendingReleasesModel(bus::Connection& connection, QObject* parent = nullptr);
    explicit PendingReleasesModel(QObject* parent = nullptr); // detached (tests)
    ~PendingReleasesModel() override;
    Q_DISABLE_COPY_MOVE(PendingReleasesModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    int rowOf(const QString& visitId) const;
    const protocol::PendingRelease& releaseAt(int row) const { return m_rows.at(row); }
    std::optional<protocol::PendingRelease> release(const QString& visitId) const;
    bool isCurrent() const;

    void resetReleases(const QList<protocol::PendingRelease>& releases);
    void upsertRelease(const protocol::PendingRelease& release);
    void removeRelease(const QString& visitId);

    // "Dispensed", "Seen by the doctor", … and what the doctor decided.
    static QString stateText(protocol::VisitState state);
    static QString dispositionText(protocol::Disposition disposition);
    static bool before(const protocol::PendingRelease& a, const protocol::PendingRelease& b);

Q_SIGNALS:
    void currentChanged(bool current);
    void errorOccurred(const openopd::bus::BusError& error);

private:
    QList<protocol::PendingRelease> m_rows;
    QPointer<bus::LiveList<protocol::PendingRelease>> m_live;
};

} // namespace openopd::app
