#include "pharmacy/prescription_store.h"

#include "protocol/list_change.h"

#include <QJsonDocument>

namespace openopd::pharmacy {

using protocol::PendingPrescription;
using protocol::PendingPrescriptionLine;

namespace {

const QString kHeaderColumns =
    QStringLiteral("SELECT consultation_id, visit_id, patient_id, patient_name, prescribed_at,"
                   " prescribed_by, state FROM prescriptions");

PendingPrescription headerFrom(const QSqlQuery& query)
{
    PendingPrescription p;
    p.consultationId = query.value(0).toString();
    p.visitId = query.value(1).toString();
    p.patientId = query.value(2).toString();
    p.patientName = query.value(3).toString();
    p.prescribedAt = timeFromText(query.value(4));
    p.prescribedBy = staffFromText(query.value(5));
    return p;
}

} // namespace

bool PrescriptionStore::addFromConsultation(const protocol::Consultation& c, const QString& eventId,
                                            const QDateTime& now, bool closed, bool* inserted,
                                            QString* error)
{
    *inserted = false;
    if (c.content.prescriptions.isEmpty())
        return true;
    const QString at = timeToText(now);
    auto header = m_db.run(
        QStringLiteral("INSERT INTO prescriptions (consultation_id, visit_id, patient_id,"
                       " patient_name, prescribed_at, prescribed_by, state, event_id,"
                       " received_at, updated_at, closed_at, closed_by)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (consultation_id) DO NOTHING"),
        {c.id, c.visitId, c.patientId, c.patientName, timeToText(c.savedAt), staffToText(c.doctor),
         QString::fromLatin1(closed ? kPrescriptionClosed : kPrescriptionOpen), eventId, at, at,
         textOrNull(closed ? at : QString()), QVariant(QMetaType::fromType<QString>())},
        error);
    if (!header)
        return false;
    if (header->numRowsAffected() != 1)
        return true; // known already (the same consultation in another event)
    QString prepareError;
    QSqlQuery insert = m_db.prepare(
        QStringLiteral(
            "INSERT INTO prescription_lines (consultation_id, line, drug_code,"
            " drug_name, dose, route, frequency, duration_days, quantity,"
            " instructions, dispensed_quantity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"),
        &prepareError);
    if (!prepareError.isEmpty()) {
        *error = prepareError;
        return false;
    }
    for (qsizetype i = 0; i < c.content.prescriptions.size(); ++i) {
        const protocol::PrescriptionLine& line = c.content.prescriptions.at(i);
        if (!host::Database::exec(insert,
                                  {c.id, static_cast<int>(i + 1), line.drugCode, line.drugName,
                                   line.dose, textOrNull(line.route), line.frequency,
                                   line.durationDays, line.quantity, textOrNull(line.instructions)},
                                  error))
            return false;
    }
    *inserted = true;
    return true;
}

bool PrescriptionStore::pending(int limit, protocol::PendingPrescriptionsReply* reply,
                                QString* error)
{
    QList<PendingPrescription> headers;
    {
        auto query = m_db.run(kHeaderColumns + QStringLiteral(" WHERE state = ? ORDER BY"
                                                              " prescribed_at, consultation_id"
                                                              " LIMIT ?"),
                              {QString::fromLatin1(kPrescriptionOpen), limit + 1}, error);
        if (!query)
            return false;
        while (query->next())
            headers.append(headerFrom(*query));
    }
    qsizetype used = 0;
    for (PendingPrescription& p : headers) {
        if (!loadLines(p.consultationId, &p.lines, error))
            return false;
        if (reply->prescriptions.size() == limit || !withinReplyBudget(&used, p.toJson())) {
            reply->truncated = true;
            break;
        }
        reply->prescriptions.append(std::move(p));
    }
    return true;
}

bool PrescriptionStore::dispensesOf(const QString& consultationId, int limit,
                                    QList<protocol::Dispense>* dispenses, QString* error)
{
    dispenses->clear();
    auto query = m_db.run(QStringLiteral("SELECT body FROM dispenses WHERE consultation_id = ?"
                                         " ORDER BY dispensed_at, id LIMIT ?"),
                          {consultationId, limit}, error);
    if (!query)
        return false;
    while (query->next()) {
        auto dispense = protocol::Dispense::fromJson(
            QJsonDocument::fromJson(query->value(0).toString().toUtf8()).object());
        if (!dispense) {
            *error = QStringLiteral("stored dispense of %1 does not decode: %2")
                         .arg(consultationId, dispense.error().toString());
            return false;
        }
        dispenses->append(dispense.value());
    }
    return true;
}

bool PrescriptionStore::openOfVisit(const QString& visitId, QList<PendingPrescription>* rows,
                                    QString* error)
{
    rows->clear();
    {
        auto query =
            m_db.run(kHeaderColumns + QStringLiteral(" WHERE visit_id = ? AND state = ? ORDER BY"
                                                     " prescribed_at, consultation_id LIMIT ?"),
                     {visitId, QString::fromLatin1(kPrescriptionOpen),
                      static_cast<int>(protocol::kMaxListChangeRows)},
                     error);
        if (!query)
            return false;
        while (query->next())
            rows->append(headerFrom(*query));
    }
    for (PendingPrescription& p : *rows)
        if (!loadLines(p.consultationId, &p.lines, error))
            return false;
    return true;
}

bool PrescriptionStore::load(const QString& consultationId,
                             std::optional<StoredPrescription>* stored, QString* error)
{
    stored->reset();
    StoredPrescription found;
    {
        auto query = m_db.run(kHeaderColumns + QStringLiteral(" WHERE consultation_id = ?"),
                              {consultationId}, error);
        if (!query)
            return false;
        if (!query->next())
            return true;
        found.prescription = headerFrom(*query);
        found.state = query->value(6).toString();
    }
    if (!loadLines(consultationId, &found.prescription.lines, error))
        return false;
    *stored = std::move(found);
    return true;
}

bool PrescriptionStore::loadLines(const QString& consultationId,
                                  QList<PendingPrescriptionLine>* lines, QString* error)
{
    auto query = m_db.run(
        QStringLiteral("SELECT line, drug_code, drug_name, dose, route, frequency, duration_days,"
                       " quantity, instructions, dispensed_quantity FROM prescription_lines"
                       " WHERE consultation_id = ? ORDER BY line"),
        {consultationId}, error);
    if (!query)
        return false;
    lines->clear();
    while (query->next()) {
        PendingPrescriptionLine line;
        line.line = query->value(0).toInt();
        line.prescription.drugCode = query->value(1).toString();
        line.prescription.drugName = query->value(2).toString();
        line.prescription.dose = query->value(3).toString();
        line.prescription.route = query->value(4).toString();
        line.prescription.frequency = query->value(5).toString();
        line.prescription.durationDays = query->value(6).toInt();
        line.prescription.quantity = query->value(7).toInt();
        line.prescription.instructions = query->value(8).toString();
        line.dispensedQuantity = query->value(9).toInt();
        lines->append(std::move(line));
    }
    return true;
}

bool PrescriptionStore::addDispensed(const QString& consultationId, int line, int quantity,
                                     QString* error, bool* applied)
{
    // Guarded: a concurrent dispense of the same line cannot push it past the prescription.
    auto updated = m_db.run(
        QStringLiteral("UPDATE prescription_lines SET dispensed_quantity = dispensed_quantity + ?"
                       " WHERE consultation_id = ? AND line = ?"
                       " AND dispensed_quantity + ? <= quantity"),
        {quantity, consultationId, line, quantity}, error);
    if (!updated)
        return false;
    *applied = updated->numRowsAffected() == 1;
    return true;
}

bool PrescriptionStore::hasRemainder(const QString& consultationId, bool* remainder, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT COUNT(*) FROM prescription_lines"
                                         " WHERE consultation_id = ?"
                                         " AND dispensed_quantity < quantity"),
                          {consultationId}, error);
    if (!query || !query->next())
        return false;
    *remainder = query->value(0).toLongLong() > 0;
    return true;
}

