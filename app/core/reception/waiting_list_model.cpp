#include "core/reception/waiting_list_model.h"

#include "bus/codec.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QFont>
#include <QTimerEvent>
#include <algorithm>

namespace openopd::app {

using protocol::Visit;
using protocol::VisitState;

namespace {

using Live = bus::LiveList<Visit>;

bus::Result<QList<Visit>> decodeSnapshot(const bus::Message& message)
{
    auto reply = bus::Codec<protocol::VisitListReply>::decode(message.data);
    if (!reply)
        return reply.error();
    QList<Visit> visits;
    visits.reserve(reply->visits.size());
    for (const Visit& visit : reply->visits)
        if (WaitingListModel::belongsInList(visit))
            visits.append(visit);
    return visits;
}

// "The visit's rows are now exactly these": the visit itself while it waits, else none.
bus::LiveEdit<Visit> editFor(const Visit& visit)
{
    bus::LiveEdit<Visit> edit{visit.id, {}};
    if (WaitingListModel::belongsInList(visit))
        edit.rows.append(visit);
    return edit;
}

// A state change names the visit, not its row: the row we hold gets the new state. A
// waiting visit we do not hold cannot be built from the change: the error makes the live
// list fetch the whole list again.
bus::Result<bus::LiveEdit<Visit>> decodeStatusChange(const Live* live, const QString& queue,
                                                     const bus::Message& message)
{
    using Envelope = protocol::EventEnvelope<protocol::VisitStatusChange>;
    auto event = bus::Codec<Envelope>::decode(message.data);
    if (!event)
        return event.error();
    const protocol::VisitStatusChange& change = event->payload;
    if (!queue.isEmpty() && change.queue != queue)
        return bus::LiveEdit<Visit>{change.visitId, {}}; // another queue's visit
    std::optional<Visit> visit = live ? live->row(change.visitId) : std::nullopt;
    if (!visit) {
        if (!protocol::isWaitingState(change.state))
            return bus::LiveEdit<Visit>{change.visitId, {}};
        return bus::BusError::decode(QStringLiteral("visit_id"),
                                     QStringLiteral("a change of a visit not in the list"));
    }
    visit->state = change.state;
    visit->history.append({change.state, change.at, event->actor, change.reason});
    return editFor(*visit);
}

} // namespace

WaitingListModel::WaitingListModel(QObject* parent) : QAbstractTableModel(parent)
{
    setWaitingRefreshInterval(m_waitingIntervalMs);
}

WaitingListModel::WaitingListModel(bus::Connection& connection, QObject* parent,
                                   const QString& queue)
    : WaitingListModel(parent)
{
    startLive(connection, queue);
}

WaitingListModel::~WaitingListModel() = default;

void WaitingListModel::startLive(bus::Connection& connection, const QString& queue)
{
    protocol::WaitingListRequest request;
    request.queue = queue;
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kWaitingList.subjectBytes();
    options.snapshotRequest = bus::Codec<protocol::WaitingListRequest>::encode(request);
    // Reception may read exactly these visit events (docs/security.md), so no wildcard.
    options.eventSubjects = {
        protocol::kVisitRegistered.subjectBytes(), protocol::kVisitCalled.subjectBytes(),
        protocol::kVisitConsultationStarted.subjectBytes(),
        protocol::kVisitCancelled.subjectBytes(), protocol::kVisitLeftUnseen.subjectBytes()};
    const QByteArray registeredSubject = protocol::kVisitRegistered.subjectBytes();
    // The event decoder reads the live list's rows through m_live (a child of this model,
    // so it never outlives it); it runs only after start().
    auto decodeEvent = [this, registeredSubject,
                        queue](const bus::Message& message) -> bus::Result<bus::LiveEdit<Visit>> {
        if (message.subject == registeredSubject) {
            using Envelope = protocol::EventEnvelope<Visit>;
            auto event = bus::Codec<Envelope>::decode(message.data);
            if (!event)
                return event.error();
            if (!queue.isEmpty() && event->payload.queue != queue)
                return bus::LiveEdit<Visit>{event->payload.id, {}};
            return editFor(event->payload);
        }
        return decodeStatusChange(m_live.data(), queue, message);
    };
    auto* live = new Live(
        connection, std::move(options), [](const Visit& visit) { return visit.id; }, nullptr,
        decodeSnapshot, std::move(decodeEvent), this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, &WaitingListModel::onLiveReset);
    connect(live, &bus::LiveListBase::rowChanged, this, &WaitingListModel::onLiveRowChanged);
    connect(live, &bus::LiveListBase::rowRemoved, this, &WaitingListModel::removeVisit);
    connect(live, &bus::LiveListBase::changed, this, &WaitingListModel::updateLoading);
    connect(live, &bus::LiveListBase::currentChanged, this, [this](bool current) {
        updateLoading();
        Q_EMIT currentChanged(current);
    });
    connect(live, &bus::LiveListBase::errorOccurred, this, [this](const bus::BusError& error) {
        setError(error);
        updateLoading();
    });
    live->start();
    updateLoading();
}

void WaitingListModel::onLiveReset()
{
    setError({});
    resetVisits(m_live->rows());
}

void WaitingListModel::onLiveRowChanged(const QString& key)
{
    if (std::optional<Visit> visit = m_live->row(key))
        upsertVisit(*visit);
}

bool WaitingListModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

bool WaitingListModel::isLoading() const
{
    return m_live && m_live->isLoading();
}

void WaitingListModel::refresh()
{
    if (m_live)
        m_live->refresh();
    updateLoading();
}

void WaitingListModel::updateLoading()
{
    const bool loading = isLoading();
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

void WaitingListModel::setError(const bus::BusError& error)
{
    m_error = error;
    if (error.isError())
        Q_EMIT errorOccurred(error);
}

std::optional<Visit> WaitingListModel::visit(const QString& visitId) const
{
    const int row = rowOf(visitId);
    return row < 0 ? std::nullopt : std::optional<Visit>(*m_rows.at(row).visit);
}

WaitingListModel::Row WaitingListModel::makeRow(const Visit& visit)
{
    const QDateTime at = visit.registeredAt();
    return {{protocol::priorityRank(visit.priority), at.isValid() ? at.toMSecsSinceEpoch() : 0,
             visit.token, visit.id},
            std::make_shared<const Visit>(visit)};
}

bool WaitingListModel::keyBefore(const SortKey& a, const SortKey& b)
{
    if (a.rank != b.rank)
        return a.rank < b.rank;
    if (a.registeredMs != b.registeredMs)
        return a.registeredMs < b.registeredMs;
    if (a.token != b.token)
        return a.token < b.token;
    return a.id < b.id;
}

bool WaitingListModel::before(const Row& a, const Row& b)
{
    return keyBefore(a.key, b.key);
}

int WaitingListModel::rowOf(const QString& visitId) const
{
    const auto key = m_keys.constFind(visitId);
    if (key == m_keys.cend())
        return -1;
    const auto at = std::lower_bound(
        m_rows.cbegin(), m_rows.cend(), *key,
        [](const Row& row, const SortKey& wanted) { return keyBefore(row.key, wanted); });
    return at != m_rows.cend() && at->key.id == visitId ? int(at - m_rows.cbegin()) : -1;
}

void WaitingListModel::resetVisits(const QList<Visit>& visits)
{
    beginResetModel();
    m_rows.clear();
    m_keys.clear();
    m_rows.reserve(visits.size());
    for (const Visit& visit : visits)
        if (belongsInList(visit))
            m_rows.append(makeRow(visit));
    std::sort(m_rows.begin(), m_rows.end(), before);
    // A visit listed twice keeps its first row (the live list never does this).
    m_rows.erase(std::unique(m_rows.begin(), m_rows.end(),
                             [](const Row& a, const Row& b) { return a.key.id == b.key.id; }),
                 m_rows.end());
    m_keys.reserve(m_rows.size());
    for (const Row& row : m_rows)
        m_keys.insert(row.key.id, row.key);
    endResetModel();
}

void WaitingListModel::upsertVisit(const Visit& visit)
{
    if (!belongsInList(visit)) {
        removeVisit(visit.id);
        return;
    }
    Row row = makeRow(visit);
    const int at = rowOf(visit.id);
    if (at >= 0 && !before(row, m_rows.at(at)) && !before(m_rows.at(at), row)) {
        // Same place in the order (a state change): one row's cells change.
        m_rows[at] = std::move(row);
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    if (at >= 0)
        removeVisit(visit.id); // its priority changed: it moves
    const auto position = std::lower_bound(m_rows.cbegin(), m_rows.cend(), row, before);
    const int insertAt = int(position - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_keys.insert(row.key.id, row.key);
    m_rows.insert(insertAt, std::move(row));
    endInsertRows();
}

void WaitingListModel::removeVisit(const QString& visitId)
{
    const int at = rowOf(visitId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    m_keys.remove(visitId);
    endRemoveRows();
}

int WaitingListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WaitingListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WaitingListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows.at(index.row());
    const Visit& visit = *row.visit;
    switch (role) {
    case VisitIdRole:
        return visit.id;
    case TokenRole:
        return visit.token;
    case StateRole:
        return int(visit.state);
    case RegisteredAtRole:
        return visit.registeredAt();
    case Qt::FontRole:
        // Emergencies and urgent visits stand out in the priority column.
        if (index.column() == PriorityColumn && visit.priority != protocol::Priority::Normal) {
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
        return QString::number(visit.token);
    case PatientColumn:
        return visit.patientName;
    case PriorityColumn:
        return priorityText(visit.priority);
    case QueueColumn:
        return visit.queue;
    case StateColumn:
        return stateText(visit.state);
    case WaitingColumn:
        if (row.key.registeredMs == 0)
            return QString();
        return waitingText((QDateTime::currentMSecsSinceEpoch() - row.key.registeredMs) / 1000);
    default:
        return {};
    }
}

QVariant WaitingListModel::headerData(int section, Qt::Orientation orientation, int role) const
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
    case QueueColumn:
        return tr("Queue");
    case StateColumn:
        return tr("State");
    case WaitingColumn:
        return tr("Waiting");
    default:
        return {};
    }
}

QString WaitingListModel::waitingText(qint64 seconds)
{
    seconds = std::max<qint64>(seconds, 0);
    if (seconds < 3600)
        return tr("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    const qint64 minutes = seconds / 60;
    return tr("%1:%2 h").arg(minutes / 60).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString WaitingListModel::stateText(VisitState state)
{
    switch (state) {
    case VisitState::Registered:
        return tr("Waiting");
    case VisitState::Called:
        return tr("Called");
    case VisitState::InConsultation:
        return tr("With the doctor");
    case VisitState::Cancelled:
        return tr("Cancelled");
    case VisitState::LeftUnseen:
        return tr("Left unseen");
    default:
        return tr("Seen");
    }
}

QString WaitingListModel::priorityText(protocol::Priority priority)
{
    switch (priority) {
    case protocol::Priority::Emergency:
        return tr("Emergency");
    case protocol::Priority::Urgent:
        return tr("Urgent");
    case protocol::Priority::Normal:
        break;
    }
    return tr("Normal");
}

bool WaitingListModel::belongsInList(const Visit& visit)
{
    return protocol::isWaitingState(visit.state);
}

void WaitingListModel::setWaitingRefreshInterval(int ms)
{
    m_waitingIntervalMs = ms;
    if (ms > 0)
        m_waitingTimer.start(ms, Qt::CoarseTimer, this);
    else
        m_waitingTimer.stop();
}

void WaitingListModel::timerEvent(QTimerEvent* event)
{
    if (event->timerId() != m_waitingTimer.timerId())
        return QAbstractTableModel::timerEvent(event);
    if (m_rows.isEmpty())
        return;
    // One signal for the whole column: the view repaints only the visible cells.
    Q_EMIT dataChanged(index(0, WaitingColumn), index(int(m_rows.size()) - 1, WaitingColumn),
                       {Qt::DisplayRole});
}

} // namespace openopd::app
