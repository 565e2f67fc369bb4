#include "consultation/consultation_store.h"

#include "bus/codec.h"
#include "consultation/consultation_rows.h"

#include <QJsonDocument>
#include <QSqlQuery>

namespace openopd::consultation {

using protocol::QueueEntry;
using protocol::StaffRef;
using protocol::VisitState;
using namespace rows;

bool ConsultationStore::conditionalUpdate(const QString& sql, const QVariantList& values,
                                          bool* changed, QString* error)
{
    auto query = m_db.run(sql, values, error);
    if (!query)
        return false;
    *changed = query->next(); // UPDATE ... RETURNING: a row when the condition held
    return true;
}

bool ConsultationStore::addRegisteredVisit(const protocol::Visit& visit, const StaffRef& by,
                                           const QDateTime& occurredAt, const QString& eventId,
                                           std::optional<VisitRecord>* added, QString* error)
{
    added->reset();
    auto closed = m_db.run(QStringLiteral("SELECT 1 FROM closed_visits WHERE visit_id = ?"),
                           {visit.id}, error);
    if (!closed)
        return false;
    if (closed->next())
        return true; // cancelled (or closed) before its registration reached us
    QDateTime registeredAt = visit.registeredAt();
    if (!registeredAt.isValid())
        registeredAt = occurredAt;
    const QString now = stamp(protocol::nowUtc());
    // The new row comes back with the insert: the queue event that follows needs it.
    static const QString insertSql =
        QStringLiteral("INSERT INTO queue_visits (visit_id, patient_id, patient_name, queue_name,"
                       " visit_day, token, priority, priority_rank, state, complaint,"
                       " registered_at, registered_by, registered_event, updated_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (visit_id) DO NOTHING RETURNING ") +
        rows::kVisitColumns;
    auto inserted =
        m_db.run(insertSql,
                 {visit.id, visit.patientId, visit.patientName, visit.queue,
                  protocol::formatDate(visit.day), visit.token, protocol::toWire(visit.priority),
                  protocol::priorityRank(visit.priority), wire(VisitState::Registered),
                  nullable(visit.complaint), stamp(registeredAt), staffText(by), eventId, now},
                 error);
    if (!inserted)
        return false;
    if (inserted->next())
        *added = rows::readVisit(*inserted);
    return true;
}

bool ConsultationStore::closeVisit(const VisitClosure& closure, const QString& eventId,
                                   bool* changed, QString* error)
{
    *changed = false;
    if (!m_db.run(QStringLiteral("INSERT INTO closed_visits (visit_id, state, closed_at,"
                                 " closed_by, reason, event_id, received_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (visit_id) DO NOTHING"),
                  {closure.visitId, wire(closure.state), stamp(closure.at), staffText(closure.by),
                   nullable(closure.reason), eventId, stamp(protocol::nowUtc())},
                  error))
        return false;
    return conditionalUpdate(
        QStringLiteral("UPDATE queue_visits SET state = ?, closed_at = ?, closed_by = ?,"
                       " closed_reason = ?, updated_at = ?"
                       " WHERE visit_id = ? AND state IN (?, ?, ?) RETURNING visit_id"),
        {wire(closure.state), stamp(closure.at), staffText(closure.by), nullable(closure.reason),
         stamp(protocol::nowUtc()), closure.visitId, wire(VisitState::Registered),
         wire(VisitState::Called), wire(VisitState::InConsultation)},
        changed, error);
}

bool ConsultationStore::storeLabResult(const protocol::LabResult& result, const QString& eventId,
                                       QString* error)
{
    // A re-entered result replaces the earlier one unless it is older (events may arrive
    // out of order).
    return m_db
        .run(QStringLiteral(
                 "INSERT INTO lab_results (order_id, consultation_id, visit_id, patient_id, line,"
                 " resulted_at, body, event_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                 " ON CONFLICT (order_id) DO UPDATE SET body = excluded.body,"
                 " resulted_at = excluded.resulted_at, event_id = excluded.event_id,"
                 " received_at = excluded.received_at"
                 " WHERE lab_results.resulted_at <= excluded.resulted_at"),
             {result.orderId, result.consultationId, result.visitId, result.patientId, result.line,
              stamp(result.resultedAt),
              QString::fromUtf8(bus::Codec<protocol::LabResult>::encode(result)), eventId,
              stamp(protocol::nowUtc())},
             error)
        .has_value();
}

bool ConsultationStore::markDispensed(const QString& visitId, const QDateTime& at, QString* error)
{
    return m_db
        .run(QStringLiteral("UPDATE queue_visits SET dispensed_at = ?, updated_at = ?"
                            " WHERE visit_id = ? AND (dispensed_at IS NULL OR dispensed_at > ?)"),
             {stamp(at), stamp(protocol::nowUtc()), visitId, stamp(at)}, error)
        .has_value();
}

bool ConsultationStore::callNext(const QString& queue, QDate day, const StaffRef& doctor,
                                 const QString& room, const QDateTime& at,
                                 std::optional<VisitRecord>* called, QString* error)
{
    called->reset();
    QString pick = QStringLiteral("SELECT visit_id FROM queue_visits"
                                  " WHERE state = ? AND visit_day = ?"
                                  " AND (review_doctor_id IS NULL OR review_doctor_id = ?)");
    QVariantList values{wire(VisitState::Registered), protocol::formatDate(day), doctor.id};
    if (!queue.isEmpty()) {
        pick += QStringLiteral(" AND queue_name = ?");
        values.append(queue);
    }
    pick += QStringLiteral(" ORDER BY priority_rank, token, registered_at, visit_id LIMIT 1");
    if (m_db.driver() == host::Driver::Postgres)
        pick += QStringLiteral(" FOR UPDATE SKIP LOCKED");

    // Another instance (PostgreSQL) may win a candidate between our pick and our update;
    // then pick again. Each round either calls a visit or sees one fewer waiting.
    constexpr int kAttempts = 20;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        QString visitId;
        {
            auto candidate = m_db.run(pick, values, error);
            if (!candidate)
                return false;
            if (!candidate->next())
                return true; // nobody waiting
            visitId = candidate->value(0).toString();
        }
        bool changed = false;
        if (!conditionalUpdate(
                QStringLiteral("UPDATE queue_visits SET state = ?, called_at = ?, called_by_id = ?,"
                               " called_by = ?, room = ?, updated_at = ?"
                               " WHERE visit_id = ? AND state = ? RETURNING visit_id"),
                {wire(VisitState::Called), stamp(at), doctor.id, staffText(doctor), nullable(room),
                 stamp(at), visitId, wire(VisitState::Registered)},
                &changed, error))
            return false;
        if (changed)
            return findVisit(visitId, called, error);
    }
    *error = QStringLiteral("call next: lost the race for a waiting visit %1 times").arg(kAttempts);
    return false;
}

