#include "pharmacy/lab_store.h"

#include "protocol/list_change.h"
#include "protocol/validation.h"

namespace openopd::pharmacy {

using protocol::LabOrder;
using protocol::LabOrderState;

namespace {

const QString kOrderColumns = QStringLiteral(
    "SELECT id, consultation_id, line, visit_id, patient_id, patient_name, test_code, test_name,"
    " specimen, urgent, notes, ordered_at, ordered_by, state, collected_at, collected_by,"
    " sample_id FROM lab_orders");

LabOrder orderFrom(const QSqlQuery& q)
{
    LabOrder o;
    o.id = q.value(0).toString();
    o.consultationId = q.value(1).toString();
    o.line = q.value(2).toInt();
    o.visitId = q.value(3).toString();
    o.patientId = q.value(4).toString();
    o.patientName = q.value(5).toString();
    o.test.testCode = q.value(6).toString();
    o.test.testName = q.value(7).toString();
    o.test.specimen = q.value(8).toString();
    o.test.urgent = q.value(9).toInt() != 0;
    o.test.notes = q.value(10).toString();
    o.orderedAt = timeFromText(q.value(11));
    o.orderedBy = staffFromText(q.value(12));
    o.state = protocol::enumFromWire<LabOrderState>(q.value(13).toString())
                  .value_or(LabOrderState::Ordered);
    o.collectedAt = timeFromText(q.value(14));
    if (!q.value(15).isNull())
        o.collectedBy = staffFromText(q.value(15));
    o.sampleId = q.value(16).toString();
    return o;
}

QString wire(LabOrderState state)
{
    return protocol::toWire(state);
}

} // namespace

bool LabStore::addFromConsultation(const protocol::Consultation& c, const QString& eventId,
                                   const QDateTime& now, bool cancelled, int* added, QString* error)
{
    *added = 0;
    if (c.content.labOrders.isEmpty())
        return true;
    const QString at = timeToText(now);
    QString prepareError;
    QSqlQuery insert = m_db.prepare(
        QStringLiteral("INSERT INTO lab_orders (id, consultation_id, line, visit_id, patient_id,"
                       " patient_name, test_code, test_name, specimen, urgent, notes, ordered_at,"
                       " ordered_by, state, cancelled_at, cancelled_by, event_id, received_at,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " ?, ?) ON CONFLICT (consultation_id, line) DO NOTHING"),
        &prepareError);
    if (!prepareError.isEmpty()) {
        *error = prepareError;
        return false;
    }
    const QVariant null(QMetaType::fromType<QString>());
    for (qsizetype i = 0; i < c.content.labOrders.size(); ++i) {
        const protocol::LabOrderLine& line = c.content.labOrders.at(i);
        if (!host::Database::exec(
                insert,
                {protocol::newId(), c.id, static_cast<int>(i + 1), c.visitId, c.patientId,
                 c.patientName, line.testCode, line.testName, textOrNull(line.specimen),
                 line.urgent ? 1 : 0, textOrNull(line.notes), timeToText(c.savedAt),
                 staffToText(c.doctor),
                 wire(cancelled ? LabOrderState::Cancelled : LabOrderState::Ordered),
                 cancelled ? QVariant(at) : null, null, eventId, at, at},
                error))
            return false;
        if (insert.numRowsAffected() == 1)
            ++*added;
    }
    return true;
}

bool LabStore::pending(const protocol::PendingLabOrdersRequest& request,
                       protocol::LabOrderListReply* reply, QString* error)
{
    QVariantList values;
    QString where;
    if (request.state) {
        where = QStringLiteral(" WHERE state = ?");
        values << wire(*request.state);
    } else {
        where = QStringLiteral(" WHERE state IN (?, ?)");
        values << wire(LabOrderState::Ordered) << wire(LabOrderState::Collected);
    }
    values << request.limit + 1;
    auto query = m_db.run(kOrderColumns + where +
                              QStringLiteral(" ORDER BY urgent DESC, ordered_at, consultation_id,"
                                             " line LIMIT ?"),
                          values, error);
    if (!query)
        return false;
    qsizetype used = 0;
    while (query->next()) {
        LabOrder order = orderFrom(*query);
        if (reply->orders.size() == request.limit || !withinReplyBudget(&used, order.toJson())) {
            reply->truncated = true;
            break;
        }
        reply->orders.append(std::move(order));
    }
    return true;
}

bool LabStore::pendingOfVisit(const QString& visitId, QList<LabOrder>* orders, QString* error)
{
    orders->clear();
    auto query = m_db.run(kOrderColumns + QStringLiteral(" WHERE visit_id = ? AND state IN (?, ?)"
                                                         " ORDER BY urgent DESC, ordered_at,"
                                                         " consultation_id, line LIMIT ?"),
                          {visitId, wire(LabOrderState::Ordered), wire(LabOrderState::Collected),
                           static_cast<int>(protocol::kMaxListChangeRows)},
                          error);
    if (!query)
        return false;
    while (query->next())
        orders->append(orderFrom(*query));
    return true;
}

bool LabStore::load(const QString& orderId, std::optional<LabOrder>* order, QString* error)
{
    auto query = m_db.run(kOrderColumns + QStringLiteral(" WHERE id = ?"), {orderId}, error);
    if (!query)
        return false;
    order->reset();
    if (query->next())
        *order = orderFrom(*query);
    return true;
}

bool LabStore::collect(const protocol::CollectSampleRequest& r, const QDateTime& now, bool* applied,
                       QString* error)
{
    const QString at = timeToText(now);
    auto updated = m_db.run(
        QStringLiteral("UPDATE lab_orders SET state = ?, collected_at = ?, collected_by = ?,"
                       " sample_id = ?, collect_notes = ?, updated_at = ?"
                       " WHERE id = ? AND state = ?"),
        {wire(LabOrderState::Collected), at, staffToText(r.staff), textOrNull(r.sampleId),
         textOrNull(r.notes), at, r.orderId, wire(LabOrderState::Ordered)},
        error);
    if (!updated)
        return false;
    *applied = updated->numRowsAffected() == 1;
    return true;
}

bool LabStore::enterResult(const protocol::LabResult& r, bool* applied, QString* error)
{
    const QString at = timeToText(r.resultedAt);
    auto updated = m_db.run(
        QStringLiteral("UPDATE lab_orders SET state = ?, updated_at = ?"
                       " WHERE id = ? AND state = ?"),
        {wire(LabOrderState::Resulted), at, r.orderId, wire(LabOrderState::Collected)}, error);
    if (!updated)
        return false;
    *applied = updated->numRowsAffected() == 1;
    if (!*applied)
        return true;
    return m_db
        .run(QStringLiteral("INSERT INTO lab_results (order_id, value, unit, reference_range,"
                            " flag, notes, resulted_at, staff_id, resulted_by)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
             {r.orderId, r.entry.value, textOrNull(r.entry.unit),
              textOrNull(r.entry.referenceRange), protocol::toWire(r.entry.flag),
              textOrNull(r.entry.notes), at, r.resultedBy.id, staffToText(r.resultedBy)},
             error)
        .has_value();
}

bool LabStore::cancelUncollected(const protocol::Discharge& discharge, const QDateTime& now,
                                 QString* error)
{
    const QString at = timeToText(now);
    return m_db
        .run(QStringLiteral("UPDATE lab_orders SET state = ?, cancelled_at = ?, cancelled_by = ?,"
                            " updated_at = ? WHERE visit_id = ? AND state = ?"),
             {wire(LabOrderState::Cancelled), at, staffToText(discharge.recordedBy), at,
              discharge.visitId, wire(LabOrderState::Ordered)},
             error)
        .has_value();
}

} // namespace openopd::pharmacy