bool PrescriptionStore::recordDispense(const protocol::Dispense& d, QString* error)
{
    const QString at = timeToText(d.dispensedAt);
    const QString body =
        QString::fromUtf8(QJsonDocument(d.toJson()).toJson(QJsonDocument::Compact));
    if (!m_db.run(QStringLiteral("INSERT INTO dispenses (id, consultation_id, visit_id,"
                                 " patient_id, dispensed_at, staff_id, dispensed_by, partial,"
                                 " notes, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                  {d.id, d.consultationId, d.visitId, d.patientId, at, d.dispensedBy.id,
                   staffToText(d.dispensedBy), d.partial ? 1 : 0, textOrNull(d.notes), body},
                  error))
        return false;
    return m_db
        .run(QStringLiteral("UPDATE prescriptions SET state = ?, updated_at = ?"
                            " WHERE consultation_id = ? AND state = ?"),
             {QString::fromLatin1(d.partial ? kPrescriptionOpen : kPrescriptionComplete), at,
              d.consultationId, QString::fromLatin1(kPrescriptionOpen)},
             error)
        .has_value();
}

bool PrescriptionStore::closeVisit(const protocol::Discharge& discharge, const QString& eventId,
                                   const QDateTime& now, QString* error)
{
    const QString at = timeToText(now);
    const QString by = staffToText(discharge.recordedBy);
    if (!m_db.run(QStringLiteral("INSERT INTO closed_visits (visit_id, outcome, closed_at,"
                                 " closed_by, event_id) VALUES (?, ?, ?, ?, ?)"
                                 " ON CONFLICT (visit_id) DO NOTHING"),
                  {discharge.visitId, protocol::toWire(discharge.details.outcome), at, by, eventId},
                  error))
        return false;
    return m_db
        .run(QStringLiteral("UPDATE prescriptions SET state = ?, closed_at = ?, closed_by = ?,"
                            " updated_at = ? WHERE visit_id = ? AND state = ?"),
             {QString::fromLatin1(kPrescriptionClosed), at, by, at, discharge.visitId,
              QString::fromLatin1(kPrescriptionOpen)},
             error)
        .has_value();
}

bool PrescriptionStore::isVisitClosed(const QString& visitId, bool* closed, QString* error)
{
    auto query = m_db.run(QStringLiteral("SELECT 1 FROM closed_visits WHERE visit_id = ?"),
                          {visitId}, error);
    if (!query)
        return false;
    *closed = query->next();
    return true;
}

} // namespace openopd::pharmacy
