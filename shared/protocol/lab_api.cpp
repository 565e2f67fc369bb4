#include "protocol/lab_api.h"

#include "protocol/limits.h"

namespace openopd::protocol {

QJsonObject PendingLabOrdersRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    if (state)
        json::putEnum(object, QStringLiteral("state"), *state);
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

PendingLabOrdersRequest PendingLabOrdersRequest::read(json::Reader& reader)
{
    PendingLabOrdersRequest request;
    request.state = reader.optionalEnum<LabOrderState>(QStringLiteral("state"));
    request.limit = reader.optionalInt(QStringLiteral("limit"), 1, 200).value_or(50);
    if (reader.ok() && request.state && *request.state != LabOrderState::Ordered &&
        *request.state != LabOrderState::Collected)
        reader.fail(QStringLiteral("state"), Text::tr("must be one of: ordered, collected"));
    return request;
}

QJsonObject LabOrderListReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("orders"), json::toArray(orders));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

LabOrderListReply LabOrderListReply::read(json::Reader& reader)
{
    LabOrderListReply reply;
    reply.orders = reader.list<LabOrder>(QStringLiteral("orders"), 200, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject CollectSampleRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("order_id"), orderId);
    json::putText(object, QStringLiteral("sample_id"), sampleId);
    json::putText(object, QStringLiteral("notes"), notes);
    return object;
}

CollectSampleRequest CollectSampleRequest::read(json::Reader& reader)
{
    CollectSampleRequest request;
    request.staff = readStaff(reader);
    request.orderId = reader.requiredId(QStringLiteral("order_id"));
    request.sampleId = reader.optionalCode(QStringLiteral("sample_id"), limits::kBatch);
    request.notes = reader.optionalString(QStringLiteral("notes"), limits::kReason);
    return request;
}

QJsonObject LabOrderReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("order"), order.toJson());
    return object;
}

LabOrderReply LabOrderReply::read(json::Reader& reader)
{
    LabOrderReply reply;
    reply.order = reader.requiredObject<LabOrder>(QStringLiteral("order"));
    return reply;
}

QJsonObject EnterLabResultRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("order_id"), orderId);
    object.insert(QStringLiteral("result"), result.toJson());
    return object;
}

EnterLabResultRequest EnterLabResultRequest::read(json::Reader& reader)
{
    EnterLabResultRequest request;
    request.staff = readStaff(reader);
    request.orderId = reader.requiredId(QStringLiteral("order_id"));
    request.result = reader.requiredObject<LabResultEntry>(QStringLiteral("result"));
    return request;
}

QJsonObject LabResultReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("result"), result.toJson());
    return object;
}

LabResultReply LabResultReply::read(json::Reader& reader)
{
    LabResultReply reply;
    reply.result = reader.requiredObject<LabResult>(QStringLiteral("result"));
    return reply;
}

} // namespace openopd::protocol
