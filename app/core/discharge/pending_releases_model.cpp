#include "core/discharge/pending_releases_model.h"

#include "bus/codec.h"
#include "protocol/discharge_api.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QLocale>
#include <algorithm>

namespace openopd::app {

using protocol::PendingRelease;

PendingReleasesModel::PendingReleasesModel(QObject* parent) : QAbstractTableModel(parent) {}

PendingReleasesModel::PendingReleasesModel(bus::Connection& connection, QObject* parent)
    : QAbstractTableModel(parent)
{
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kPendingReleases.subjectBytes();
    options.snapshotRequest =
        bus::Codec<protocol::PendingReleasesRequest>::encode(protocol::PendingReleasesRequest{});
    options.eventSubjects = {protocol::kReleaseListChanged.subjectBytes()};
    auto decodeSnapshot = [](const bus::Message& message) -> bus::Result<QList<PendingRelease>> {
        auto reply = bus::Codec<protocol::PendingReleasesReply>::decode(message.data);
        if (!reply)
            return reply.error();
        return reply->releases;
    };
    auto decodeEvent =
        [](const bus::Message& message) -> bus::Result<bus::LiveEdit<PendingRelease>> {
        using Envelope = protocol::EventEnvelope<protocol::ListChange<PendingRelease>>;
        auto event = bus::Codec<Envelope>::decode(message.data);
        if (!event)
            return event.error();
        return bus::LiveEdit<PendingRelease>{event->payload.visitId, event->payload.rows};
    };
    auto* live = new bus::LiveList<PendingRelease>(
        connection, std::move(options), [](const PendingRelease& r) { return r.visitId; }, nullptr,
        decodeSnapshot, decodeEvent, this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, [this] { resetReleases(m_live->rows()); });
    connect(live, &bus::LiveListBase::rowChanged, this, [this](const QString& key) {
        if (const auto row = m_live->row(key))
            upsertRelease(*row);
    });
    connect(live, &bus::LiveListBase::rowRemoved, this, &PendingReleasesModel::removeRelease);
    connect(live, &bus::LiveListBase::currentChanged, this, &PendingReleasesModel::currentChanged);
    connect(live, &bus::LiveListBase::errorOccurred, this, &PendingReleasesModel::errorOccurred);
    live->start();
}

PendingReleasesModel::~PendingReleasesModel() = default;

bool PendingReleasesModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

bool PendingReleasesModel::before(const PendingRelease& a, const PendingRelease& b)
{
    if (a.readySince != b.readySince)
        return a.readySince < b.readySince;
    return a.visitId < b.visitId;
}

int PendingReleasesModel::rowOf(const QString& visitId) const
{
    for (int row = 0; row < m_rows.size(); ++row) // at most 200 rows (the default page)
        if (m_rows.at(row).visitId == visitId)
            return row;
    return -1;
}

std::optional<PendingRelease> PendingReleasesModel::release(const QString& visitId) const
{
    const int row = rowOf(visitId);
    return row < 0 ? std::nullopt : std::optional<PendingRelease>(m_rows.at(row));
}

void PendingReleasesModel::resetReleases(const QList<PendingRelease>& releases)
{
    beginResetModel();
    m_rows = releases;
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
}

void PendingReleasesModel::upsertRelease(const PendingRelease& release)
{
    const int at = rowOf(release.visitId);
    if (at >= 0 && !before(release, m_rows.at(at)) && !before(m_rows.at(at), release)) {
        m_rows[at] = release;
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    if (at >= 0)
        removeRelease(release.visitId);
    const int insertAt =
        int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), release, before) - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_rows.insert(insertAt, release);
    endInsertRows();
}

void PendingReleasesModel::removeRelease(const QString& visitId)
{
    const int at = rowOf(visitId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
}

int PendingReleasesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PendingReleasesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PendingReleasesModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const PendingRelease& release = m_rows.at(index.row());
    if (role == VisitIdRole)
        return release.visitId;
    if (role == Qt::TextAlignmentRole && index.column() == TokenColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (index.column()) {
    case TokenColumn:
        return QString::number(release.token);
    case PatientColumn:
        return release.patientName;
    case QueueColumn:
        return release.queue;
    case StateColumn:
        return tr("%1 (%2)").arg(stateText(release.state), dispositionText(release.disposition));
    case ReadyColumn:
        return QLocale().toString(release.readySince.toLocalTime().time(), QLocale::ShortFormat);
    default:
        return {};
    }
}

QVariant PendingReleasesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TokenColumn:
        return tr("Token");
    case PatientColumn:
        return tr("Patient");
    case QueueColumn:
        return tr("Queue");
    case StateColumn:
        return tr("Where it stands");
    case ReadyColumn:
        return tr("Ready since");
    default:
        return {};
    }
}

QString PendingReleasesModel::stateText(protocol::VisitState state)
{
    using protocol::VisitState;
    switch (state) {
    case VisitState::Consulted:
        return tr("Seen by the doctor");
    case VisitState::AwaitingLab:
        return tr("Lab tests ordered");
    case VisitState::AwaitingPharmacy:
        return tr("Waiting for the pharmacy");
    case VisitState::Dispensed:
        return tr("Medicines dispensed");
    case VisitState::Discharged:
        return tr("Discharged");
    case VisitState::Admitted:
        return tr("Admitted");
    case VisitState::Referred:
        return tr("Referred");
    default:
        return tr("Open");
    }
}

QString PendingReleasesModel::dispositionText(protocol::Disposition disposition)
{
    using protocol::Disposition;
    switch (disposition) {
    case Disposition::ToPharmacy:
        return tr("to the pharmacy");
    case Disposition::ToLab:
        return tr("to the lab");
    case Disposition::Discharge:
        return tr("discharge");
    case Disposition::Admit:
        return tr("admit");
    case Disposition::Refer:
        return tr("refer");
    }
    return {};
}

} // namespace openopd::app
