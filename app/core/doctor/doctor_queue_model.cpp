#include "core/doctor/doctor_queue_model.h"

#include "bus/codec.h"
#include "core/reception/waiting_list_model.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QFont>
#include <QTimerEvent>
#include <algorithm>

namespace openopd::app {

using protocol::QueueEntry;
using protocol::VisitState;

namespace {

using Live = bus::LiveList<QueueEntry>;

bus::Result<QList<QueueEntry>> decodeSnapshot(const bus::Message& message)
{
    auto reply = bus::Codec<protocol::DoctorQueueReply>::decode(message.data);
    if (!reply)
        return reply.error();
    return reply->entries;
}

// "The visit's rows are now exactly these" (none when it left the queue).
bus::Result<bus::LiveEdit<QueueEntry>> decodeEvent(const bus::Message& message)
{
    using Envelope = protocol::EventEnvelope<protocol::ListChange<QueueEntry>>;
    auto event = bus::Codec<Envelope>::decode(message.data);
    if (!event)
        return event.error();
    return bus::LiveEdit<QueueEntry>{event->payload.visitId, event->payload.rows};
}

} // namespace

DoctorQueueModel::DoctorQueueModel(QObject* parent) : QAbstractTableModel(parent)
{
    setWaitingRefreshInterval(1000);
}

DoctorQueueModel::DoctorQueueModel(bus::Connection& connection, QObject* parent)
    : DoctorQueueModel(parent)
{
    startLive(connection);
}

DoctorQueueModel::~DoctorQueueModel() = default;

void DoctorQueueModel::startLive(bus::Connection& connection)
{
    protocol::DoctorQueueRequest request;
    request.includeCalled = true;
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kDoctorQueue.subjectBytes();
    options.snapshotRequest = bus::Codec<protocol::DoctorQueueRequest>::encode(request);
    options.eventSubjects = {protocol::kQueueListChanged.subjectBytes()};
    auto* live = new Live(
        connection, std::move(options), [](const QueueEntry& entry) { return entry.visitId; },
        nullptr, decodeSnapshot, decodeEvent, this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, [this] {
        m_error = {};
        resetEntries(m_live->rows());
    });
    connect(live, &bus::LiveListBase::rowChanged, this, [this](const QString& key) {
        if (std::optional<QueueEntry> entry = m_live->row(key))
            upsertEntry(*entry);
    });
    connect(live, &bus::LiveListBase::rowRemoved, this, &DoctorQueueModel::removeEntry);
    connect(live, &bus::LiveListBase::currentChanged, this, &DoctorQueueModel::currentChanged);
    connect(live, &bus::LiveListBase::errorOccurred, this, [this](const bus::BusError& error) {
        m_error = error;
        Q_EMIT errorOccurred(error);
    });
    live->start();
}

bool DoctorQueueModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

void DoctorQueueModel::refresh()
{
    if (m_live)
        m_live->refresh();
}

bool DoctorQueueModel::before(const QueueEntry& a, const QueueEntry& b)
{
    const int rankA = protocol::priorityRank(a.priority);
    const int rankB = protocol::priorityRank(b.priority);
    if (rankA != rankB)
        return rankA < rankB;
    if (a.token != b.token)
        return a.token < b.token;
    return a.visitId < b.visitId;
}

int DoctorQueueModel::rowOf(const QString& visitId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).visitId == visitId)
            return row;
    return -1;
}

std::optional<QueueEntry> DoctorQueueModel::entry(const QString& visitId) const
{
    const int row = rowOf(visitId);
    return row < 0 ? std::nullopt : std::optional<QueueEntry>(m_rows.at(row));
}

int DoctorQueueModel::waitingCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const QueueEntry& entry) {
        return entry.state == VisitState::Registered;
    }));
}

QList<QueueEntry> DoctorQueueModel::inHandsOf(const QString& staffId) const
{
    QList<QueueEntry> mine;
    for (const QueueEntry& entry : m_rows)
        if ((entry.state == VisitState::Called || entry.state == VisitState::InConsultation) &&
            entry.calledBy && entry.calledBy->id == staffId)
            mine.append(entry);
    return mine;
}

void DoctorQueueModel::resetEntries(const QList<QueueEntry>& entries)
{
    beginResetModel();
    m_rows = entries;
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    Q_EMIT entriesChanged();
}

void DoctorQueueModel::upsertEntry(const QueueEntry& entry)
{
    const int at = rowOf(entry.visitId);
    if (at >= 0 && !before(entry, m_rows.at(at)) && !before(m_rows.at(at), entry)) {
        m_rows[at] = entry; // same place in the order: one row's cells change
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        Q_EMIT entriesChanged();
        return;
    }
    if (at >= 0)
        removeEntry(entry.visitId);
    const auto position = std::lower_bound(m_rows.cbegin(), m_rows.cend(), entry, before);
    const int insertAt = int(position - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_rows.insert(insertAt, entry);
    endInsertRows();
    Q_EMIT entriesChanged();
}

void DoctorQueueModel::removeEntry(const QString& visitId)
{
    const int at = rowOf(visitId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
    Q_EMIT entriesChanged();
}

int DoctorQueueModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DoctorQueueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DoctorQueueModel::stateText(const QueueEntry& entry)
{
    const QString who = entry.calledBy ? entry.calledBy->name : QString();
    switch (entry.state) {
    case VisitState::Registered:
        // Back from the lab: only the ordering doctor's Call next picks it.
        return entry.reviewOf.isEmpty() ? tr("Waiting") : tr("Back with lab results");
    case VisitState::Called:
        return who.isEmpty() ? tr("Called") : tr("Called by %1").arg(who);
    case VisitState::InConsultation:
        return who.isEmpty() ? tr("With the doctor") : tr("With %1").arg(who);
    default:
        return WaitingListModel::stateText(entry.state);
    }
}

QVariant DoctorQueueModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const QueueEntry& entry = m_rows.at(index.row());
    switch (role) {
    case VisitIdRole:
        return entry.visitId;
    case StateRole:
        return int(entry.state);
    case CalledByRole:
        return entry.calledBy ? entry.calledBy->id : QString();
    case Qt::FontRole:
        if (index.column() == PriorityColumn && entry.priority != protocol::Priority::Normal) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == TokenColumn || index.column() == WaitingColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case TokenColumn:
        return QString::number(entry.token);
    case PatientColumn:
        return entry.patientName;
    case PriorityColumn:
        return WaitingListModel::priorityText(entry.priority);
    case StateColumn:
        return stateText(entry);
    case WaitingColumn:
        if (!entry.registeredAt.isValid())
            return QString();
        return WaitingListModel::waitingText(
            entry.registeredAt.secsTo(QDateTime::currentDateTimeUtc()));
    default:
        return {};
    }
}

QVariant DoctorQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TokenColumn:
        return tr("Token");
    case PatientColumn:
        return tr("Patient");
    case PriorityColumn:
        return tr("Priority");
    case StateColumn:
        return tr("State");
    case WaitingColumn:
        return tr("Waiting");
    default:
        return {};
    }
}

void DoctorQueueModel::setWaitingRefreshInterval(int ms)
{
    if (ms > 0)
        m_waitingTimer.start(ms, Qt::CoarseTimer, this);
    else
        m_waitingTimer.stop();
}

void DoctorQueueModel::timerEvent(QTimerEvent* event)
{
    if (event->timerId() != m_waitingTimer.timerId())
        return QAbstractTableModel::timerEvent(event);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, WaitingColumn), index(int(m_rows.size()) - 1, WaitingColumn),
                           {Qt::DisplayRole});
}

} // namespace openopd::app
