#pragma once

// Requests and replies of the lab (served by the pharmacy service on opd.lab.>).

#include "protocol/lab.h"

namespace openopd::protocol {

// opd.lab.order.pending: state optional (ordered or collected; both when absent);
// limit 1..200 (default 50). Urgent first, then oldest.
struct PendingLabOrdersRequest
{
    std::optional<LabOrderState> state;
    int limit = 50;

    bool operator==(const PendingLabOrdersRequest&) const = default;
    QJsonObject toJson() const;
    static PendingLabOrdersRequest read(json::Reader& reader);
    static bus::Result<PendingLabOrdersRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PendingLabOrdersRequest>(object);
    }
};

// {"orders": [LabOrder] (0..200), "truncated": bool}
struct LabOrderListReply
{
    QList<LabOrder> orders;
    bool truncated = false;

    bool operator==(const LabOrderListReply&) const = default;
    QJsonObject toJson() const;
    static LabOrderListReply read(json::Reader& reader);
    static bus::Result<LabOrderListReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<LabOrderListReply>(object);
    }
};

// opd.lab.sample.collect: staff; order_id; sample_id optional code up to 40 (tube label);
// notes optional up to 1000. The order must be "ordered" (else 409).
struct CollectSampleRequest
{
    StaffRef staff;
    QString orderId;
    QString sampleId;
    QString notes;

    bool operator==(const CollectSampleRequest&) const = default;
    QJsonObject toJson() const;
    static CollectSampleRequest read(json::Reader& reader);
    static bus::Result<CollectSampleRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CollectSampleRequest>(object);
    }
};

// {"order": LabOrder}
struct LabOrderReply
{
    LabOrder order;

    bool operator==(const LabOrderReply&) const = default;
    QJsonObject toJson() const;
    static LabOrderReply read(json::Reader& reader);
    static bus::Result<LabOrderReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<LabOrderReply>(object);
    }
};

// opd.lab.result.enter: staff; order_id; result (LabResultEntry). The order must be
// "collected" (else 409).
struct EnterLabResultRequest
{
    StaffRef staff;
    QString orderId;
    LabResultEntry result;

    bool operator==(const EnterLabResultRequest&) const = default;
    QJsonObject toJson() const;
    static EnterLabResultRequest read(json::Reader& reader);
    static bus::Result<EnterLabResultRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<EnterLabResultRequest>(object);
    }
};

// {"result": LabResult}
struct LabResultReply
{
    LabResult result;

    bool operator==(const LabResultReply&) const = default;
    QJsonObject toJson() const;
    static LabResultReply read(json::Reader& reader);
    static bus::Result<LabResultReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<LabResultReply>(object);
    }
};

} // namespace openopd::protocol
