#pragma once

// Requests and replies of the discharge service (opd.discharge.>).

#include "protocol/discharge.h"
#include "protocol/visit_summary.h"

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

// opd.discharge.release.get: visit_id. Where one visit stands for the discharge service: the
// read that shows whether a discharge took effect.
struct GetReleaseRequest
{
    QString visitId;

    bool operator==(const GetReleaseRequest&) const = default;
    QJsonObject toJson() const;
    static GetReleaseRequest read(json::Reader& reader);
    static bus::Result<GetReleaseRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<GetReleaseRequest>(object);
    }
};

// {"visit_id", "state": the visit's state as this service knows it (registered … dispensed,
//  or the closing state), "release": PendingRelease (opt: while on the pending list),
//  "discharge": Discharge (opt: once one is recorded),
//  "summary": VisitSummary (the consultation, dispenses and lab results of the visit; read
//  as empty when absent)}
struct ReleaseStatusReply
{
    QString visitId;
    VisitState state = VisitState::Registered;
    std::optional<PendingRelease> release;
    std::optional<Discharge> discharge;
    VisitSummary summary;

    bool operator==(const ReleaseStatusReply&) const = default;
    QJsonObject toJson() const;
    static ReleaseStatusReply read(json::Reader& reader);
    static bus::Result<ReleaseStatusReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ReleaseStatusReply>(object);
    }
};

} // namespace openopd::protocol
