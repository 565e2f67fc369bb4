#include "protocol/pharmacy_api.h"

#include "protocol/limits.h"

#include <QSet>

namespace openopd::protocol {

QJsonObject PendingPrescriptionsRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

PendingPrescriptionsRequest PendingPrescriptionsRequest::read(json::Reader& reader)
{
    PendingPrescriptionsRequest request;
    request.limit = reader.optionalInt(QStringLiteral("limit"), 1, 200).value_or(50);
    return request;
}

QJsonObject PendingPrescriptionsReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("prescriptions"), json::toArray(prescriptions));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

PendingPrescriptionsReply PendingPrescriptionsReply::read(json::Reader& reader)
{
    PendingPrescriptionsReply reply;
    reply.prescriptions =
        reader.list<PendingPrescription>(QStringLiteral("prescriptions"), 200, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject DispenseRequestLine::toJson() const
{
    return {{QStringLiteral("line"), line}, {QStringLiteral("quantity"), quantity}};
}

DispenseRequestLine DispenseRequestLine::read(json::Reader& reader)
{
    DispenseRequestLine line;
    line.line = reader.requiredInt(QStringLiteral("line"), 1, limits::kMaxLine);
    line.quantity = reader.requiredInt(QStringLiteral("quantity"), 1, limits::kMaxQuantity);
    return line;
}

QJsonObject DispenseRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("consultation_id"), consultationId);
    object.insert(QStringLiteral("lines"), json::toArray(lines));
    json::putText(object, QStringLiteral("notes"), notes);
    return object;
}

DispenseRequest DispenseRequest::read(json::Reader& reader)
{
    DispenseRequest request;
    request.staff = readStaff(reader);
    request.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    request.lines = reader.list<DispenseRequestLine>(QStringLiteral("lines"),
                                                     limits::kMaxPrescriptionLines, true);
    request.notes = reader.optionalString(QStringLiteral("notes"), limits::kReason);
    if (!reader.ok())
        return request;
    if (request.lines.isEmpty()) {
        reader.fail(QStringLiteral("lines"), Text::tr("must not be empty"));
        return request;
    }
    QSet<int> seen;
    for (qsizetype i = 0; i < request.lines.size(); ++i) {
        if (seen.contains(request.lines.at(i).line)) {
            reader.fail(QStringLiteral("lines[%1].line").arg(i),
                        Text::tr("appears more than once"));
            break;
        }
        seen.insert(request.lines.at(i).line);
    }
    return request;
}

QJsonObject DispenseReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("dispense"), dispense.toJson());
    return object;
}

DispenseReply DispenseReply::read(json::Reader& reader)
{
    DispenseReply reply;
    reply.dispense = reader.requiredObject<Dispense>(QStringLiteral("dispense"));
    return reply;
}

QJsonObject GetPrescriptionRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("consultation_id"), consultationId);
    return object;
}

GetPrescriptionRequest GetPrescriptionRequest::read(json::Reader& reader)
{
    GetPrescriptionRequest request;
    request.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    return request;
}

QJsonObject PrescriptionReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("prescription"), prescription.toJson());
    json::putEnum(object, QStringLiteral("state"), state);
    object.insert(QStringLiteral("dispenses"), json::toArray(dispenses));
    return object;
}

PrescriptionReply PrescriptionReply::read(json::Reader& reader)
{
    PrescriptionReply reply;
    reply.prescription = reader.requiredObject<PendingPrescription>(QStringLiteral("prescription"));
    reply.state = reader.requiredEnum(QStringLiteral("state"), PrescriptionState::Open);
    reply.dispenses =
        reader.list<Dispense>(QStringLiteral("dispenses"), kMaxDispensesPerPrescription, true);
    for (qsizetype i = 0; reader.ok() && i < reply.dispenses.size(); ++i)
        if (reply.dispenses.at(i).consultationId != reply.prescription.consultationId)
            reader.fail(QStringLiteral("dispenses[%1].consultation_id").arg(i),
                        Text::tr("must equal prescription.consultation_id"));
    return reply;
}

QJsonObject StockListRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putText(object, QStringLiteral("query"), query);
    object.insert(QStringLiteral("low_only"), lowOnly);
    object.insert(QStringLiteral("include_empty"), includeEmpty);
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

