#include "discharge/discharge_store.h"

#include "protocol/validation.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace openopd::discharge::store {

using protocol::formatDate;
using protocol::formatTimestamp;
using protocol::parseDate;
using protocol::parseTimestamp;

namespace {

const QString kVisitColumns = QStringLiteral(
    "visit_id, patient_id, patient_name, queue, day, token, consultation_id, disposition, "
    "consulted_at, prescription_lines, lab_order_lines, dispensed_at, closed_state, closed_at, "
    "state, ready_since, revision");

// NULL for an empty text (typed, so QPSQL binds it as text).
QVariant text(const QString& value)
{
    return value.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(value);
}
QVariant timestamp(const QDateTime& value)
{
    return text(value.isValid() ? formatTimestamp(value) : QString());
}
QVariant date(QDate value)
{
    return text(value.isValid() ? formatDate(value) : QString());
}
template <class E> QVariant wire(const std::optional<E>& value)
{
    return text(value ? protocol::toWire(*value) : QString());
}

ReleaseVisit readVisit(const QSqlQuery& q)
{
    ReleaseVisit v;
    v.visitId = q.value(0).toString();
    v.patientId = q.value(1).toString();
    v.patientName = q.value(2).toString();
    v.queue = q.value(3).toString();
    v.day = parseDate(q.value(4).toString());
    v.token = q.value(5).isNull() ? 0 : q.value(5).toInt();
    v.consultationId = q.value(6).toString();
    v.disposition = protocol::enumFromWire<protocol::Disposition>(q.value(7).toString());
    v.consultedAt = parseTimestamp(q.value(8).toString());
    v.prescriptionLines = q.value(9).toInt();
    v.labOrderLines = q.value(10).toInt();
    v.dispensedAt = parseTimestamp(q.value(11).toString());
    v.closedState = protocol::enumFromWire<protocol::VisitState>(q.value(12).toString());
    v.closedAt = parseTimestamp(q.value(13).toString());
    v.state = protocol::enumFromWire<protocol::VisitState>(q.value(14).toString())
                  .value_or(protocol::VisitState::Registered);
    v.readySince = parseTimestamp(q.value(15).toString());
    v.revision = q.value(16).toInt();
    return v;
}

} // namespace

bool loadVisit(host::Database& db, const QString& visitId, ReleaseVisit* visit, bool* found,
               QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kVisitColumns +
                        QStringLiteral(" FROM release_visits WHERE visit_id = ?"),
                    {visitId}, error);
    if (!q)
        return false;
    *found = q->next();
    if (*found)
        *visit = readVisit(*q);
    return true;
}

bool saveVisit(host::Database& db, const ReleaseVisit& v, bool* lost, QString* error)
{
    QVariantList values{text(v.patientName),
                        text(v.queue),
                        date(v.day),
                        v.token > 0 ? QVariant(v.token) : QVariant(QMetaType::fromType<int>()),
                        text(v.consultationId),
                        wire(v.disposition),
                        timestamp(v.consultedAt),
                        v.prescriptionLines,
                        v.labOrderLines,
                        timestamp(v.dispensedAt),
                        wire(v.closedState),
                        timestamp(v.closedAt),
                        protocol::toWire(v.state),
                        timestamp(v.readySince),
                        formatTimestamp(protocol::nowUtc()),
                        v.revision + 1,
                        v.patientId,
                        v.visitId};
    // Read, merge, write is a lost update when two instances merge events of one visit at
    // once (READ COMMITTED): the write is conditional on the row read, or on there being none.
    const QString insert = QStringLiteral(
        "INSERT INTO release_visits (patient_name, queue, day, token, consultation_id, "
        "disposition, consulted_at, prescription_lines, lab_order_lines, dispensed_at, "
        "closed_state, closed_at, state, ready_since, updated_at, revision, patient_id, "
        "visit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (visit_id) DO NOTHING");
    const QString update = QStringLiteral(
        "UPDATE release_visits SET patient_name = ?, queue = ?, day = ?, token = ?, "
        "consultation_id = ?, disposition = ?, consulted_at = ?, prescription_lines = ?, "
        "lab_order_lines = ?, dispensed_at = ?, closed_state = ?, closed_at = ?, state = ?, "
        "ready_since = ?, updated_at = ?, revision = ?, patient_id = ? "
        "WHERE visit_id = ? AND revision = ?");
    if (v.revision != 0)
        values.append(v.revision);
    auto q = db.run(v.revision == 0 ? insert : update, values, error);
    if (!q)
        return false;
    *lost = q->numRowsAffected() != 1;
    return true;
}

