#pragma once

// Requests and replies of the discharge service (opd.discharge.>).

#include "protocol/discharge.h"

namespace openopd::protocol {

// opd.discharge.release.pending: limit 1..1000 (default 200), oldest first.
struct PendingReleasesRequest
{
    int limit = 200;

    bool operator==(const PendingReleasesRequest&) const = default;
    QJsonObject toJson() const;
    static PendingReleasesRequest read(json::Reader& reader);
    static bus::Result<PendingReleasesRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PendingReleasesRequest>(object);
    }
};

// {"releases": [PendingRelease] (0..1000), "truncated": bool}
struct PendingReleasesReply
{
    QList<PendingRelease> releases;
    bool truncated = false;

    bool operator==(const PendingReleasesReply&) const = default;
    QJsonObject toJson() const;
    static PendingReleasesReply read(json::Reader& reader);
    static bus::Result<PendingReleasesReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PendingReleasesReply>(object);
    }
};

// opd.discharge.release.record: staff; visit_id; + every DischargeDetails field (flat).
// Closes the visit; 409 when it is already closed or not yet consulted.
struct RecordDischargeRequest
{
    StaffRef staff;
    QString visitId;
    DischargeDetails details;

    bool operator==(const RecordDischargeRequest&) const = default;
    QJsonObject toJson() const;
    static RecordDischargeRequest read(json::Reader& reader);
    static bus::Result<RecordDischargeRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<RecordDischargeRequest>(object);
    }
};

// {"discharge": Discharge}
struct DischargeReply
{
    Discharge discharge;

    bool operator==(const DischargeReply&) const = default;
    QJsonObject toJson() const;
    static DischargeReply read(json::Reader& reader);
    static bus::Result<DischargeReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<DischargeReply>(object);
    }
};

} // namespace openopd::protocol
