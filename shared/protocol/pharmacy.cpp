#include "protocol/pharmacy.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {

QString readBatch(json::Reader& reader, const QString& name, bool required)
{
    return required ? reader.requiredCode(name, limits::kBatch)
                    : reader.optionalCode(name, limits::kBatch);
}

// --- BatchQuantity ---------------------------------------------------------------------

QJsonObject BatchQuantity::toJson() const
{
    QJsonObject object{{QStringLiteral("batch"), batch}, {QStringLiteral("quantity"), quantity}};
    json::putDate(object, QStringLiteral("expiry"), expiry);
    return object;
}

BatchQuantity BatchQuantity::read(json::Reader& reader)
{
    BatchQuantity batch;
    batch.batch = readBatch(reader, QStringLiteral("batch"), true);
    batch.expiry = reader.requiredDate(QStringLiteral("expiry"));
    batch.quantity = reader.requiredInt(QStringLiteral("quantity"), 1, limits::kMaxQuantity);
    return batch;
}

// --- DispensedLine ---------------------------------------------------------------------

QJsonObject DispensedLine::toJson() const
{
    return {{QStringLiteral("line"), line},
            {QStringLiteral("drug_code"), drugCode},
            {QStringLiteral("drug_name"), drugName},
            {QStringLiteral("quantity"), quantity},
            {QStringLiteral("batches"), json::toArray(batches)}};
}

DispensedLine DispensedLine::read(json::Reader& reader)
{
    DispensedLine line;
    line.line = reader.requiredInt(QStringLiteral("line"), 1, limits::kMaxLine);
    line.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    line.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    line.quantity = reader.requiredInt(QStringLiteral("quantity"), 1, limits::kMaxQuantity);
    line.batches =
        reader.list<BatchQuantity>(QStringLiteral("batches"), limits::kMaxBatchesPerLine, true);
    qint64 total = 0;
    for (const BatchQuantity& batch : line.batches)
        total += batch.quantity;
    if (reader.ok() && total != line.quantity)
        reader.fail(QStringLiteral("batches"),
                    Text::tr("quantities add up to %1, not the line's quantity %2")
                        .arg(total)
                        .arg(line.quantity));
    return line;
}

// --- Dispense --------------------------------------------------------------------------

QJsonObject Dispense::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("consultation_id"), consultationId},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("dispensed_by"), dispensedBy.toJson()},
                       {QStringLiteral("lines"), json::toArray(lines)},
                       {QStringLiteral("partial"), partial}};
    json::putTimestamp(object, QStringLiteral("dispensed_at"), dispensedAt);
    json::putText(object, QStringLiteral("notes"), notes);
    return object;
}

Dispense Dispense::read(json::Reader& reader)
{
    Dispense dispense;
    dispense.id = reader.requiredId(QStringLiteral("id"));
    dispense.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    dispense.visitId = reader.requiredId(QStringLiteral("visit_id"));
    dispense.patientId = reader.requiredId(QStringLiteral("patient_id"));
    dispense.dispensedAt = reader.requiredTimestamp(QStringLiteral("dispensed_at"));
    dispense.dispensedBy = reader.requiredObject<StaffRef>(QStringLiteral("dispensed_by"));
    dispense.lines =
        reader.list<DispensedLine>(QStringLiteral("lines"), limits::kMaxPrescriptionLines, true);
    dispense.partial = reader.requiredBool(QStringLiteral("partial"));
    dispense.notes = reader.optionalString(QStringLiteral("notes"), limits::kReason);
    if (reader.ok() && dispense.lines.isEmpty())
        reader.fail(QStringLiteral("lines"), Text::tr("must not be empty"));
    return dispense;
}

// --- StockItem -------------------------------------------------------------------------

QJsonObject StockItem::toJson() const
{
    QJsonObject object{{QStringLiteral("drug_code"), drugCode},
                       {QStringLiteral("drug_name"), drugName},
                       {QStringLiteral("batch"), batch},
                       {QStringLiteral("quantity"), quantity},
                       {QStringLiteral("reorder_level"), reorderLevel}};
    json::putText(object, QStringLiteral("unit"), unit);
    json::putDate(object, QStringLiteral("expiry"), expiry);
    json::putTimestamp(object, QStringLiteral("updated_at"), updatedAt);
    return object;
}

StockItem StockItem::read(json::Reader& reader)
{
    StockItem item;
    item.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    item.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    item.unit = reader.optionalString(QStringLiteral("unit"), limits::kUnit);
    item.batch = readBatch(reader, QStringLiteral("batch"), true);
    item.expiry = reader.requiredDate(QStringLiteral("expiry"));
    item.quantity = reader.requiredInt(QStringLiteral("quantity"), 0, limits::kMaxQuantity);
    item.reorderLevel =
        reader.requiredInt(QStringLiteral("reorder_level"), 0, limits::kMaxQuantity);
    item.updatedAt = reader.optionalTimestamp(QStringLiteral("updated_at"));
    return item;
}

