#include "core/lab/lab_orders_model.h"

#include "bus/codec.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QFont>
#include <QLocale>
#include <algorithm>

namespace openopd::app {

using protocol::LabOrder;
using protocol::LabOrderState;

namespace {

using Live = bus::LiveList<LabOrder>;

QList<LabOrder> pendingOnly(const QList<LabOrder>& orders)
{
    QList<LabOrder> kept;
    for (const LabOrder& order : orders)
        if (LabOrdersModel::belongsInList(order))
            kept.append(order);
    return kept;
}

} // namespace

LabOrdersModel::LabOrdersModel(QObject* parent) : QAbstractTableModel(parent) {}

LabOrdersModel::LabOrdersModel(bus::Connection& connection, QObject* parent)
    : QAbstractTableModel(parent)
{
    startLive(connection);
}

LabOrdersModel::~LabOrdersModel() = default;

void LabOrdersModel::startLive(bus::Connection& connection)
{
    protocol::PendingLabOrdersRequest request;
    request.limit = 200; // the most the endpoint returns
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kPendingLabOrders.subjectBytes();
    options.snapshotRequest = bus::Codec<protocol::PendingLabOrdersRequest>::encode(request);
    options.eventSubjects = {protocol::kLabOrderListChanged.subjectBytes()};
    auto decodeSnapshot = [](const bus::Message& message) -> bus::Result<QList<LabOrder>> {
        auto reply = bus::Codec<protocol::LabOrderListReply>::decode(message.data);
        if (!reply)
            return reply.error();
        return pendingOnly(reply->orders);
    };
    // "The visit's pending orders are now exactly these."
    auto decodeEvent = [](const bus::Message& message) -> bus::Result<bus::LiveEdit<LabOrder>> {
        using Envelope = protocol::EventEnvelope<protocol::ListChange<LabOrder>>;
        auto event = bus::Codec<Envelope>::decode(message.data);
        if (!event)
            return event.error();
        return bus::LiveEdit<LabOrder>{event->payload.visitId, pendingOnly(event->payload.rows)};
    };
    auto* live = new Live(
        connection, std::move(options), [](const LabOrder& o) { return o.id; },
        [](const LabOrder& o) { return o.visitId; }, decodeSnapshot, decodeEvent, this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, [this] {
        m_error = {};
        resetOrders(m_live->rows());
    });
    connect(live, &bus::LiveListBase::rowChanged, this, [this](const QString& key) {
        if (const auto order = m_live->row(key))
            upsertOrder(*order);
    });
    connect(live, &bus::LiveListBase::rowRemoved, this, &LabOrdersModel::removeOrder);
    connect(live, &bus::LiveListBase::currentChanged, this, &LabOrdersModel::currentChanged);
    connect(live, &bus::LiveListBase::errorOccurred, this, [this](const bus::BusError& error) {
        m_error = error;
        Q_EMIT errorOccurred(error);
    });
    live->start();
}

bool LabOrdersModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

bool LabOrdersModel::isLoading() const
{
    return m_live && m_live->isLoading();
}

void LabOrdersModel::refresh()
{
    if (m_live)
        m_live->refresh();
}

bool LabOrdersModel::belongsInList(const LabOrder& order)
{
    return order.state == LabOrderState::Ordered || order.state == LabOrderState::Collected;
}

bool LabOrdersModel::before(const LabOrder& a, const LabOrder& b)
{
    if (a.test.urgent != b.test.urgent)
        return a.test.urgent;
    if (a.orderedAt != b.orderedAt)
        return a.orderedAt < b.orderedAt;
    if (a.consultationId != b.consultationId)
        return a.consultationId < b.consultationId;
    return a.line < b.line;
}

int LabOrdersModel::rowOf(const QString& orderId) const
{
    for (int row = 0; row < m_rows.size(); ++row) // at most 200 rows
        if (m_rows.at(row).id == orderId)
            return row;
    return -1;
}

std::optional<LabOrder> LabOrdersModel::order(const QString& orderId) const
{
    const int row = rowOf(orderId);
    return row < 0 ? std::nullopt : std::optional<LabOrder>(m_rows.at(row));
}

void LabOrdersModel::resetOrders(const QList<LabOrder>& orders)
{
    beginResetModel();
    m_rows = pendingOnly(orders);
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
}

void LabOrdersModel::upsertOrder(const LabOrder& order)
{
    if (!belongsInList(order))
        return removeOrder(order.id);
    const int at = rowOf(order.id);
    if (at >= 0 && !before(order, m_rows.at(at)) && !before(m_rows.at(at), order)) {
        m_rows[at] = order; // same place: its cells change (e.g. collected)
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    if (at >= 0)
        removeOrder(order.id);
    const int insertAt =
        int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), order, before) - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_rows.insert(insertAt, order);
    endInsertRows();
}

void LabOrdersModel::removeOrder(const QString& orderId)
{
    const int at = rowOf(orderId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
}

int LabOrdersModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LabOrdersModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LabOrdersModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const LabOrder& order = m_rows.at(index.row());
    switch (role) {
    case OrderIdRole:
        return order.id;
    case StateRole:
        return int(order.state);
    case UrgentRole:
        return order.test.urgent;
    case Qt::FontRole:
        if (order.test.urgent) { // urgent tests stand out
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case PatientColumn:
        return order.patientName;
    case TestColumn:
        return order.test.urgent ? tr("%1 (urgent)").arg(order.test.testName) : order.test.testName;
    case SpecimenColumn:
        return order.test.specimen;
    case StateColumn:
        return order.sampleId.isEmpty()
                   ? stateText(order.state)
                   : tr("%1 · sample %2").arg(stateText(order.state), order.sampleId);
    case OrderedColumn:
        return QLocale().toString(order.orderedAt.toLocalTime().time(), QLocale::ShortFormat);
    default:
        return {};
    }
}

QVariant LabOrdersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PatientColumn:
        return tr("Patient");
    case TestColumn:
        return tr("Test");
    case SpecimenColumn:
        return tr("Specimen");
    case StateColumn:
        return tr("State");
    case OrderedColumn:
        return tr("Ordered");
    default:
        return {};
    }
}

QString LabOrdersModel::stateText(LabOrderState state)
{
    switch (state) {
    case LabOrderState::Ordered:
        return tr("Sample to collect");
    case LabOrderState::Collected:
        return tr("Sample collected");
    case LabOrderState::Resulted:
        return tr("Resulted");
    case LabOrderState::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

} // namespace openopd::app
