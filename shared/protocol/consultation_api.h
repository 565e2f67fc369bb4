#pragma once

// Requests and replies of the consultation service (opd.consultation.>).

#include "protocol/consultation.h"
#include "protocol/lab.h"
#include "protocol/visit.h"

namespace openopd::protocol {

// opd.consultation.queue.list: queue optional (all queues when absent);
// include_called (default true): also called and in-consultation visits.
struct DoctorQueueRequest
{
    QString queue;
    bool includeCalled = true;

    bool operator==(const DoctorQueueRequest&) const = default;
    QJsonObject toJson() const;
    static DoctorQueueRequest read(json::Reader& reader);
    static bus::Result<DoctorQueueRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<DoctorQueueRequest>(object);
    }
};

// {"entries": [QueueEntry] (0..1000, by priority then token)}
struct DoctorQueueReply
{
    QList<QueueEntry> entries;

    bool operator==(const DoctorQueueReply&) const = default;
    QJsonObject toJson() const;
    static DoctorQueueReply read(json::Reader& reader);
    static bus::Result<DoctorQueueReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<DoctorQueueReply>(object);
    }
};

// opd.consultation.queue.call_next: staff (the doctor); queue optional (any queue when
// absent); room optional up to 50 (shown on the call display). Atomic: two doctors never
// get the same visit.
struct CallNextRequest
{
    StaffRef staff;
    QString queue;
    QString room;

    bool operator==(const CallNextRequest&) const = default;
    QJsonObject toJson() const;
    static CallNextRequest read(json::Reader& reader);
    static bus::Result<CallNextRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CallNextRequest>(object);
    }
};

// {"entry": QueueEntry} — the called visit; "entry" absent when nobody is waiting.
struct CallNextReply
{
    std::optional<QueueEntry> entry;

    bool operator==(const CallNextReply&) const = default;
    QJsonObject toJson() const;
    static CallNextReply read(json::Reader& reader);
    static bus::Result<CallNextReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CallNextReply>(object);
    }
};

// opd.consultation.queue.call: staff (the doctor); visit_id (a waiting visit of today);
// room optional up to 50. "Call this one": atomic like call_next; 409 when the visit is no
// longer waiting (another doctor got there first), 404 when unknown. Reply QueueEntryReply.
struct CallVisitRequest
{
    StaffRef staff;
    QString visitId;
    QString room;

    bool operator==(const CallVisitRequest&) const = default;
    QJsonObject toJson() const;
    static CallVisitRequest read(json::Reader& reader);
    static bus::Result<CallVisitRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CallVisitRequest>(object);
    }
};

// opd.consultation.results.to_review: staff (the doctor: the verified session); the
// lab results of that doctor's consultations not yet reviewed, oldest first;
// include_reviewed (default false) adds today's reviewed ones.
struct ResultsToReviewRequest
{
    StaffRef staff;
    bool includeReviewed = false;

    bool operator==(const ResultsToReviewRequest&) const = default;
    QJsonObject toJson() const;
    static ResultsToReviewRequest read(json::Reader& reader);
    static bus::Result<ResultsToReviewRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ResultsToReviewRequest>(object);
    }
};

// {"results": [ResultToReview] (0..1000), "truncated": more exist}
struct ResultsToReviewReply
{
    QList<ResultToReview> results;
    bool truncated = false;

    bool operator==(const ResultsToReviewReply&) const = default;
    QJsonObject toJson() const;
    static ResultsToReviewReply read(json::Reader& reader);
    static bus::Result<ResultsToReviewReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ResultsToReviewReply>(object);
    }
};

// opd.consultation.results.reviewed: staff (the ordering doctor); order_id. Marks the
// result reviewed (idempotent: marking it again answers the same row).
struct MarkResultReviewedRequest
{
    StaffRef staff;
    QString orderId;

    bool operator==(const MarkResultReviewedRequest&) const = default;
    QJsonObject toJson() const;
    static MarkResultReviewedRequest read(json::Reader& reader);
    static bus::Result<MarkResultReviewedRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<MarkResultReviewedRequest>(object);
    }
};

// {"result": ResultToReview}
struct ResultToReviewReply
{
    ResultToReview result;

    bool operator==(const ResultToReviewReply&) const = default;
    QJsonObject toJson() const;
    static ResultToReviewReply read(json::Reader& reader);
    static bus::Result<ResultToReviewReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ResultToReviewReply>(object);
    }
};

// opd.consultation.visit.start: staff; visit_id (a called visit) -> in_consultation.
struct StartConsultationRequest
{
    StaffRef staff;
    QString visitId;

    bool operator==(const StartConsultationRequest&) const = default;
    QJsonObject toJson() const;
    static StartConsultationRequest read(json::Reader& reader);
    static bus::Result<StartConsultationRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StartConsultationRequest>(object);
    }
};

// {"entry": QueueEntry}
struct QueueEntryReply
{
    QueueEntry entry;

    bool operator==(const QueueEntryReply&) const = default;
    QJsonObject toJson() const;
    static QueueEntryReply read(json::Reader& reader);
    static bus::Result<QueueEntryReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<QueueEntryReply>(object);
    }
};

// opd.consultation.record.save: staff (the doctor); visit_id (called or in consultation);
// consultation (ConsultationContent).
struct SaveConsultationRequest
{
    StaffRef staff;
    QString visitId;
    ConsultationContent consultation;

    bool operator==(const SaveConsultationRequest&) const = default;
    QJsonObject toJson() const;
    static SaveConsultationRequest read(json::Reader& reader);
    static bus::Result<SaveConsultationRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SaveConsultationRequest>(object);
    }
};

// {"consultation": Consultation}
struct ConsultationReply
{
    Consultation consultation;

    bool operator==(const ConsultationReply&) const = default;
    QJsonObject toJson() const;
    static ConsultationReply read(json::Reader& reader);
    static bus::Result<ConsultationReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ConsultationReply>(object);
    }
};

// opd.consultation.patient.history: patient_id; limit 1..50 (default 20);
// before optional timestamp (page back: only consultations saved before it).
struct PatientHistoryRequest
{
    QString patientId;
    int limit = 20;
    QDateTime before;

    bool operator==(const PatientHistoryRequest&) const = default;
    QJsonObject toJson() const;
    static PatientHistoryRequest read(json::Reader& reader);
    static bus::Result<PatientHistoryRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PatientHistoryRequest>(object);
    }
};

// One past consultation with the lab results that came back for it.
// {"consultation": Consultation, "lab_results": [LabResult] (0..30)}
struct HistoryEntry
{
    Consultation consultation;
    QList<LabResult> labResults;

    bool operator==(const HistoryEntry&) const = default;
    QJsonObject toJson() const;
    static HistoryEntry read(json::Reader& reader);
    static bus::Result<HistoryEntry> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<HistoryEntry>(object);
    }
};

// {"patient_id", "entries": [HistoryEntry] newest first (0..50), "truncated": more exist}
struct PatientHistoryReply
{
    QString patientId;
    QList<HistoryEntry> entries;
    bool truncated = false;

    bool operator==(const PatientHistoryReply&) const = default;
    QJsonObject toJson() const;
    static PatientHistoryReply read(json::Reader& reader);
    static bus::Result<PatientHistoryReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PatientHistoryReply>(object);
    }
};

} // namespace openopd::protocol
