#pragma once

// The clinical building blocks of a consultation: observations (vital signs), diagnoses,
// prescription lines and lab order lines.

#include "protocol/json_fields.h"

namespace openopd::protocol {

// Vital signs; every field optional, each in a plausible human range:
//   temperature_c 25..45 (number)     pulse_bpm 20..250        respiratory_rate 4..80
//   systolic_mmhg 50..300             diastolic_mmhg 20..200   (both or neither;
//   systolic > diastolic)             spo2_percent 50..100     weight_kg 0.2..500 (number)
//   height_cm 20..260 (number)
struct Vitals
{
    std::optional<double> temperatureC;
    std::optional<int> pulseBpm;
    std::optional<int> respiratoryRate;
    std::optional<int> systolicMmHg;
    std::optional<int> diastolicMmHg;
    std::optional<int> spo2Percent;
    std::optional<double> weightKg;
    std::optional<double> heightCm;

    bool operator==(const Vitals&) const = default;
    QJsonObject toJson() const;
    static Vitals read(json::Reader& reader);
    static bus::Result<Vitals> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Vitals>(object);
    }
};

// {"text": 1..500, "icd10": optional ICD-10 code such as "J06.9"}
struct Diagnosis
{
    QString text;
    QString icd10;

    bool operator==(const Diagnosis&) const = default;
    QJsonObject toJson() const;
    static Diagnosis read(json::Reader& reader);
    static bus::Result<Diagnosis> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Diagnosis>(object);
    }
};

// One drug prescribed.
//   drug_code      formulary code, 1..32      drug_name   1..200
//   dose           1..100 ("500 mg")          route       optional, up to 100 ("oral")
//   frequency      1..100 ("3 times a day")   duration_days 1..365
//   quantity       units to dispense, 1..1000000
//   instructions   optional, up to 1000
struct PrescriptionLine
{
    QString drugCode;
    QString drugName;
    QString dose;
    QString route;
    QString frequency;
    int durationDays = 1;
    int quantity = 1;
    QString instructions;

    bool operator==(const PrescriptionLine&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static PrescriptionLine read(json::Reader& reader);
    static bus::Result<PrescriptionLine> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PrescriptionLine>(object);
    }
};

// One lab test ordered.
//   test_code 1..32   test_name 1..200   specimen optional up to 100 ("blood")
//   urgent (bool, default false)        notes optional up to 1000
struct LabOrderLine
{
    QString testCode;
    QString testName;
    QString specimen;
    bool urgent = false;
    QString notes;

    bool operator==(const LabOrderLine&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static LabOrderLine read(json::Reader& reader);
    static bus::Result<LabOrderLine> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<LabOrderLine>(object);
    }
};

} // namespace openopd::protocol