StockListRequest StockListRequest::read(json::Reader& reader)
{
    StockListRequest request;
    request.query = reader.optionalString(QStringLiteral("query"), limits::kQuery);
    request.lowOnly = reader.optionalBool(QStringLiteral("low_only"), false);
    request.includeEmpty = reader.optionalBool(QStringLiteral("include_empty"), false);
    request.limit =
        reader.optionalInt(QStringLiteral("limit"), 1, static_cast<int>(limits::kMaxListItems))
            .value_or(200);
    return request;
}

QJsonObject StockListReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("items"), json::toArray(items));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

StockListReply StockListReply::read(json::Reader& reader)
{
    StockListReply reply;
    reply.items = reader.list<StockItem>(QStringLiteral("items"), limits::kMaxListItems, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject ReceiveStockRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("drug_code"), drugCode);
    object.insert(QStringLiteral("drug_name"), drugName);
    json::putText(object, QStringLiteral("unit"), unit);
    object.insert(QStringLiteral("batch"), batch);
    json::putDate(object, QStringLiteral("expiry"), expiry);
    object.insert(QStringLiteral("quantity"), quantity);
    json::putInt(object, QStringLiteral("reorder_level"), reorderLevel);
    json::putText(object, QStringLiteral("note"), note);
    return object;
}

ReceiveStockRequest ReceiveStockRequest::read(json::Reader& reader)
{
    ReceiveStockRequest request;
    request.staff = readStaff(reader);
    request.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    request.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    request.unit = reader.optionalString(QStringLiteral("unit"), limits::kUnit);
    request.batch = readBatch(reader, QStringLiteral("batch"), true);
    request.expiry = reader.requiredDate(QStringLiteral("expiry"));
    request.quantity = reader.requiredInt(QStringLiteral("quantity"), 1, limits::kMaxQuantity);
    request.reorderLevel =
        reader.optionalInt(QStringLiteral("reorder_level"), 0, limits::kMaxQuantity);
    request.note = reader.optionalString(QStringLiteral("note"), limits::kReason);
    return request;
}

QJsonObject AdjustStockRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("drug_code"), drugCode);
    object.insert(QStringLiteral("batch"), batch);
    object.insert(QStringLiteral("delta"), delta);
    json::putInt(object, QStringLiteral("reorder_level"), reorderLevel);
    json::putEnum(object, QStringLiteral("reason"), reason);
    json::putText(object, QStringLiteral("note"), note);
    return object;
}

AdjustStockRequest AdjustStockRequest::read(json::Reader& reader)
{
    AdjustStockRequest request;
    request.staff = readStaff(reader);
    request.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    request.batch = readBatch(reader, QStringLiteral("batch"), true);
    request.delta =
        reader.optionalInt(QStringLiteral("delta"), -limits::kMaxQuantity, limits::kMaxQuantity)
            .value_or(0);
    request.reorderLevel =
        reader.optionalInt(QStringLiteral("reorder_level"), 0, limits::kMaxQuantity);
    request.reason = reader.requiredEnum(QStringLiteral("reason"), StockReason::CountCorrection);
    request.note = reader.optionalString(QStringLiteral("note"), limits::kReason);
    if (!reader.ok())
        return request;
    if (request.reason == StockReason::Received || request.reason == StockReason::Dispensed)
        reader.fail(
            QStringLiteral("reason"),
            Text::tr("must be one of: count_correction, damaged, expired, returned, other"));
    else if (request.delta == 0 && !request.reorderLevel)
        reader.fail(QStringLiteral("delta"),
                    Text::tr("must not be 0 unless reorder_level is given"));
    else if (request.reason == StockReason::Other && request.note.trimmed().isEmpty())
        reader.fail(QStringLiteral("note"), Text::tr("is required when the reason is other"));
    return request;
}

QJsonObject StockItemReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("item"), item.toJson());
    return object;
}

StockItemReply StockItemReply::read(json::Reader& reader)
{
    StockItemReply reply;
    reply.item = reader.requiredObject<StockItem>(QStringLiteral("item"));
    return reply;
}

} // namespace openopd::protocol
