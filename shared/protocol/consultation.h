#pragma once

#include "protocol/clinical.h"
#include "protocol/staff.h"

namespace openopd::protocol {

// What the doctor records (sent as "consultation" in SaveConsultationRequest; flattened into
// Consultation).
//   complaint      optional presenting complaint, up to 2000
//   vitals         optional Vitals object
//   diagnoses      0..20 Diagnosis
//   notes          optional, up to 4000
//   prescriptions  0..50 PrescriptionLine (line numbers are array position + 1)
//   lab_orders     0..30 LabOrderLine (line numbers are array position + 1)
//   disposition    to_pharmacy | to_lab | discharge | admit | refer
//   referral_to    up to 200; required when disposition is refer
//   release_without_results  optional bool (default false): the doctor releases the patient
//                  without waiting for the lab orders' results (the release is then ready
//                  as if there were no lab orders; the results still reach the doctor)
// Rules: to_pharmacy needs at least one prescription, to_lab at least one lab order.
struct ConsultationContent
{
    QString complaint;
    std::optional<Vitals> vitals;
    QList<Diagnosis> diagnoses;
    QString notes;
    QList<PrescriptionLine> prescriptions;
    QList<LabOrderLine> labOrders;
    Disposition disposition = Disposition::Discharge;
    QString referralTo;
    bool releaseWithoutResults = false;

    bool operator==(const ConsultationContent&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static ConsultationContent read(json::Reader& reader);
    static bus::Result<ConsultationContent> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<ConsultationContent>(object);
    }
};

// A saved consultation (the record and the visit.consulted payload).
//   id, visit_id, patient_id   UUIDs          patient_name 1..200
//   doctor                     StaffRef       saved_at     timestamp
//   + every ConsultationContent field
struct Consultation
{
    QString id;
    QString visitId;
    QString patientId;
    QString patientName;
    StaffRef doctor;
    QDateTime savedAt;
    ConsultationContent content;

    bool operator==(const Consultation&) const = default;
    QJsonObject toJson() const;
    static Consultation read(json::Reader& reader);
    static bus::Result<Consultation> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Consultation>(object);
    }
};

} // namespace openopd::protocol
