#pragma once

// Requests and replies of the registration service (opd.registration.>). Every top-level
// message carries "v"; state-changing requests carry "staff".

#include "protocol/patient.h"
#include "protocol/visit.h"

namespace openopd::protocol {

// The first visit of a new patient, opened in the same transaction as the registration:
// queue; priority optional (default normal); complaint optional up to 2000.
struct FirstVisit
{
    QString queue;
    Priority priority = Priority::Normal;
    QString complaint;

    bool operator==(const FirstVisit&) const = default;
    QJsonObject toJson() const;
    // Its fields into object (opd.registration.visit.open has them at the top level).
    void writeTo(QJsonObject& object) const;
    static FirstVisit read(json::Reader& reader);
};

// opd.registration.patient.create
//   staff; patient (PatientDetails); mrn optional code 1..32 (assigned when absent);
//   confirm_duplicate (bool, default false): create even if name + date of birth match;
//   visit optional (FirstVisit): also open today's visit, all or nothing
struct CreatePatientRequest
{
    StaffRef staff;
    PatientDetails patient;
    QString mrn;
    bool confirmDuplicate = false;
    std::optional<FirstVisit> visit;

    bool operator==(const CreatePatientRequest&) const = default;
    QJsonObject toJson() const;
    static CreatePatientRequest read(json::Reader& reader);
    static bus::Result<CreatePatientRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CreatePatientRequest>(object);
    }
};

// created true: patient is the new record, and visit its first visit when the request asked
// for one. created false: nothing was written and duplicates (1..20 Patient) lists the likely
// duplicates — same national id (never bypassed) or same full name + date of birth (bypassed
// by confirm_duplicate).
struct CreatePatientReply
{
    bool created = false;
    std::optional<Patient> patient;
    QList<Patient> duplicates;
    std::optional<Visit> visit;

    bool operator==(const CreatePatientReply&) const = default;
    QJsonObject toJson() const;
    static CreatePatientReply read(json::Reader& reader);
    static bus::Result<CreatePatientReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CreatePatientReply>(object);
    }
};

// opd.registration.patient.update: staff; patient_id; revision (the one the client edited,
// a stale one is 409); patient (PatientDetails, replaces all details).
struct UpdatePatientRequest
{
    StaffRef staff;
    QString patientId;
    int revision = 1;
    PatientDetails patient;

    bool operator==(const UpdatePatientRequest&) const = default;
    QJsonObject toJson() const;
    static UpdatePatientRequest read(json::Reader& reader);
    static bus::Result<UpdatePatientRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<UpdatePatientRequest>(object);
    }
};

// opd.registration.patient.get: exactly one of patient_id or mrn.
struct GetPatientRequest
{
    QString patientId;
    QString mrn;

    bool operator==(const GetPatientRequest&) const = default;
    QJsonObject toJson() const;
    static GetPatientRequest read(json::Reader& reader);
    static bus::Result<GetPatientRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<GetPatientRequest>(object);
    }
};

// {"patient": Patient}
struct PatientReply
{
    Patient patient;

    bool operator==(const PatientReply&) const = default;
    QJsonObject toJson() const;
    static PatientReply read(json::Reader& reader);
    static bus::Result<PatientReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PatientReply>(object);
    }
};

// opd.registration.patient.search: query 1..100; by any | name | phone | national_id | mrn
// (default any); limit 1..50 (default 20).
struct SearchPatientsRequest
{
    QString query;
    PatientSearchField by = PatientSearchField::Any;
    int limit = 20;

    bool operator==(const SearchPatientsRequest&) const = default;
    QJsonObject toJson() const;
    static SearchPatientsRequest read(json::Reader& reader);
    static bus::Result<SearchPatientsRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SearchPatientsRequest>(object);
    }
};

// {"patients": [Patient] (best match first, up to limit), "truncated": more matched}
struct SearchPatientsReply
{
    QList<Patient> patients;
    bool truncated = false;

    bool operator==(const SearchPatientsReply&) const = default;
    QJsonObject toJson() const;
    static SearchPatientsReply read(json::Reader& reader);
    static bus::Result<SearchPatientsReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SearchPatientsReply>(object);
    }
};

// opd.registration.visit.open: staff; patient_id; queue; priority (default normal);
// complaint optional up to 2000. 409 when the patient has an open visit today.
struct OpenVisitRequest
{
    StaffRef staff;
    QString patientId;
    QString queue;
    Priority priority = Priority::Normal;
    QString complaint;

    bool operator==(const OpenVisitRequest&) const = default;
    QJsonObject toJson() const;
    static OpenVisitRequest read(json::Reader& reader);
    static bus::Result<OpenVisitRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<OpenVisitRequest>(object);
    }
};

// opd.registration.visit.get: visit_id.
struct GetVisitRequest
{
    QString visitId;

    bool operator==(const GetVisitRequest&) const = default;
    QJsonObject toJson() const;
    static GetVisitRequest read(json::Reader& reader);
    static bus::Result<GetVisitRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<GetVisitRequest>(object);
    }
};

// opd.registration.visit.cancel: staff; visit_id; reason (required, 1..1000).
// Allowed while the visit is registered, called or in consultation; otherwise 409.
struct CancelVisitRequest
{
    StaffRef staff;
    QString visitId;
    QString reason;

    bool operator==(const CancelVisitRequest&) const = default;
    QJsonObject toJson() const;
    static CancelVisitRequest read(json::Reader& reader);
    static bus::Result<CancelVisitRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CancelVisitRequest>(object);
    }
};

// opd.registration.visit.left_unseen: staff; visit_id; reason (optional, up to 1000).
// Allowed while the visit is registered or called; otherwise 409.
struct LeftUnseenRequest
{
    StaffRef staff;
    QString visitId;
    QString reason;

    bool operator==(const LeftUnseenRequest&) const = default;
    QJsonObject toJson() const;
    static LeftUnseenRequest read(json::Reader& reader);
    static bus::Result<LeftUnseenRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<LeftUnseenRequest>(object);
    }
};

// {"visit": Visit}
struct VisitReply
{
    Visit visit;

    bool operator==(const VisitReply&) const = default;
    QJsonObject toJson() const;
    static VisitReply read(json::Reader& reader);
    static bus::Result<VisitReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<VisitReply>(object);
    }
};

// opd.registration.visit.waiting: queue optional (all queues when absent); day optional
// (the service's today when absent); include_closed (default false: only visits that are
// not in a final state).
struct WaitingListRequest
{
    QString queue;
    QDate day;
    bool includeClosed = false;

    bool operator==(const WaitingListRequest&) const = default;
    QJsonObject toJson() const;
    static WaitingListRequest read(json::Reader& reader);
    static bus::Result<WaitingListRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<WaitingListRequest>(object);
    }
};

// {"day": date, "visits": [Visit] (0..1000, by priority then token)}
struct VisitListReply
{
    QDate day;
    QList<Visit> visits;

    bool operator==(const VisitListReply&) const = default;
    QJsonObject toJson() const;
    static VisitListReply read(json::Reader& reader);
    static bus::Result<VisitListReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<VisitListReply>(object);
    }
};

} // namespace openopd::protocol
