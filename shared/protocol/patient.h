#pragma once

#include "protocol/staff.h"

namespace openopd::protocol {

// What reception enters about a patient (create and update send it as "patient").
//   national_id                optional, 1..32, groups of letters/digits separated by ' ', '.',
//   '/', '-' full_name                  1..200 date_of_birth              date;
//   date_of_birth_estimated true when only the age is known sex                        female |
//   male | other | unknown phone                      optional, 3+ digits, optional '+', spaces ( )
//   . / -, up to 32 address                    optional, up to 500 allergies optional array of up
//   to 50 strings of 1..200 remarks                    optional, up to 4000
struct PatientDetails
{
    QString nationalId;
    QString fullName;
    QDate dateOfBirth;
    bool dateOfBirthEstimated = false;
    Sex sex = Sex::Unknown;
    QString phone;
    QString address;
    QStringList allergies;
    QString remarks;

    bool operator==(const PatientDetails&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static PatientDetails read(json::Reader& reader);
    static bus::Result<PatientDetails> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PatientDetails>(object);
    }
};

// A registered patient: the details (flattened into the same object) plus what the
// registration service assigns.
//   id             UUID assigned at registration
//   mrn            medical record number, code 1..32 (given at creation or assigned)
//   revision       1 at creation, +1 per update (optimistic concurrency for updates)
//   registered_at, registered_by, updated_at, updated_by
struct Patient
{
    QString id;
    QString mrn;
    int revision = 1;
    PatientDetails details;
    QDateTime registeredAt;
    StaffRef registeredBy;
    QDateTime updatedAt;
    StaffRef updatedBy;

    bool operator==(const Patient&) const = default;
    QJsonObject toJson() const;
    static Patient read(json::Reader& reader);
    static bus::Result<Patient> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Patient>(object);
    }
};

// Someone opened a patient's record or history: the payload of
// opd.events.patient.record_viewed and opd.events.patient.history_viewed (reads are audited;
// the envelope's actor is who looked).
//   patient_id  UUID of the patient viewed
struct PatientViewed
{
    QString patientId;

    bool operator==(const PatientViewed&) const = default;
    QJsonObject toJson() const;
    static PatientViewed read(json::Reader& reader);
    static bus::Result<PatientViewed> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PatientViewed>(object);
    }
};

// The patient an event is about (see event_envelope.h).
inline QString eventPatientId(const Patient& patient)
{
    return patient.id;
}

} // namespace openopd::protocol
