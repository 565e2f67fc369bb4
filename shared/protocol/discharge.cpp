#include "protocol/discharge.h"

#include "protocol/limits.h"
#include "protocol/visit.h"

namespace openopd::protocol {

void DischargeDetails::write(QJsonObject& object) const
{
    json::putEnum(object, QStringLiteral("outcome"), outcome);
    json::putText(object, QStringLiteral("destination"), destination);
    object.insert(QStringLiteral("post_medication"), json::toArray(postMedication));
    json::putText(object, QStringLiteral("notes"), notes);
    json::putDate(object, QStringLiteral("next_visit"), nextVisit);
}

QJsonObject DischargeDetails::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

DischargeDetails DischargeDetails::read(json::Reader& reader)
{
    DischargeDetails details;
    details.outcome = reader.requiredEnum(QStringLiteral("outcome"), DischargeOutcome::Discharged);
    details.destination = reader.optionalString(QStringLiteral("destination"), limits::kName);
    details.postMedication = reader.list<PrescriptionLine>(QStringLiteral("post_medication"),
                                                           limits::kMaxPrescriptionLines, false);
    details.notes = reader.optionalString(QStringLiteral("notes"), limits::kNote);
    details.nextVisit = reader.optionalDate(QStringLiteral("next_visit"));
    if (reader.ok() && details.outcome != DischargeOutcome::Discharged &&
        details.destination.trimmed().isEmpty())
        reader.fail(QStringLiteral("destination"),
                    Text::tr("is required when the outcome is admitted or referred"));
    return details;
}

QJsonObject Discharge::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("recorded_by"), recordedBy.toJson()}};
    json::putTimestamp(object, QStringLiteral("recorded_at"), recordedAt);
    details.write(object);
    return object;
}

Discharge Discharge::read(json::Reader& reader)
{
    Discharge discharge;
    discharge.id = reader.requiredId(QStringLiteral("id"));
    discharge.visitId = reader.requiredId(QStringLiteral("visit_id"));
    discharge.patientId = reader.requiredId(QStringLiteral("patient_id"));
    discharge.recordedAt = reader.requiredTimestamp(QStringLiteral("recorded_at"));
    discharge.recordedBy = reader.requiredObject<StaffRef>(QStringLiteral("recorded_by"));
    discharge.details = DischargeDetails::read(reader);
    return discharge;
}

QJsonObject PendingRelease::toJson() const
{
    QJsonObject object{{QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("queue"), queue},
                       {QStringLiteral("token"), token},
                       {QStringLiteral("consultation_id"), consultationId}};
    json::putDate(object, QStringLiteral("day"), day);
    json::putEnum(object, QStringLiteral("disposition"), disposition);
    json::putEnum(object, QStringLiteral("state"), state);
    json::putTimestamp(object, QStringLiteral("ready_since"), readySince);
    return object;
}

PendingRelease PendingRelease::read(json::Reader& reader)
{
    PendingRelease release;
    release.visitId = reader.requiredId(QStringLiteral("visit_id"));
    release.patientId = reader.requiredId(QStringLiteral("patient_id"));
    release.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    release.queue = readQueue(reader, QStringLiteral("queue"), true);
    release.day = reader.requiredDate(QStringLiteral("day"));
    release.token = reader.requiredInt(QStringLiteral("token"), 1, limits::kMaxToken);
    release.consultationId = reader.requiredId(QStringLiteral("consultation_id"));
    release.disposition =
        reader.requiredEnum(QStringLiteral("disposition"), Disposition::Discharge);
    release.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Consulted);
    release.readySince = reader.requiredTimestamp(QStringLiteral("ready_since"));
    return release;
}

} // namespace openopd::protocol
