#pragma once

#include "protocol/clinical.h"
#include "protocol/staff.h"

namespace openopd::protocol {

// How a visit ends (flattened into RecordDischargeRequest and Discharge).
//   outcome          discharged | admitted | referred
//   destination      ward (admitted) or facility (referred), up to 200; required for those
//   post_medication  0..50 PrescriptionLine: what the patient continues after leaving
//   notes            optional, up to 4000
//   next_visit       optional date of the follow-up visit
struct DischargeDetails
{
    DischargeOutcome outcome = DischargeOutcome::Discharged;
    QString destination;
    QList<PrescriptionLine> postMedication;
    QString notes;
    QDate nextVisit;

    bool operator==(const DischargeDetails&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static DischargeDetails read(json::Reader& reader);
    static bus::Result<DischargeDetails> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<DischargeDetails>(object);
    }
};

// A recorded discharge (the record and the visit.discharged payload).
//   id, visit_id, patient_id   UUIDs      recorded_at, recorded_by (StaffRef)
//   + every DischargeDetails field
struct Discharge
{
    QString id;
    QString visitId;
    QString patientId;
    QDateTime recordedAt;
    StaffRef recordedBy;
    DischargeDetails details;

    bool operator==(const Discharge&) const = default;
    QJsonObject toJson() const;
    static Discharge read(json::Reader& reader);
    static bus::Result<Discharge> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Discharge>(object);
    }
};

// A visit whose clinical work is done and that waits for its discharge decision.
//   visit_id, patient_id, patient_name, queue, day, token
//   consultation_id   the consultation that decided the disposition
//   disposition       what the doctor chose (to_pharmacy | to_lab | discharge | admit | refer)
//   state             the visit's state (consulted | awaiting_lab | awaiting_pharmacy | dispensed)
//   ready_since       timestamp
struct PendingRelease
{
    QString visitId;
    QString patientId;
    QString patientName;
    QString queue;
    QDate day;
    int token = 1;
    QString consultationId;
    Disposition disposition = Disposition::Discharge;
    VisitState state = VisitState::Consulted;
    QDateTime readySince;

    bool operator==(const PendingRelease&) const = default;
    QJsonObject toJson() const;
    static PendingRelease read(json::Reader& reader);
    static bus::Result<PendingRelease> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PendingRelease>(object);
    }
};

} // namespace openopd::protocol
