#include "protocol/discharge_api.h"

#include "protocol/limits.h"

namespace openopd::protocol {

QJsonObject PendingReleasesRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

PendingReleasesRequest PendingReleasesRequest::read(json::Reader& reader)
{
    PendingReleasesRequest request;
    request.limit =
        reader.optionalInt(QStringLiteral("limit"), 1, static_cast<int>(limits::kMaxListItems))
            .value_or(200);
    return request;
}

QJsonObject PendingReleasesReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("releases"), json::toArray(releases));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

PendingReleasesReply PendingReleasesReply::read(json::Reader& reader)
{
    PendingReleasesReply reply;
    reply.releases =
        reader.list<PendingRelease>(QStringLiteral("releases"), limits::kMaxListItems, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject RecordDischargeRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    details.write(object);
    return object;
}

RecordDischargeRequest RecordDischargeRequest::read(json::Reader& reader)
{
    RecordDischargeRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    request.details = DischargeDetails::read(reader);
    return request;
}

QJsonObject DischargeReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("discharge"), discharge.toJson());
    return object;
}

DischargeReply DischargeReply::read(json::Reader& reader)
{
    DischargeReply reply;
    reply.discharge = reader.requiredObject<Discharge>(QStringLiteral("discharge"));
    return reply;
}

} // namespace openopd::protocol
