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

QJsonObject GetReleaseRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("visit_id"), visitId);
    return object;
}

GetReleaseRequest GetReleaseRequest::read(json::Reader& reader)
{
    GetReleaseRequest request;
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    return request;
}

QJsonObject ReleaseStatusReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("visit_id"), visitId);
    json::putEnum(object, QStringLiteral("state"), state);
    if (release)
        object.insert(QStringLiteral("release"), release->toJson());
    if (discharge)
        object.insert(QStringLiteral("discharge"), discharge->toJson());
    object.insert(QStringLiteral("summary"), summary.toJson());
    return object;
}

ReleaseStatusReply ReleaseStatusReply::read(json::Reader& reader)
{
    ReleaseStatusReply reply;
    reply.visitId = reader.requiredId(QStringLiteral("visit_id"));
    reply.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Registered);
    reply.release = reader.optionalObject<PendingRelease>(QStringLiteral("release"));
    reply.discharge = reader.optionalObject<Discharge>(QStringLiteral("discharge"));
    reply.summary =
        reader.optionalObject<VisitSummary>(QStringLiteral("summary")).value_or(VisitSummary{});
    if (reader.ok() && reply.release && reply.release->visitId != reply.visitId)
        reader.fail(QStringLiteral("release.visit_id"), Text::tr("must equal visit_id"));
    else if (reader.ok() && reply.discharge && reply.discharge->visitId != reply.visitId)
        reader.fail(QStringLiteral("discharge.visit_id"), Text::tr("must equal visit_id"));
    else if (const QString foreign = reply.summary.foreignItem(reply.visitId);
             reader.ok() && !foreign.isEmpty())
        reader.fail(QStringLiteral("summary.") + foreign, Text::tr("must equal visit_id"));
    return reply;
}

} // namespace openopd::protocol
