// The reading half of ConsultationStore: a visit, the queue, the history.

#include "bus/codec.h"
#include "consultation/consultation_rows.h"
#include "consultation/consultation_store.h"

namespace openopd::consultation {

using protocol::QueueEntry;
using protocol::VisitState;
using namespace rows;

bool ConsultationStore::findVisit(const QString& visitId, std::optional<VisitRecord>* record,
                                  QString* error)
{
    record->reset();
    auto query = m_db.run(QStringLiteral("SELECT ") + kVisitColumns +
                              QStringLiteral(" FROM queue_visits WHERE visit_id = ?"),
                          {visitId}, error);
    if (!query)
        return false;
    if (query->next())
        *record = readVisit(*query);
    return true;
}

bool ConsultationStore::listQueue(const QString& queue, QDate day, bool includeCalled, int limit,
                                  QList<QueueEntry>* entries, QString* error)
{
    QString sql = QStringLiteral("SELECT ") + kVisitColumns +
                  QStringLiteral(" FROM queue_visits WHERE visit_day = ? AND state IN (?, ?, ?)");
    QVariantList values{protocol::formatDate(day), wire(VisitState::Registered)};
    // Without includeCalled, the two other slots repeat "registered".
    const VisitState called = includeCalled ? VisitState::Called : VisitState::Registered;
    const VisitState started = includeCalled ? VisitState::InConsultation : VisitState::Registered;
    values << wire(called) << wire(started);
    if (!queue.isEmpty()) {
        sql += QStringLiteral(" AND queue_name = ?");
        values.append(queue);
    }
    sql += QStringLiteral(" ORDER BY priority_rank, token, registered_at, visit_id LIMIT ?");
    values.append(limit);
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    while (query->next())
        entries->append(readVisit(*query).entry);
    return true;
}

bool ConsultationStore::listConsultations(const QString& patientId, const QDateTime& before,
                                          int limit, QList<StoredConsultation>* rows,
                                          QString* error)
{
    QString sql =
        QStringLiteral("SELECT id, saved_at, body FROM consultations WHERE patient_id = ?");
    QVariantList values{patientId};
    if (before.isValid()) {
        sql += QStringLiteral(" AND saved_at < ?");
        values.append(stamp(before));
    }
    sql += QStringLiteral(" ORDER BY saved_at DESC, id DESC LIMIT ?");
    values.append(limit);
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    while (query->next())
        rows->append({query->value(0).toString(),
                      protocol::parseTimestamp(query->value(1).toString()),
                      query->value(2).toString().toUtf8()});
    return true;
}

bool ConsultationStore::labResultsOf(const QString& consultationId, int limit,
                                     QList<protocol::LabResult>* results, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT body FROM lab_results WHERE consultation_id = ?"
                                         " ORDER BY line, resulted_at, order_id LIMIT ?"),
                          {consultationId, limit}, error);
    if (!query)
        return false;
    while (query->next()) {
        auto result = bus::Codec<protocol::LabResult>::decode(query->value(0).toString().toUtf8());
        if (!result) {
            *error = QStringLiteral("stored lab result of %1 is unreadable: %2")
                         .arg(consultationId, result.error().toString());
            return false;
        }
        results->append(*result);
    }
    return true;
}

} // namespace openopd::consultation
