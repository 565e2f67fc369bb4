#include "core/reception/patient_search_model.h"

#include "core/error_text.h"
#include "core/reception/patient_text.h"
#include "protocol/endpoints.h"
#include "protocol/limits.h"

namespace openopd::app {

PatientSearchModel::PatientSearchModel(bus::Connection& connection, QObject* parent)
    : QAbstractTableModel(parent), m_latest(connection, this)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDefaultDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &PatientSearchModel::send);
}

void PatientSearchModel::setQuery(const QString& text)
{
    const QString query = text.simplified().left(protocol::limits::kQuery);
    if (query == m_query && m_state != State::Idle)
        return;
    m_query = query;
    if (m_query.isEmpty()) {
        m_debounce.stop();
        m_latest.cancel();
        setRows({}, false, {});
        setState(State::Idle);
        return;
    }
    setState(State::Waiting);
    m_debounce.start();
}

void PatientSearchModel::searchNow()
{
    if (m_query.isEmpty())
        return;
    m_debounce.stop();
    send();
}

void PatientSearchModel::refresh()
{
    searchNow();
}

void PatientSearchModel::send()
{
    setState(State::Searching);
    protocol::SearchPatientsRequest request;
    request.query = m_query;
    request.limit = kLimit;
    const QString asked = m_query;
    // The handler runs only for the newest request (LatestRequest cancels older ones).
    bus::sendLatest(m_latest, protocol::kSearchPatients, request,
                    [this, asked](bus::Result<protocol::SearchPatientsReply> reply) {
                        if (!reply) {
                            m_error = userText(reply.error());
                            setState(State::Failed);
                            return;
                        }
                        const bool none = reply.value().patients.isEmpty();
                        setRows(reply.value().patients, reply.value().truncated, asked);
                        setState(none ? State::NoMatch : State::Results);
                    });
}

void PatientSearchModel::setRows(QList<protocol::Patient> patients, bool truncated,
                                 const QString& shownQuery)
{
    beginResetModel();
    m_patients = std::move(patients);
    m_truncated = truncated;
    m_shownQuery = shownQuery;
    m_today = QDate::currentDate();
    endResetModel();
}

void PatientSearchModel::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

QString PatientSearchModel::statusText() const
{
    switch (m_state) {
    case State::Idle:
        break;
    case State::Waiting:
    case State::Searching:
        return tr("Searching…");
    case State::Results:
        if (m_truncated)
            return tr("More patients match \"%1\": type more of the name, or the phone, "
                      "national id or MRN.")
                .arg(m_shownQuery);
        break;
    case State::NoMatch:
        return tr("No patients match \"%1\".").arg(m_shownQuery);
    case State::Failed:
        return tr("The search failed: %1").arg(m_error);
    }
    return {};
}

int PatientSearchModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_patients.size());
}

int PatientSearchModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PatientSearchModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_patients.size())
        return {};
    const protocol::Patient& patient = m_patients.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::AccessibleTextRole) {
        switch (index.column()) {
        case NameColumn:
            return patient.details.fullName;
        case AgeColumn:
            return PatientText::age(patient.details, m_today);
        case SexColumn:
            return PatientText::sex(patient.details.sex);
        case MrnColumn:
            return patient.mrn;
        case PhoneColumn:
            return patient.details.phone;
        default:
            break;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == AgeColumn)
        return PatientText::dateOfBirth(patient.details);
    return {};
}

QVariant PatientSearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case AgeColumn:
        return tr("Age");
    case SexColumn:
        return tr("Sex");
    case MrnColumn:
        return tr("MRN");
    case PhoneColumn:
        return tr("Phone");
    default:
        break;
    }
    return {};
}

} // namespace openopd::app
