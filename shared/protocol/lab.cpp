#include "protocol/lab.h"

#include "protocol/limits.h"

namespace openopd::protocol {

QJsonObject LabOrder::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("consultation_id"), consultationId},
                       {QStringLiteral("line"), line},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("ordered_by"), orderedBy.toJson()}};
    test.write(object);
    json::putTimestamp(object, QStringLiteral("ordered_at"), orderedAt);
    json::putEnum(object, QStringLiteral("state"), state);
    json::putTimestamp(object, QStringLiteral("collected_at"), collectedAt);
    if (collectedBy)
        object.insert(QStringLiteral("collected_by"), collectedBy->toJson());
    json::putText(object, QStringLiteral("sample_id"), sampleId);
    return object;
}

LabOrder LabOrder::read(json::Reader& reader)
{
    LabOrder order;
    order.id = reader.requiredId(QStringLiteral("id"));
    order.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    order.line = reader.requiredInt(QStringLiteral("line"), 1, limits::kMaxLine);
    order.visitId = reader.requiredId(QStringLiteral("visit_id"));
    order.patientId = reader.requiredId(QStringLiteral("patient_id"));
    order.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    order.test = LabOrderLine::read(reader);
    order.orderedAt = reader.requiredTimestamp(QStringLiteral("ordered_at"));
    order.orderedBy = reader.requiredObject<StaffRef>(QStringLiteral("ordered_by"));
    order.state = reader.requiredEnum(QStringLiteral("state"), LabOrderState::Ordered);
    order.collectedAt = reader.optionalTimestamp(QStringLiteral("collected_at"));
    order.collectedBy = reader.optionalObject<StaffRef>(QStringLiteral("collected_by"));
    order.sampleId = reader.optionalCode(QStringLiteral("sample_id"), limits::kBatch);
    return order;
}

void LabResultEntry::write(QJsonObject& object) const
{
    object.insert(QStringLiteral("value"), value);
    json::putText(object, QStringLiteral("unit"), unit);
    json::putText(object, QStringLiteral("reference_range"), referenceRange);
    json::putEnum(object, QStringLiteral("flag"), flag);
    json::putText(object, QStringLiteral("notes"), notes);
}

QJsonObject LabResultEntry::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

LabResultEntry LabResultEntry::read(json::Reader& reader)
{
    LabResultEntry entry;
    entry.value = reader.requiredString(QStringLiteral("value"), limits::kNote);
    entry.unit = reader.optionalString(QStringLiteral("unit"), limits::kUnit);
    entry.referenceRange = reader.optionalString(QStringLiteral("reference_range"), limits::kRange);
    entry.flag = reader.requiredEnum(QStringLiteral("flag"), LabFlag::Normal);
    entry.notes = reader.optionalString(QStringLiteral("notes"), limits::kNote);
    return entry;
}

QJsonObject LabResult::toJson() const
{
    QJsonObject object{{QStringLiteral("order_id"), orderId},
                       {QStringLiteral("consultation_id"), consultationId},
                       {QStringLiteral("line"), line},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("test_code"), testCode},
                       {QStringLiteral("test_name"), testName},
                       {QStringLiteral("resulted_by"), resultedBy.toJson()}};
    entry.write(object);
    json::putTimestamp(object, QStringLiteral("resulted_at"), resultedAt);
    return object;
}

LabResult LabResult::read(json::Reader& reader)
{
    LabResult result;
    result.orderId = reader.requiredId(QStringLiteral("order_id"));
    result.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    result.line = reader.requiredInt(QStringLiteral("line"), 1, limits::kMaxLine);
    result.visitId = reader.requiredId(QStringLiteral("visit_id"));
    result.patientId = reader.requiredId(QStringLiteral("patient_id"));
    result.testCode = reader.requiredCode(QStringLiteral("test_code"), limits::kCode);
    result.testName = reader.requiredString(QStringLiteral("test_name"), limits::kName);
    result.entry = LabResultEntry::read(reader);
    result.resultedAt = reader.requiredTimestamp(QStringLiteral("resulted_at"));
    result.resultedBy = reader.requiredObject<StaffRef>(QStringLiteral("resulted_by"));
    return result;
}

QJsonObject ResultToReview::toJson() const
{
    QJsonObject object{{QStringLiteral("order_id"), orderId},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("consultation_id"), consultationId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("ordered_by"), orderedBy.toJson()},
                       {QStringLiteral("result"), result.toJson()}};
    json::putTimestamp(object, QStringLiteral("reviewed_at"), reviewedAt);
    if (reviewedBy)
        object.insert(QStringLiteral("reviewed_by"), reviewedBy->toJson());
    return object;
}

ResultToReview ResultToReview::read(json::Reader& reader)
{
    ResultToReview row;
    row.orderId = reader.requiredId(QStringLiteral("order_id"));
    row.visitId = reader.requiredId(QStringLiteral("visit_id"));
    row.patientId = reader.requiredId(QStringLiteral("patient_id"));
    row.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    row.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    row.orderedBy = reader.requiredObject<StaffRef>(QStringLiteral("ordered_by"));
    row.result = reader.requiredObject<LabResult>(QStringLiteral("result"));
    row.reviewedAt = reader.optionalTimestamp(QStringLiteral("reviewed_at"));
    row.reviewedBy = reader.optionalObject<StaffRef>(QStringLiteral("reviewed_by"));
    if (reader.ok() && (row.result.orderId != row.orderId || row.result.visitId != row.visitId))
        reader.fail(QStringLiteral("result"), Text::tr("must be the result of order_id"));
    return row;
}

} // namespace openopd::protocol
