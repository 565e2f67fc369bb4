#include "protocol/consultation.h"

#include "protocol/limits.h"

namespace openopd::protocol {

void ConsultationContent::write(QJsonObject& object) const
{
    json::putText(object, QStringLiteral("complaint"), complaint);
    if (vitals)
        object.insert(QStringLiteral("vitals"), vitals->toJson());
    object.insert(QStringLiteral("diagnoses"), json::toArray(diagnoses));
    json::putText(object, QStringLiteral("notes"), notes);
    object.insert(QStringLiteral("prescriptions"), json::toArray(prescriptions));
    object.insert(QStringLiteral("lab_orders"), json::toArray(labOrders));
    json::putEnum(object, QStringLiteral("disposition"), disposition);
    json::putText(object, QStringLiteral("referral_to"), referralTo);
    if (releaseWithoutResults) // absent = false: older readers see what they knew
        object.insert(QStringLiteral("release_without_results"), true);
}

QJsonObject ConsultationContent::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

ConsultationContent ConsultationContent::read(json::Reader& reader)
{
    ConsultationContent content;
    content.complaint = reader.optionalString(QStringLiteral("complaint"), limits::kComplaint);
    content.vitals = reader.optionalObject<Vitals>(QStringLiteral("vitals"));
    content.diagnoses =
        reader.list<Diagnosis>(QStringLiteral("diagnoses"), limits::kMaxDiagnoses, false);
    content.notes = reader.optionalString(QStringLiteral("notes"), limits::kNote);
    content.prescriptions = reader.list<PrescriptionLine>(QStringLiteral("prescriptions"),
                                                          limits::kMaxPrescriptionLines, false);
    content.labOrders =
        reader.list<LabOrderLine>(QStringLiteral("lab_orders"), limits::kMaxLabOrders, false);
    content.disposition =
        reader.requiredEnum(QStringLiteral("disposition"), Disposition::Discharge);
    content.referralTo = reader.optionalString(QStringLiteral("referral_to"), limits::kName);
    content.releaseWithoutResults =
        reader.optionalBool(QStringLiteral("release_without_results"), false);
    if (!reader.ok())
        return content;
    if (content.disposition == Disposition::ToPharmacy && content.prescriptions.isEmpty())
        reader.fail(QStringLiteral("prescriptions"),
                    Text::tr("must not be empty when disposition is to_pharmacy"));
    else if (content.disposition == Disposition::ToLab && content.labOrders.isEmpty())
        reader.fail(QStringLiteral("lab_orders"),
                    Text::tr("must not be empty when disposition is to_lab"));
    else if (content.disposition == Disposition::Refer && content.referralTo.trimmed().isEmpty())
        reader.fail(QStringLiteral("referral_to"),
                    Text::tr("is required when disposition is refer"));
    return content;
}

QJsonObject Consultation::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("doctor"), doctor.toJson()}};
    json::putTimestamp(object, QStringLiteral("saved_at"), savedAt);
    content.write(object);
    return object;
}

Consultation Consultation::read(json::Reader& reader)
{
    Consultation consultation;
    consultation.id = reader.requiredId(QStringLiteral("id"));
    consultation.visitId = reader.requiredId(QStringLiteral("visit_id"));
    consultation.patientId = reader.requiredId(QStringLiteral("patient_id"));
    consultation.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    consultation.doctor = reader.requiredObject<StaffRef>(QStringLiteral("doctor"));
    consultation.savedAt = reader.requiredTimestamp(QStringLiteral("saved_at"));
    consultation.content = ConsultationContent::read(reader);
    return consultation;
}

} // namespace openopd::protocol
