#include "core/doctor/results_review_model.h"

#include "bus/codec.h"
#include "bus/typed.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QFont>
#include <QLocale>
#include <algorithm>

namespace openopd::app {

using protocol::ResultToReview;

namespace {

using Live = bus::LiveList<ResultToReview>;

bus::Result<QList<ResultToReview>> decodeSnapshot(const bus::Message& message)
{
    auto reply = bus::Codec<protocol::ResultsToReviewReply>::decode(message.data);
    if (!reply)
        return reply.error();
    return reply->results;
}

// "The visit's unreviewed results are now exactly these" (none: all reviewed).
bus::Result<bus::LiveEdit<ResultToReview>> decodeEvent(const bus::Message& message)
{
    using Envelope = protocol::EventEnvelope<protocol::ListChange<ResultToReview>>;
    auto event = bus::Codec<Envelope>::decode(message.data);
    if (!event)
        return event.error();
    return bus::LiveEdit<ResultToReview>{event->payload.visitId, event->payload.rows};
}

bool before(const ResultToReview& a, const ResultToReview& b)
{
    if (a.result.resultedAt != b.result.resultedAt)
        return a.result.resultedAt < b.result.resultedAt;
    return a.orderId < b.orderId;
}

QString flagText(protocol::LabFlag flag)
{
    switch (flag) {
    case protocol::LabFlag::Abnormal:
        return ResultsReviewModel::tr("Abnormal");
    case protocol::LabFlag::Critical:
        return ResultsReviewModel::tr("Critical");
    case protocol::LabFlag::Normal:
        break;
    }
    return ResultsReviewModel::tr("Normal");
}

} // namespace

ResultsReviewModel::ResultsReviewModel(protocol::StaffRef doctor, QObject* parent)
    : QAbstractTableModel(parent), m_doctor(std::move(doctor))
{}

ResultsReviewModel::ResultsReviewModel(bus::Connection& connection, protocol::StaffRef doctor,
                                       QObject* parent)
    : ResultsReviewModel(std::move(doctor), parent)
{
    bus::LiveListOptions options;
    options.snapshotSubject = protocol::kResultsToReview.subjectBytes();
    options.snapshotRequest = bus::Codec<protocol::ResultsToReviewRequest>::encode(
        protocol::ResultsToReviewRequest{m_doctor, false});
    options.eventSubjects = {protocol::kResultListChanged.subjectBytes()};
    auto* live = new Live(
        connection, std::move(options), [](const ResultToReview& row) { return row.orderId; },
        [](const ResultToReview& row) { return row.visitId; }, decodeSnapshot, decodeEvent, this);
    m_live = live;
    connect(live, &bus::LiveListBase::rowsReset, this, [this] {
        m_error = {};
        resetResults(m_live->rows());
    });
    connect(live, &bus::LiveListBase::rowChanged, this, [this](const QString& key) {
        if (std::optional<ResultToReview> row = m_live->row(key))
            upsertResult(*row);
    });
    connect(live, &bus::LiveListBase::rowRemoved, this, &ResultsReviewModel::removeResult);
    connect(live, &bus::LiveListBase::currentChanged, this, &ResultsReviewModel::currentChanged);
    connect(live, &bus::LiveListBase::errorOccurred, this, [this](const bus::BusError& error) {
        m_error = error;
        Q_EMIT errorOccurred(error);
    });
    live->start();
}

ResultsReviewModel::~ResultsReviewModel() = default;

bool ResultsReviewModel::isCurrent() const
{
    return m_live ? m_live->isCurrent() : true;
}

void ResultsReviewModel::refresh()
{
    if (m_live)
        m_live->refresh();
}

bool ResultsReviewModel::shows(const ResultToReview& result) const
{
    return result.orderedBy.id == m_doctor.id && !result.reviewedAt.isValid();
}

int ResultsReviewModel::rowOf(const QString& orderId) const
{
    for (int row = 0; row < m_rows.size(); ++row)
        if (m_rows.at(row).orderId == orderId)
            return row;
    return -1;
}

void ResultsReviewModel::resetResults(const QList<ResultToReview>& results)
{
    beginResetModel();
    m_rows.clear();
    for (const ResultToReview& result : results)
        if (shows(result))
            m_rows.append(result);
    std::sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    Q_EMIT resultsChanged();
}

void ResultsReviewModel::upsertResult(const ResultToReview& result)
{
    if (!shows(result))
        return removeResult(result.orderId);
    const int at = rowOf(result.orderId);
    if (at >= 0 && m_rows.at(at).result.resultedAt == result.result.resultedAt) {
        m_rows[at] = result;
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        Q_EMIT resultsChanged();
        return;
    }
    if (at >= 0)
        removeResult(result.orderId);
    const auto position = std::lower_bound(m_rows.cbegin(), m_rows.cend(), result, before);
    const int insertAt = int(position - m_rows.cbegin());
    beginInsertRows({}, insertAt, insertAt);
    m_rows.insert(insertAt, result);
    endInsertRows();
    Q_EMIT resultsChanged();
}

void ResultsReviewModel::removeResult(const QString& orderId)
{
    const int at = rowOf(orderId);
    if (at < 0)
        return;
    beginRemoveRows({}, at, at);
    m_rows.removeAt(at);
    endRemoveRows();
    Q_EMIT resultsChanged();
}

int ResultsReviewModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResultsReviewModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResultsReviewModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ResultToReview& row = m_rows.at(index.row());
    const protocol::LabResult& result = row.result;
    switch (role) {
    case OrderIdRole:
        return row.orderId;
    case VisitIdRole:
        return row.visitId;
    case FlagRole:
        return static_cast<int>(result.entry.flag);
    case Qt::FontRole:
        if (result.entry.flag == protocol::LabFlag::Normal)
            return {};
        {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case PatientColumn:
            return row.patientName;
        case TestColumn:
            return result.testName;
        case ValueColumn:
            return result.entry.unit.isEmpty()
                       ? result.entry.value
                       : tr("%1 %2").arg(result.entry.value, result.entry.unit);
        case FlagColumn:
            return flagText(result.entry.flag);
        case ResultedColumn:
            // Minutes are enough; the date matters for a result of an earlier day.
            return QLocale().toString(result.resultedAt.toLocalTime(),
                                      QStringLiteral("d MMM HH:mm"));
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return result.entry.referenceRange.isEmpty()
                   ? QVariant()
                   : QVariant(tr("Reference range: %1").arg(result.entry.referenceRange));
    default:
        return {};
    }
}

QVariant ResultsReviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PatientColumn:
        return tr("Patient");
    case TestColumn:
        return tr("Test");
    case ValueColumn:
        return tr("Result");
    case FlagColumn:
        return tr("Flag");
    case ResultedColumn:
        return tr("Resulted");
    default:
        return {};
    }
}

