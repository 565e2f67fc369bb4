#include "protocol/patient.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {

void PatientDetails::write(QJsonObject& object) const
{
    json::putText(object, QStringLiteral("national_id"), nationalId);
    object.insert(QStringLiteral("full_name"), fullName);
    json::putDate(object, QStringLiteral("date_of_birth"), dateOfBirth);
    if (dateOfBirthEstimated)
        object.insert(QStringLiteral("date_of_birth_estimated"), true);
    json::putEnum(object, QStringLiteral("sex"), sex);
    json::putText(object, QStringLiteral("phone"), phone);
    json::putText(object, QStringLiteral("address"), address);
    json::putStrings(object, QStringLiteral("allergies"), allergies);
    json::putText(object, QStringLiteral("remarks"), remarks);
}

QJsonObject PatientDetails::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

PatientDetails PatientDetails::read(json::Reader& reader)
{
    PatientDetails details;
    details.nationalId = reader.optionalText(
        QStringLiteral("national_id"), limits::kCode, isValidNationalId,
        Text::tr(
            "must be letters and digits, in groups separated by single spaces, '.', '/' or '-'"));
    details.fullName = reader.requiredString(QStringLiteral("full_name"), limits::kName);
    details.dateOfBirth = reader.requiredDate(QStringLiteral("date_of_birth"));
    details.dateOfBirthEstimated =
        reader.optionalBool(QStringLiteral("date_of_birth_estimated"), false);
    details.sex = reader.requiredEnum(QStringLiteral("sex"), Sex::Unknown);
    details.phone =
        reader.optionalText(QStringLiteral("phone"), limits::kPhone, isValidPhone,
                            Text::tr("must be a phone number: digits, an optional leading '+', "
                                     "spaces and ( ) . / -"));
    details.address = reader.optionalString(QStringLiteral("address"), limits::kAddress);
    details.allergies =
        reader.stringList(QStringLiteral("allergies"), limits::kMaxAllergies, limits::kName);
    details.remarks = reader.optionalString(QStringLiteral("remarks"), limits::kNote);
    return details;
}

QJsonObject Patient::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("mrn"), mrn},
                       {QStringLiteral("revision"), revision}};
    details.write(object);
    json::putTimestamp(object, QStringLiteral("registered_at"), registeredAt);
    object.insert(QStringLiteral("registered_by"), registeredBy.toJson());
    json::putTimestamp(object, QStringLiteral("updated_at"), updatedAt);
    object.insert(QStringLiteral("updated_by"), updatedBy.toJson());
    return object;
}

Patient Patient::read(json::Reader& reader)
{
    Patient patient;
    patient.id = reader.requiredId(QStringLiteral("id"));
    patient.mrn = reader.requiredCode(QStringLiteral("mrn"), limits::kCode);
    patient.revision = reader.requiredInt(QStringLiteral("revision"), 1, 1000000000);
    patient.details = PatientDetails::read(reader);
    patient.registeredAt = reader.requiredTimestamp(QStringLiteral("registered_at"));
    patient.registeredBy = reader.requiredObject<StaffRef>(QStringLiteral("registered_by"));
    patient.updatedAt = reader.requiredTimestamp(QStringLiteral("updated_at"));
    patient.updatedBy = reader.requiredObject<StaffRef>(QStringLiteral("updated_by"));
    return patient;
}

QJsonObject PatientViewed::toJson() const
{
    return {{QStringLiteral("patient_id"), patientId}};
}

PatientViewed PatientViewed::read(json::Reader& reader)
{
    return {reader.requiredId(QStringLiteral("patient_id"))};
}

} // namespace openopd::protocol