// --- StockMovement ---------------------------------------------------------------------

QJsonObject StockMovement::toJson() const
{
    QJsonObject object{{QStringLiteral("drug_code"), drugCode},
                       {QStringLiteral("drug_name"), drugName},
                       {QStringLiteral("batch"), batch},
                       {QStringLiteral("delta"), delta},
                       {QStringLiteral("quantity_after"), quantityAfter},
                       {QStringLiteral("reorder_level"), reorderLevel}};
    json::putDate(object, QStringLiteral("expiry"), expiry);
    json::putEnum(object, QStringLiteral("reason"), reason);
    json::putText(object, QStringLiteral("note"), note);
    json::putTimestamp(object, QStringLiteral("at"), at);
    return object;
}

StockMovement StockMovement::read(json::Reader& reader)
{
    StockMovement movement;
    movement.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    movement.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    movement.batch = readBatch(reader, QStringLiteral("batch"), true);
    movement.expiry = reader.requiredDate(QStringLiteral("expiry"));
    movement.delta =
        reader.requiredInt(QStringLiteral("delta"), -limits::kMaxQuantity, limits::kMaxQuantity);
    movement.quantityAfter =
        reader.requiredInt(QStringLiteral("quantity_after"), 0, limits::kMaxQuantity);
    movement.reorderLevel =
        reader.requiredInt(QStringLiteral("reorder_level"), 0, limits::kMaxQuantity);
    movement.reason = reader.requiredEnum(QStringLiteral("reason"), StockReason::Received);
    movement.note = reader.optionalString(QStringLiteral("note"), limits::kReason);
    movement.at = reader.requiredTimestamp(QStringLiteral("at"));
    return movement;
}

// --- StockLow --------------------------------------------------------------------------

QJsonObject StockLow::toJson() const
{
    QJsonObject object{{QStringLiteral("drug_code"), drugCode},
                       {QStringLiteral("drug_name"), drugName},
                       {QStringLiteral("total_quantity"), totalQuantity},
                       {QStringLiteral("reorder_level"), reorderLevel}};
    json::putTimestamp(object, QStringLiteral("at"), at);
    return object;
}

StockLow StockLow::read(json::Reader& reader)
{
    StockLow low;
    low.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    low.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    low.totalQuantity =
        reader.requiredInt(QStringLiteral("total_quantity"), 0, 100 * limits::kMaxQuantity);
    low.reorderLevel = reader.requiredInt(QStringLiteral("reorder_level"), 0, limits::kMaxQuantity);
    low.at = reader.requiredTimestamp(QStringLiteral("at"));
    return low;
}

// --- PendingPrescriptionLine / PendingPrescription -------------------------------------

QJsonObject PendingPrescriptionLine::toJson() const
{
    QJsonObject object{{QStringLiteral("line"), line}};
    prescription.write(object);
    object.insert(QStringLiteral("dispensed_quantity"), dispensedQuantity);
    return object;
}

PendingPrescriptionLine PendingPrescriptionLine::read(json::Reader& reader)
{
    PendingPrescriptionLine line;
    line.line = reader.requiredInt(QStringLiteral("line"), 1, limits::kMaxLine);
    line.prescription = PrescriptionLine::read(reader);
    line.dispensedQuantity =
        reader.requiredInt(QStringLiteral("dispensed_quantity"), 0, limits::kMaxQuantity);
    return line;
}

QJsonObject PendingPrescription::toJson() const
{
    QJsonObject object{{QStringLiteral("consultation_id"), consultationId},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("prescribed_by"), prescribedBy.toJson()},
                       {QStringLiteral("lines"), json::toArray(lines)}};
    json::putTimestamp(object, QStringLiteral("prescribed_at"), prescribedAt);
    return object;
}

PendingPrescription PendingPrescription::read(json::Reader& reader)
{
    PendingPrescription pending;
    pending.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    pending.visitId = reader.requiredId(QStringLiteral("visit_id"));
    pending.patientId = reader.requiredId(QStringLiteral("patient_id"));
    pending.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    pending.prescribedBy = reader.requiredObject<StaffRef>(QStringLiteral("prescribed_by"));
    pending.prescribedAt = reader.requiredTimestamp(QStringLiteral("prescribed_at"));
    pending.lines = reader.list<PendingPrescriptionLine>(QStringLiteral("lines"),
                                                         limits::kMaxPrescriptionLines, true);
    return pending;
}

} // namespace openopd::protocol
