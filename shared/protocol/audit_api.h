#pragma once

// Requests and replies of the audit service (opd.admin.audit.>).

#include "protocol/audit.h"

namespace openopd::protocol {

// opd.admin.audit.query; every filter optional, combined with AND:
//   patient_id UUID; staff_id (the actor's id); from, to timestamps (from <= to, inclusive,
//   on the event's time); after_seq >= 0 (page: records with seq > after_seq);
//   limit 1..1000 (default 100). Records come in seq order.
struct AuditQueryRequest
{
    QString patientId;
    QString staffId;
    QDateTime from;
    QDateTime to;
    qint64 afterSeq = 0;
    int limit = 100;

    bool operator==(const AuditQueryRequest&) const = default;
    QJsonObject toJson() const;
    static AuditQueryRequest read(json::Reader& reader);
    static bus::Result<AuditQueryRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<AuditQueryRequest>(object);
    }
};

// {"records": [AuditRecord] (0..1000), "has_more": bool (ask again with after_seq = the
// last seq)}
struct AuditQueryReply
{
    QList<AuditRecord> records;
    bool hasMore = false;

    bool operator==(const AuditQueryReply&) const = default;
    QJsonObject toJson() const;
    static AuditQueryReply read(json::Reader& reader);
    static bus::Result<AuditQueryReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<AuditQueryReply>(object);
    }
};

// opd.admin.audit.verify: from_seq optional >= 1 (default 1); to_seq optional (default the
// last record); from_seq <= to_seq.
struct AuditVerifyRequest
{
    std::optional<qint64> fromSeq;
    std::optional<qint64> toSeq;

    bool operator==(const AuditVerifyRequest&) const = default;
    QJsonObject toJson() const;
    static AuditVerifyRequest read(json::Reader& reader);
    static bus::Result<AuditVerifyRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<AuditVerifyRequest>(object);
    }
};

// intact: every checked record's hash is right and links to the previous one.
//   checked        number of records checked
//   head_seq, head_hash   the last record of the log (0 and the genesis hash when empty)
//   first_broken_seq      required when intact is false: the first record that fails
//   reason               optional up to 1000: why it fails
//   verified_at          timestamp
struct AuditVerifyReply
{
    bool intact = true;
    qint64 checked = 0;
    qint64 headSeq = 0;
    QString headHash;
    std::optional<qint64> firstBrokenSeq;
    QString reason;
    QDateTime verifiedAt;

    bool operator==(const AuditVerifyReply&) const = default;
    QJsonObject toJson() const;
    static AuditVerifyReply read(json::Reader& reader);
    static bus::Result<AuditVerifyReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<AuditVerifyReply>(object);
    }
};

} // namespace openopd::protocol
