#include "core/pharmacy/stock_model.h"

#include "bus/request_handle.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QTimerEvent>

namespace openopd::app {

using protocol::StockItem;

StockModel::StockModel(QObject* parent) : QAbstractTableModel(parent) {}

StockModel::StockModel(bus::Connection& connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(&connection)
{
    m_request = new bus::LatestRequest(connection, this);
    subscribe(connection);
    // After a reconnect: what changed meanwhile came as events we never got.
    connect(&connection, &bus::Connection::stateChanged, this,
            [this](bus::Connection::State state) {
                if (state == bus::Connection::State::Connected)
                    refresh();
            });
    refresh();
}

StockModel::~StockModel() = default;

void StockModel::subscribe(bus::Connection& connection)
{
    // A pharmacist may read exactly these (docs/security.md); the payload is not needed.
    for (const QByteArray& subject :
         {protocol::kStockReceived.subjectBytes(), protocol::kStockAdjusted.subjectBytes(),
          protocol::kStockLow.subjectBytes(), protocol::kVisitDispensed.subjectBytes()})
        connection.subscribe(subject, this, [this](const bus::Message&) { refresh(); });
}

void StockModel::setQuery(const QString& query)
{
    if (query.trimmed() == m_query)
        return;
    m_query = query.trimmed();
    refresh();
}

void StockModel::setToday(QDate today)
{
    m_today = today;
    recomputeTotals();
    if (!m_items.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_items.size()) - 1, ColumnCount - 1));
}

QDate StockModel::today() const
{
    return m_today.isValid() ? m_today : QDate::currentDate();
}

bool StockModel::isLoading() const
{
    return m_fetchTimer.isActive() || (m_request && m_request->isInFlight());
}

void StockModel::refresh()
{
    if (!m_connection)
        return;
    m_fetchTimer.start(0, this); // one fetch for every trigger of this event-loop turn
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
}

void StockModel::timerEvent(QTimerEvent* event)
{
    if (event->timerId() != m_fetchTimer.timerId())
        return QAbstractTableModel::timerEvent(event);
    m_fetchTimer.stop();
    fetch();
}

void StockModel::fetch()
{
    if (!m_connection || m_connection->state() != bus::Connection::State::Connected) {
        // Fetched when the connection is back (stateChanged).
        m_loading = false;
        Q_EMIT loadingChanged(false);
        return;
    }
    protocol::StockListRequest request;
    request.query = m_query;
    request.limit = 1000; // the endpoint's most
    bus::sendLatest(*m_request, protocol::kStockList, request,
                    [this](bus::Result<protocol::StockListReply> reply) {
                        m_loading = isLoading();
                        Q_EMIT loadingChanged(m_loading);
                        if (!reply) {
                            m_error = reply.error();
                            Q_EMIT errorOccurred(m_error);
                            return;
                        }
                        m_error = {};
                        m_truncated = reply->truncated;
                        ++m_fetches;
                        applyItems(reply->items);
                        Q_EMIT loaded();
                    });
}

void StockModel::resetItems(const QList<StockItem>& items)
{
    applyItems(items);
}

void StockModel::applyItems(const QList<StockItem>& items)
{
    // The same batches in the same order: cells change, the selection stays.
    bool sameKeys = items.size() == m_items.size();
    for (qsizetype i = 0; sameKeys && i < items.size(); ++i)
        sameKeys = items.at(i).drugCode == m_items.at(i).drugCode &&
                   items.at(i).batch == m_items.at(i).batch;
    if (sameKeys) {
        m_items = items;
        recomputeTotals();
        if (!m_items.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_items.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_items = items;
    recomputeTotals();
    endResetModel();
}

void StockModel::recomputeTotals()
{
    m_totals.clear();
    const QDate day = today();
    for (const StockItem& item : std::as_const(m_items))
        if (item.expiry >= day) // the service dispenses a batch up to its expiry day
            m_totals[item.drugCode] += item.quantity;
}

int StockModel::rowOf(const QString& drugCode, const QString& batch) const
{
    for (int row = 0; row < m_items.size(); ++row)
        if (m_items.at(row).drugCode == drugCode && m_items.at(row).batch == batch)
            return row;
    return -1;
}

int StockModel::statusAt(int row) const
{
    const StockItem& item = m_items.at(row);
    return statusOf(item, m_totals.value(item.drugCode), today());
}

int StockModel::statusOf(const StockItem& item, int drugTotal, QDate today)
{
    int status = Ok;
    if (drugTotal <= item.reorderLevel)
        status |= Low;
    if (item.expiry < today)
        status |= Expired;
    else if (item.expiry <= today.addDays(kNearExpiryDays))
        status |= NearExpiry;
    return status;
}

QString StockModel::statusText(int status)
{
    QStringList parts;
    if (status & Low)
        parts.append(tr("Low stock"));
    if (status & Expired)
        parts.append(tr("Expired"));
    if (status & NearExpiry)
        parts.append(tr("Expires soon"));
    return parts.join(QStringLiteral(", "));
}

int StockModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int StockModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StockModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_items.size())
        return {};
    const StockItem& item = m_items.at(index.row());
    const int status = statusAt(index.row());
    switch (role) {
    case DrugCodeRole:
        return item.drugCode;
    case BatchRole:
        return item.batch;
    case StatusRole:
        return status;
    case Qt::TextAlignmentRole:
        if (index.column() == QuantityColumn || index.column() == ReorderColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::BackgroundRole:
        // Colour is a second sign only: the status column says it in words.
        if (status & Expired)
            return QBrush(QColor(0xf4, 0xc7, 0xc3));
        if (status & Low)
            return QBrush(QColor(0xfc, 0xe8, 0xb2));
        if (status & NearExpiry)
            return QBrush(QColor(0xfe, 0xf3, 0xd0));
        return {};
    case Qt::ForegroundRole:
        return status != Ok ? QBrush(Qt::black) : QVariant(); // readable on the light colours
    case Qt::ToolTipRole:
        if (index.column() == StatusColumn && (status & NearExpiry))
            return tr("Expires within %n days", nullptr, kNearExpiryDays);
        if (index.column() == StatusColumn && (status & Low))
            return tr("%1 in unexpired stock; reorder level %2")
                .arg(m_totals.value(item.drugCode))
                .arg(item.reorderLevel);
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case DrugColumn:
        return tr("%1 (%2)").arg(item.drugName, item.drugCode);
    case BatchColumn:
        return item.batch;
    case ExpiryColumn:
        return item.expiry.toString(Qt::ISODate);
    case QuantityColumn:
        return item.unit.isEmpty() ? QLocale().toString(item.quantity)
                                   : tr("%1 %2").arg(QLocale().toString(item.quantity), item.unit);
    case ReorderColumn:
        return QLocale().toString(item.reorderLevel);
    case StatusColumn:
        return status == Ok ? (role == Qt::AccessibleTextRole ? tr("In stock") : QString())
                            : statusText(status);
    default:
        return {};
    }
}

QVariant StockModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case DrugColumn:
        return tr("Drug");
    case BatchColumn:
        return tr("Batch");
    case ExpiryColumn:
        return tr("Expiry");
    case QuantityColumn:
        return tr("Quantity");
    case ReorderColumn:
        return tr("Reorder level");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace openopd::app
