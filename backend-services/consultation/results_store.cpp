// The lab-results half of ConsultationStore: the ordering doctor's results to review, lab
// progress of a consultation, and a visit coming back to the queue with its results.

#include "bus/codec.h"
#include "consultation/consultation_rows.h"
#include "consultation/consultation_store.h"
#include "protocol/list_change.h"

namespace openopd::consultation {

using protocol::ResultToReview;
using protocol::VisitState;
using namespace rows;

namespace {

const QString kResultColumns = QStringLiteral(
    "order_id, consultation_id, visit_id, patient_id, patient_name, ordered_by, body,"
    " reviewed_at, reviewed_by");

bool readResult(const QSqlQuery& q, ResultToReview* row, QString* error)
{
    row->orderId = q.value(0).toString();
    row->consultationId = q.value(1).toString();
    row->visitId = q.value(2).toString();
    row->patientId = q.value(3).toString();
    row->patientName = q.value(4).toString();
    row->orderedBy = staffFrom(q.value(5).toString()).value_or(protocol::StaffRef{});
    auto result = bus::Codec<protocol::LabResult>::decode(q.value(6).toString().toUtf8());
    if (!result) {
        *error = QStringLiteral("stored result of order %1 is unreadable: %2")
                     .arg(row->orderId, result.error().toString());
        return false;
    }
    row->result = *result;
    row->reviewedAt = protocol::parseTimestamp(q.value(7).toString());
    row->reviewedBy = staffFrom(q.value(8).toString());
    return true;
}

bool readResults(host::Database& db, const QString& sql, const QVariantList& values,
                 QList<ResultToReview>* rows, QString* error)
{
    auto query = db.run(sql, values, error);
    if (!query)
        return false;
    while (query->next()) {
        ResultToReview row;
        if (!readResult(*query, &row, error))
            return false;
        rows->append(row);
    }
    return true;
}

} // namespace

bool ConsultationStore::findConsultation(const QString& consultationId,
                                         std::optional<SavedConsultation>* found, QString* error)
{
    found->reset();
    auto query = m_db.run(QStringLiteral("SELECT body, round FROM consultations WHERE id = ?"),
                          {consultationId}, error);
    if (!query)
        return false;
    if (!query->next())
        return true;
    auto consultation =
        bus::Codec<protocol::Consultation>::decode(query->value(0).toString().toUtf8());
    if (!consultation) {
        *error = QStringLiteral("stored consultation %1 is unreadable: %2")
                     .arg(consultationId, consultation.error().toString());
        return false;
    }
    *found = SavedConsultation{*consultation, query->value(1).toInt()};
    return true;
}

bool ConsultationStore::upsertResultToReview(const ResultToReview& row, bool* changed,
                                             QString* error)
{
    // A newer result of the same order (the lab corrected it) is to be reviewed again; an
    // older or repeated one changes nothing (events may arrive late or twice).
    return conditionalUpdate(
        QStringLiteral(
            "INSERT INTO results_to_review (order_id, consultation_id, visit_id, patient_id,"
            " patient_name, doctor_id, ordered_by, resulted_at, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (order_id) DO UPDATE SET body = excluded.body,"
            " resulted_at = excluded.resulted_at, reviewed_at = NULL, reviewed_by = NULL"
            " WHERE results_to_review.resulted_at < excluded.resulted_at RETURNING order_id"),
        {row.orderId, row.consultationId, row.visitId, row.patientId, row.patientName,
         row.orderedBy.id, staffText(row.orderedBy), stamp(row.result.resultedAt),
         QString::fromUtf8(bus::Codec<protocol::LabResult>::encode(row.result))},
        changed, error);
}

bool ConsultationStore::unreviewedOfVisit(const QString& visitId, QList<ResultToReview>* rows,
                                          QString* error)
{
    return readResults(m_db,
                       QStringLiteral("SELECT ") + kResultColumns +
                           QStringLiteral(" FROM results_to_review WHERE visit_id = ?"
                                          " AND reviewed_at IS NULL ORDER BY resulted_at, order_id"
                                          " LIMIT ?"),
                       {visitId, static_cast<int>(protocol::kMaxListChangeRows)}, rows, error);
}

bool ConsultationStore::resultsOfDoctor(const QString& doctorId, bool includeReviewed,
                                        const QDateTime& reviewedSince, int limit,
                                        QList<ResultToReview>* rows, QString* error)
{
    QString sql = QStringLiteral("SELECT ") + kResultColumns +
                  QStringLiteral(" FROM results_to_review WHERE doctor_id = ? AND (reviewed_at"
                                 " IS NULL");
    QVariantList values{doctorId};
    if (includeReviewed) {
        sql += QStringLiteral(" OR reviewed_at >= ?");
        values.append(stamp(reviewedSince));
    }
    sql += QStringLiteral(") ORDER BY resulted_at, order_id LIMIT ?");
    values.append(limit);
    return readResults(m_db, sql, values, rows, error);
}

bool ConsultationStore::findResultToReview(const QString& orderId,
                                           std::optional<ResultToReview>* row, QString* error)
{
    row->reset();
    QList<ResultToReview> rows;
    if (!readResults(m_db,
                     QStringLiteral("SELECT ") + kResultColumns +
                         QStringLiteral(" FROM results_to_review WHERE order_id = ?"),
                     {orderId}, &rows, error))
        return false;
    if (!rows.isEmpty())
        *row = rows.first();
    return true;
}

bool ConsultationStore::markReviewed(const QString& orderId, const protocol::StaffRef& by,
                                     const QDateTime& at, bool* changed, QString* error)
{
    return conditionalUpdate(
        QStringLiteral("UPDATE results_to_review SET reviewed_at = ?, reviewed_by = ?"
                       " WHERE order_id = ? AND reviewed_at IS NULL RETURNING order_id"),
        {stamp(at), staffText(by), orderId}, changed, error);
}

bool ConsultationStore::resultedLines(const QString& consultationId, int* lines, QString* error)
{
    auto query = m_db.run(
        QStringLiteral("SELECT COUNT(DISTINCT line) FROM lab_results WHERE consultation_id = ?"),
        {consultationId}, error);
    if (!query)
        return false;
    *lines = query->next() ? query->value(0).toInt() : 0;
    return true;
}

bool ConsultationStore::isClosed(const QString& visitId, bool* closed, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT 1 FROM closed_visits WHERE visit_id = ?"),
                          {visitId}, error);
    if (!query)
        return false;
    *closed = query->next();
    return true;
}

