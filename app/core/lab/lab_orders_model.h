#pragma once

// The lab's pending orders (issue 11): every order that is ordered or collected, kept live
// from the bus without polling. A bus::LiveList fetches opd.lab.order.pending and applies
// opd.events.list.lab_orders_changed (one visit's orders at a time); it fetches again after
// every reconnect. Rows are ordered as the lab works: urgent first, then oldest order, then
// line. Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/live_list.h"
#include "protocol/lab.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace openopd::app {

class LabOrdersModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        PatientColumn,
        TestColumn,
        SpecimenColumn,
        StateColumn,
        OrderedColumn,
        ColumnCount
    };
    enum Role {
        OrderIdRole = Qt::UserRole + 1, // QString
        StateRole,                      // int: protocol::LabOrderState
        UrgentRole,                     // bool
    };

    // Live: starts fetching at once (or when the connection is up).
    explicit LabOrdersModel(bus::Connection& connection, QObject* parent = nullptr);
    // Detached: rows only through resetOrders / upsertOrder / removeOrder (tests).
    explicit LabOrdersModel(QObject* parent = nullptr);
    ~LabOrdersModel() override;
    Q_DISABLE_COPY_MOVE(LabOrdersModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    int rowOf(const QString& orderId) const; // -1 when not listed
    const protocol::LabOrder& orderAt(int row) const { return m_rows.at(row); }
    std::optional<protocol::LabOrder> order(const QString& orderId) const;

    bool isCurrent() const;
    bool isLoading() const;
    bus::BusError lastError() const { return m_error; }
    void refresh();

    void resetOrders(const QList<protocol::LabOrder>& orders);
    void upsertOrder(const protocol::LabOrder& order);
    void removeOrder(const QString& orderId);

    static QString stateText(protocol::LabOrderState state);
    // Ordered and collected orders are pending; resulted and cancelled ones leave the list.
    static bool belongsInList(const protocol::LabOrder& order);
    // Urgent first, then ordered_at, consultation and line (a total order).
    static bool before(const protocol::LabOrder& a, const protocol::LabOrder& b);

Q_SIGNALS:
    void currentChanged(bool current);
    void errorOccurred(const openopd::bus::BusError& error);

private:
    void startLive(bus::Connection& connection);

    QList<protocol::LabOrder> m_rows;
    QPointer<bus::LiveList<protocol::LabOrder>> m_live;
    bus::BusError m_error;
};

} // namespace openopd::app