bool loadLabProgress(host::Database& db, const QString& consultationId, LabProgress* progress,
                     QString* error)
{
    *progress = {};
    if (consultationId.isEmpty())
        return true;
    auto q = db.run(QStringLiteral("SELECT COUNT(*), MAX(resulted_at) FROM release_lab_results "
                                   "WHERE consultation_id = ?"),
                    {consultationId}, error);
    if (!q)
        return false;
    if (q->next()) {
        progress->resulted = q->value(0).toInt();
        progress->lastResultAt = parseTimestamp(q->value(1).toString());
    }
    return true;
}

bool recordLabResult(host::Database& db, const QString& consultationId, int line,
                     const QString& visitId, const QDateTime& resultedAt, QString* error)
{
    return db
        .run(QStringLiteral("INSERT INTO release_lab_results (consultation_id, line, visit_id, "
                            "resulted_at) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT (consultation_id, line) DO NOTHING"),
             {consultationId, line, visitId, formatTimestamp(resultedAt)}, error)
        .has_value();
}

bool findDischarge(host::Database& db, const QString& visitId,
                   std::optional<protocol::Discharge>* discharge, QString* error)
{
    auto q = db.run(
        QStringLiteral("SELECT id, visit_id, patient_id, outcome, destination, post_medication, "
                       "notes, next_visit, recorded_at, recorded_by_id, recorded_by_name, "
                       "recorded_by_role FROM discharges WHERE visit_id = ?"),
        {visitId}, error);
    if (!q)
        return false;
    discharge->reset();
    if (!q->next())
        return true;
    protocol::Discharge d;
    d.id = q->value(0).toString();
    d.visitId = q->value(1).toString();
    d.patientId = q->value(2).toString();
    d.details.outcome = protocol::enumFromWire<protocol::DischargeOutcome>(q->value(3).toString())
                            .value_or(protocol::DischargeOutcome::Discharged);
    d.details.destination = q->value(4).toString();
    const QJsonArray lines = QJsonDocument::fromJson(q->value(5).toByteArray()).array();
    for (const QJsonValue& line : lines)
        if (auto decoded = protocol::PrescriptionLine::fromJson(line.toObject()))
            d.details.postMedication.append(decoded.value());
    d.details.notes = q->value(6).toString();
    d.details.nextVisit = parseDate(q->value(7).toString());
    d.recordedAt = parseTimestamp(q->value(8).toString());
    d.recordedBy.id = q->value(9).toString();
    d.recordedBy.name = q->value(10).toString();
    d.recordedBy.role = protocol::enumFromWire<protocol::StaffRole>(q->value(11).toString())
                            .value_or(protocol::StaffRole::Doctor);
    *discharge = std::move(d);
    return true;
}

bool insertDischarge(host::Database& db, const protocol::Discharge& d, const QString& eventId,
                     bool* inserted, QString* error)
{
    const QByteArray medication = QJsonDocument(protocol::json::toArray(d.details.postMedication))
                                      .toJson(QJsonDocument::Compact);
    auto q = db.run(
        QStringLiteral("INSERT INTO discharges (id, visit_id, patient_id, outcome, destination, "
                       "post_medication, notes, next_visit, recorded_at, recorded_by_id, "
                       "recorded_by_name, recorded_by_role, event_id) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (visit_id) DO NOTHING RETURNING id"),
        {d.id, d.visitId, d.patientId, protocol::toWire(d.details.outcome),
         text(d.details.destination), QString::fromUtf8(medication), text(d.details.notes),
         date(d.details.nextVisit), formatTimestamp(d.recordedAt), d.recordedBy.id,
         d.recordedBy.name, protocol::toWire(d.recordedBy.role), eventId},
        error);
    if (!q)
        return false;
    *inserted = q->next();
    return true;
}

bool listPending(host::Database& db, int limit, QList<ReleaseVisit>* visits, bool* truncated,
                 QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kVisitColumns +
                        QStringLiteral(" FROM release_visits WHERE ready_since IS NOT NULL AND "
                                       "closed_state IS NULL AND patient_name IS NOT NULL AND "
                                       "queue IS NOT NULL AND day IS NOT NULL AND token IS NOT "
                                       "NULL ORDER BY ready_since, visit_id LIMIT ?"),
                    {limit + 1}, error);
    if (!q)
        return false;
    *truncated = false;
    while (q->next()) {
        if (visits->size() == limit) {
            *truncated = true;
            break;
        }
        visits->append(readVisit(*q));
    }
    return true;
}

} // namespace openopd::discharge::store
