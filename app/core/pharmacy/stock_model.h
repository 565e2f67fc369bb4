#pragma once

// The pharmacy's stock (issue 11): one row per batch (drug, batch, expiry, quantity, reorder
// level) from opd.pharmacy.stock.list with the user's search, kept live. A stock event
// (opd.events.stock.received / adjusted / low) or a dispense (opd.events.visit.dispensed,
// which takes stock without a stock event) may change several rows (a reorder level belongs
// to the drug) and the search is matched by the service, so an event makes the model fetch
// the list again (events in one burst share one fetch). The subscriptions exist before the
// first fetch; after a reconnect the list is fetched again.
//
// Each row has a status, said in words as well as by colour: low stock (the drug's unexpired
// total at or below its reorder level), near expiry (within kNearExpiryDays), expired.
// Threading: lives on the connection's thread (the GUI thread).

#include "bus/connection.h"
#include "bus/error.h"
#include "protocol/pharmacy.h"

#include <QAbstractTableModel>
#include <QBasicTimer>
#include <QDate>
#include <QHash>
#include <QPointer>

namespace openopd::bus {
class LatestRequest;
}

namespace openopd::app {

// A batch expiring within this many days is "near expiry".
inline constexpr int kNearExpiryDays = 90;

class StockModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        DrugColumn,
        BatchColumn,
        ExpiryColumn,
        QuantityColumn,
        ReorderColumn,
        StatusColumn,
        ColumnCount
    };
    enum Role {
        DrugCodeRole = Qt::UserRole + 1, // QString
        BatchRole,                       // QString
        StatusRole,                      // int: Status flags
    };
    enum Status { Ok = 0, Low = 1, NearExpiry = 2, Expired = 4 };

    // Live: subscribes and fetches at once (or when the connection is up).
    explicit StockModel(bus::Connection& connection, QObject* parent = nullptr);
    // Detached: rows only through resetItems (tests).
    explicit StockModel(QObject* parent = nullptr);
    ~StockModel() override;
    Q_DISABLE_COPY_MOVE(StockModel)

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The search (a drug code or name prefix; empty: every drug). Fetches again.
    void setQuery(const QString& query);
    QString query() const { return m_query; }
    // "Today" for expiry (default: the local date when asked).
    void setToday(QDate today);
    QDate today() const;

    const protocol::StockItem& itemAt(int row) const { return m_items.at(row); }
    const QList<protocol::StockItem>& items() const { return m_items; }
    int rowOf(const QString& drugCode, const QString& batch) const;
    int statusAt(int row) const;

    bool isLoading() const;
    bool isTruncated() const { return m_truncated; }
    bus::BusError lastError() const { return m_error; }
    int fetches() const { return m_fetches; } // answers applied so far
    // Fetches again now (coalesced with other triggers of this turn).
    void refresh();
    void resetItems(const QList<protocol::StockItem>& items);

    // Status flags of a batch given its drug's unexpired total.
    static int statusOf(const protocol::StockItem& item, int drugTotal, QDate today);
    // "Low stock, expires soon" (empty when Ok).
    static QString statusText(int status);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void loaded();
    void errorOccurred(const openopd::bus::BusError& error);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    void subscribe(bus::Connection& connection);
    void fetch();
    void applyItems(const QList<protocol::StockItem>& items);
    void recomputeTotals();

    QPointer<bus::Connection> m_connection;
    bus::LatestRequest* m_request = nullptr;
    QBasicTimer m_fetchTimer;
    QString m_query;
    QDate m_today;
    QList<protocol::StockItem> m_items;
    QHash<QString, int> m_totals; // drug code -> unexpired quantity listed
    bus::BusError m_error;
    bool m_truncated = false;
    bool m_loading = false;
    int m_fetches = 0;
};

} // namespace openopd::app
