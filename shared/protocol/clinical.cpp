#include "protocol/clinical.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {

QJsonObject Vitals::toJson() const
{
    QJsonObject object;
    json::putDouble(object, QStringLiteral("temperature_c"), temperatureC);
    json::putInt(object, QStringLiteral("pulse_bpm"), pulseBpm);
    json::putInt(object, QStringLiteral("respiratory_rate"), respiratoryRate);
    json::putInt(object, QStringLiteral("systolic_mmhg"), systolicMmHg);
    json::putInt(object, QStringLiteral("diastolic_mmhg"), diastolicMmHg);
    json::putInt(object, QStringLiteral("spo2_percent"), spo2Percent);
    json::putDouble(object, QStringLiteral("weight_kg"), weightKg);
    json::putDouble(object, QStringLiteral("height_cm"), heightCm);
    return object;
}

Vitals Vitals::read(json::Reader& reader)
{
    Vitals vitals;
    vitals.temperatureC = reader.optionalDouble(QStringLiteral("temperature_c"), 25.0, 45.0);
    vitals.pulseBpm = reader.optionalInt(QStringLiteral("pulse_bpm"), 20, 250);
    vitals.respiratoryRate = reader.optionalInt(QStringLiteral("respiratory_rate"), 4, 80);
    vitals.systolicMmHg = reader.optionalInt(QStringLiteral("systolic_mmhg"), 50, 300);
    vitals.diastolicMmHg = reader.optionalInt(QStringLiteral("diastolic_mmhg"), 20, 200);
    vitals.spo2Percent = reader.optionalInt(QStringLiteral("spo2_percent"), 50, 100);
    vitals.weightKg = reader.optionalDouble(QStringLiteral("weight_kg"), 0.2, 500.0);
    vitals.heightCm = reader.optionalDouble(QStringLiteral("height_cm"), 20.0, 260.0);
    if (!reader.ok())
        return vitals;
    if (vitals.systolicMmHg && !vitals.diastolicMmHg)
        reader.fail(QStringLiteral("diastolic_mmhg"), Text::tr("is required with systolic_mmhg"));
    else if (vitals.diastolicMmHg && !vitals.systolicMmHg)
        reader.fail(QStringLiteral("systolic_mmhg"), Text::tr("is required with diastolic_mmhg"));
    else if (vitals.systolicMmHg && *vitals.systolicMmHg <= *vitals.diastolicMmHg)
        reader.fail(QStringLiteral("diastolic_mmhg"), Text::tr("must be below systolic_mmhg"));
    return vitals;
}

QJsonObject Diagnosis::toJson() const
{
    QJsonObject object{{QStringLiteral("text"), text}};
    json::putText(object, QStringLiteral("icd10"), icd10);
    return object;
}

Diagnosis Diagnosis::read(json::Reader& reader)
{
    Diagnosis diagnosis;
    diagnosis.text = reader.requiredString(QStringLiteral("text"), limits::kDiagnosis);
    diagnosis.icd10 =
        reader.optionalText(QStringLiteral("icd10"), 16, isValidIcd10,
                            Text::tr("must be an ICD-10 code such as J06.9 (letter, two digits, "
                                     "optional '.' and up to 4 more)"));
    return diagnosis;
}

void PrescriptionLine::write(QJsonObject& object) const
{
    object.insert(QStringLiteral("drug_code"), drugCode);
    object.insert(QStringLiteral("drug_name"), drugName);
    object.insert(QStringLiteral("dose"), dose);
    json::putText(object, QStringLiteral("route"), route);
    object.insert(QStringLiteral("frequency"), frequency);
    object.insert(QStringLiteral("duration_days"), durationDays);
    object.insert(QStringLiteral("quantity"), quantity);
    json::putText(object, QStringLiteral("instructions"), instructions);
}

QJsonObject PrescriptionLine::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

PrescriptionLine PrescriptionLine::read(json::Reader& reader)
{
    PrescriptionLine line;
    line.drugCode = reader.requiredCode(QStringLiteral("drug_code"), limits::kCode);
    line.drugName = reader.requiredString(QStringLiteral("drug_name"), limits::kName);
    line.dose = reader.requiredString(QStringLiteral("dose"), limits::kDose);
    line.route = reader.optionalString(QStringLiteral("route"), limits::kDose);
    line.frequency = reader.requiredString(QStringLiteral("frequency"), limits::kDose);
    line.durationDays =
        reader.requiredInt(QStringLiteral("duration_days"), 1, limits::kMaxDurationDays);
    line.quantity = reader.requiredInt(QStringLiteral("quantity"), 1, limits::kMaxQuantity);
    line.instructions = reader.optionalString(QStringLiteral("instructions"), limits::kReason);
    return line;
}

void LabOrderLine::write(QJsonObject& object) const
{
    object.insert(QStringLiteral("test_code"), testCode);
    object.insert(QStringLiteral("test_name"), testName);
    json::putText(object, QStringLiteral("specimen"), specimen);
    object.insert(QStringLiteral("urgent"), urgent);
    json::putText(object, QStringLiteral("notes"), notes);
}

QJsonObject LabOrderLine::toJson() const
{
    QJsonObject object;
    write(object);
    return object;
}

LabOrderLine LabOrderLine::read(json::Reader& reader)
{
    LabOrderLine line;
    line.testCode = reader.requiredCode(QStringLiteral("test_code"), limits::kCode);
    line.testName = reader.requiredString(QStringLiteral("test_name"), limits::kName);
    line.specimen = reader.optionalString(QStringLiteral("specimen"), limits::kDose);
    line.urgent = reader.optionalBool(QStringLiteral("urgent"), false);
    line.notes = reader.optionalString(QStringLiteral("notes"), limits::kReason);
    return line;
}

} // namespace openopd::protocol