bool ConsultationStore::claimResultsIn(const QString& visitId, const QString& consultationId,
                                       bool* claimed, QString* error)
{
    return conditionalUpdate(
        QStringLiteral("UPDATE queue_visits SET results_in_for = ?, updated_at = ?"
                       " WHERE visit_id = ? AND (results_in_for IS NULL OR results_in_for <> ?)"
                       " RETURNING visit_id"),
        {consultationId, stamp(protocol::nowUtc()), visitId, consultationId}, claimed, error);
}

bool ConsultationStore::reenterForReview(const QString& visitId, const QString& consultationId,
                                         const QString& doctorId, const QDateTime& at,
                                         bool* changed, QString* error)
{
    return conditionalUpdate(
        QStringLiteral("UPDATE queue_visits SET state = ?, review_of = ?, review_doctor_id = ?,"
                       " called_at = NULL, called_by_id = NULL, called_by = NULL, room = NULL,"
                       " started_at = NULL, started_by = NULL, updated_at = ?"
                       " WHERE visit_id = ? AND state = ? AND consultation_id = ?"
                       " RETURNING visit_id"),
        {wire(VisitState::Registered), consultationId, doctorId, stamp(at), visitId,
         wire(VisitState::Consulted), consultationId},
        changed, error);
}

} // namespace openopd::consultation
