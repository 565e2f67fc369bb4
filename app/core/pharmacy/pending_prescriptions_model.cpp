#include "core/pharmacy/pending_prescriptions_model.h"

#include "bus/codec.h"
#include "bus/request_handle.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QLocale>
#include <algorithm>

namespace openopd::app {

using protocol::PendingPrescription;

namespace {

using Live = bus::LiveList<PendingPrescription>;
using ChangeEvent = protocol::EventEnvelope<protocol::ListChange<PendingPrescription>>;

QList<PendingPrescription> rowsOfVisit(const Live* live, const QString& visitId)
{
    QList<PendingPrescription> rows;
    if (!live)
        return rows;
    for (const PendingPrescription& row : live->rows())
        if (row.visitId == visitId)
            rows.append(row);
    return rows;
}

} // namespace

PendingPrescriptionsModel::PendingPrescriptionsModel(QObject* parent) : QAbstractTableModel(parent)
{}

PendingPrescriptionsModel::PendingPrescriptionsModel(bus::Connection& connection, QObject* parent)
    : QAbstractTableModel(parent), m_connection(&connection)
{
    startLive(connection);
}

PendingPrescriptionsModel::~PendingPrescriptionsModel() = default;

void PendingPrescriptionsModel::startLive(bus::Connection& connection)
{
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kPendingPrescriptions.subjectBytes();
    // The endpoint's most: a pharmacy with more waiting is told the list is cut.
    options.snapshotRequest = bus::Codec<protocol::PendingPrescriptionsRequest>::encode(
        protocol::PendingPrescriptionsRequest{200});
    options.eventSubjects = {protocol::kPrescriptionListChanged.subjectBytes()};
    auto decodeSnapshot =
        [this](const bus::Message& message) -> bus::Result<QList<PendingPrescription>> {
        auto reply = bus::Codec<protocol::PendingPrescriptionsReply>::decode(message.data);
        if (!reply)
            return reply.error();
        m_truncated = reply->truncated;
        return reply->prescriptions;
    };
    // The decoder reads the live list's rows through m_live (a child of this model).
    auto decodeEvent =
        [this](const bus::Message& message) -> bus::Result<bus::LiveEdit<PendingPrescription>> {
        auto event = bus::Codec<ChangeEvent>::decode(message.data);
        if (!event)
            return event.error();
        const QString visitId = event->payload.visitId;
        const QDateTime last = m_lastEventAt.value(visitId);
        if (last.isValid() && event->occurredAt < last) // late: a newer change is applied
            return bus::LiveEdit<PendingPrescription>{visitId, rowsOfVisit(m_live.data(), visitId)};
        m_lastEventAt.insert(visitId, event->occurredAt);
        return bus::LiveEdit<PendingPrescription>{visitId, event->payload.rows};
    };
    auto* live = new Live(
        connection, std::move(options),
        [](const PendingPrescription& row) { return row.consultationId; },
        [](const PendingPrescription& row) { return row.visitId; }, std::move(decodeSnapshot),
        std::move(decodeEvent), this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, [this] {
        m_error = {};
        resetPrescriptions(m_live->rows());
    });
    connect(live, &bus::LiveListBase::rowChanged, this, [this](const QString& key) {
        if (std::optional<PendingPrescription> row = m_live->row(key))
            upsertPrescription(*row);
    });
    connect(live, &bus::LiveListBase::rowRemoved, this,
            &PendingPrescriptionsModel::removePrescription);
    connect(live, &bus::LiveListBase::changed, this, &PendingPrescriptionsModel::updateLoading);
    connect(live, &bus::LiveListBase::currentChanged, this, [this](bool current) {
        updateLoading();
        Q_EMIT currentChanged(current);
    });
    connect(live, &bus::LiveListBase::errorOccurred, this, [this](const bus::BusError& error) {
        m_error = error;
        updateLoading();
        Q_EMIT errorOccurred(error);
    });
    live->start();
    updateLoading();
}

bool PendingPrescriptionsModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

bool PendingPrescriptionsModel::isLoading() const
{
    return m_live && m_live->isLoading();
}

int PendingPrescriptionsModel::snapshotsApplied() const
{
    return m_live ? m_live->snapshotsApplied() : 0;
}

void PendingPrescriptionsModel::refresh()
{
    if (m_live)
        m_live->refresh();
    updateLoading();
}

void PendingPrescriptionsModel::updateLoading()
{
    const bool loading = isLoading();
    if (loading == m_loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(loading);
}

bool PendingPrescriptionsModel::before(const PendingPrescription& a, const PendingPrescription& b)
{
    if (a.prescribedAt != b.prescribedAt)
        return a.prescribedAt < b.prescribedAt;
    return a.consultationId < b.consultationId;
}

int PendingPrescriptionsModel::rowOf(const QString& consultationId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).consultationId == consultationId)
            return row;
    return -1;
}