bool ConsultationStore::callVisit(const QString& visitId, QDate day, const StaffRef& doctor,
                                  const QString& room, const QDateTime& at, bool* changed,
                                  QString* error)
{
    return conditionalUpdate(
        QStringLiteral("UPDATE queue_visits SET state = ?, called_at = ?, called_by_id = ?,"
                       " called_by = ?, room = ?, updated_at = ?"
                       " WHERE visit_id = ? AND state = ? AND visit_day = ? RETURNING visit_id"),
        {wire(VisitState::Called), stamp(at), doctor.id, staffText(doctor), nullable(room),
         stamp(at), visitId, wire(VisitState::Registered), protocol::formatDate(day)},
        changed, error);
}

bool ConsultationStore::markStarted(const QString& visitId, const StaffRef& doctor,
                                    const QDateTime& at, bool* changed, QString* error)
{
    return conditionalUpdate(
        QStringLiteral("UPDATE queue_visits SET state = ?, started_at = ?, started_by = ?,"
                       " updated_at = ? WHERE visit_id = ? AND state = ? AND called_by_id = ?"
                       " RETURNING visit_id"),
        {wire(VisitState::InConsultation), stamp(at), staffText(doctor), stamp(at), visitId,
         wire(VisitState::Called), doctor.id},
        changed, error);
}

bool ConsultationStore::saveConsultation(const protocol::Consultation& consultation, bool* saved,
                                         QString* error)
{
    if (!conditionalUpdate(
            QStringLiteral("UPDATE queue_visits SET state = ?, consultation_id = ?, updated_at = ?"
                           " WHERE visit_id = ? AND state IN (?, ?) AND called_by_id = ?"
                           " RETURNING visit_id"),
            {wire(VisitState::Consulted), consultation.id, stamp(consultation.savedAt),
             consultation.visitId, wire(VisitState::Called), wire(VisitState::InConsultation),
             consultation.doctor.id},
            saved, error))
        return false;
    if (!*saved)
        return true;
    // A follow-up (the visit came back with results) is the visit's next round.
    auto rounds = m_db.run(
        QStringLiteral("SELECT COALESCE(MAX(round), 0) + 1 FROM consultations WHERE visit_id = ?"),
        {consultation.visitId}, error);
    if (!rounds)
        return false;
    const int round = rounds->next() ? rounds->value(0).toInt() : 1;
    auto inserted = m_db.run(
        QStringLiteral("INSERT INTO consultations (id, visit_id, round, patient_id, doctor_id,"
                       " disposition, saved_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (visit_id, round) DO NOTHING RETURNING id"),
        {consultation.id, consultation.visitId, round, consultation.patientId,
         consultation.doctor.id, protocol::toWire(consultation.content.disposition),
         stamp(consultation.savedAt),
         QString::fromUtf8(bus::Codec<protocol::Consultation>::encode(consultation))},
        error);
    if (!inserted)
        return false;
    *saved = inserted->next();
    return true;
}

} // namespace openopd::consultation