Command* ResultsReviewModel::markReviewedCommand(bus::Connection& connection,
                                                 const protocol::StaffRef& doctor,
                                                 const QString& orderId, QObject* parent)
{
    // Unknown outcome: the doctor's list with the reviewed ones says whether it is reviewed.
    OutcomeReader reader = [doctor, orderId](bus::Connection& readOn, QObject* context,
                                             std::function<void(OutcomeCheck)> done) {
        bus::sendRequest(
            readOn, protocol::kResultsToReview, protocol::ResultsToReviewRequest{doctor, true},
            context, [done, orderId](bus::Result<protocol::ResultsToReviewReply> reply) {
                if (!reply)
                    return done({OutcomeCheck::Verdict::Unknown,
                                 tr("Could not find out whether it was marked: %1")
                                     .arg(userText(reply.error())),
                                 {}});
                for (const ResultToReview& row : reply->results)
                    if (row.orderId == orderId)
                        return row.reviewedAt.isValid()
                                   ? done({OutcomeCheck::Verdict::Done,
                                           tr("The result is marked reviewed."),
                                           bus::Codec<protocol::ResultToReviewReply>::encode(
                                               protocol::ResultToReviewReply{row})})
                                   : done({OutcomeCheck::Verdict::NotDone,
                                           tr("The result is not marked reviewed yet."),
                                           {}});
                return done({OutcomeCheck::Verdict::Unknown,
                             tr("The result is no longer in your list."),
                             {}});
            });
    };
    return new Command(connection, protocol::kMarkResultReviewed.subjectBytes(),
                       bus::Codec<protocol::MarkResultReviewedRequest>::encode(
                           protocol::MarkResultReviewedRequest{doctor, orderId}),
                       std::move(reader), parent);
}

} // namespace openopd::app