int PendingPrescriptionsModel::rowOfPatient(const QString& patientName) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).patientName == patientName)
            return row;
    return -1;
}

void PendingPrescriptionsModel::resetPrescriptions(const QList<PendingPrescription>& rows)
{
    beginResetModel();
    m_rows = rows;
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    for (const PendingPrescription& row : std::as_const(m_rows))
        lookUpToken(row.visitId);
}

void PendingPrescriptionsModel::upsertPrescription(const PendingPrescription& prescription)
{
    const int at = rowOf(prescription.consultationId);
    if (at >= 0 && m_rows.at(at).prescribedAt == prescription.prescribedAt) {
        m_rows[at] = prescription; // lines dispensed meanwhile: one row's cells change
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return;
    }
    if (at >= 0)
        removePrescription(prescription.consultationId);
    const auto position = std::lower_bound(m_rows.cbegin(), m_rows.cend(), prescription, before);
    const int insertAt = int(position - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_rows.insert(insertAt, prescription);
    endInsertRows();
    lookUpToken(prescription.visitId);
}

void PendingPrescriptionsModel::removePrescription(const QString& consultationId)
{
    const int at = rowOf(consultationId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
}

void PendingPrescriptionsModel::lookUpToken(const QString& visitId)
{
    if (!m_connection || visitId.isEmpty() || m_tokenAsked.contains(visitId))
        return;
    m_tokenAsked.insert(visitId);
    bus::request(*m_connection, protocol::kGetVisit, protocol::GetVisitRequest{visitId}, this,
                 [this, visitId](bus::Result<protocol::VisitReply> reply) {
                     if (!reply) {
                         m_tokenAsked.remove(visitId); // asked again with the next change
                         return;
                     }
                     m_tokens.insert(visitId, reply->visit.token);
                     for (int row = 0; row < m_rows.size(); ++row)
                         if (m_rows.at(row).visitId == visitId)
                             Q_EMIT dataChanged(index(row, TokenColumn), index(row, TokenColumn));
                 });
}

int PendingPrescriptionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PendingPrescriptionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PendingPrescriptionsModel::linesText(const PendingPrescription& prescription)
{
    QStringList parts;
    for (const protocol::PendingPrescriptionLine& line : prescription.lines) {
        QString part =
            tr("%1 × %2").arg(line.prescription.drugName).arg(line.prescription.quantity);
        if (line.dispensedQuantity > 0)
            part += u' ' + tr("(%1 given)").arg(line.dispensedQuantity);
        parts.append(part);
    }
    return parts.join(QStringLiteral("; "));
}

QVariant PendingPrescriptionsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const PendingPrescription& row = m_rows.at(index.row());
    switch (role) {
    case ConsultationIdRole:
        return row.consultationId;
    case VisitIdRole:
        return row.visitId;
    case Qt::ToolTipRole:
        return index.column() == LinesColumn ? linesText(row) : QVariant();
    case Qt::TextAlignmentRole:
        if (index.column() == TokenColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case PatientColumn:
        return row.patientName;
    case TokenColumn: {
        const int token = m_tokens.value(row.visitId);
        return token > 0 ? QString::number(token) : QString();
    }
    case DoctorColumn:
        return row.prescribedBy.name.isEmpty() ? row.prescribedBy.id : row.prescribedBy.name;
    case WhenColumn: {
        // Today's by the time alone; an older one (still open) with its date.
        const QDateTime local = row.prescribedAt.toLocalTime();
        return local.date() == QDate::currentDate()
                   ? local.toString(QStringLiteral("HH:mm"))
                   : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    case LinesColumn:
        return linesText(row);
    default:
        return {};
    }
}

QVariant PendingPrescriptionsModel::headerData(int section, Qt::Orientation orientation,
                                               int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case PatientColumn:
        return tr("Patient");
    case TokenColumn:
        return tr("Token");
    case DoctorColumn:
        return tr("Doctor");
    case WhenColumn:
        return tr("Prescribed");
    case LinesColumn:
        return tr("Drugs");
    default:
        return {};
    }
}

} // namespace openopd::app
