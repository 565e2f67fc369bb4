#include "protocol/consultation_api.h"

#include "protocol/limits.h"

namespace openopd::protocol {

QJsonObject DoctorQueueRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putText(object, QStringLiteral("queue"), queue);
    object.insert(QStringLiteral("include_called"), includeCalled);
    return object;
}

DoctorQueueRequest DoctorQueueRequest::read(json::Reader& reader)
{
    DoctorQueueRequest request;
    request.queue = readQueue(reader, QStringLiteral("queue"), false);
    request.includeCalled = reader.optionalBool(QStringLiteral("include_called"), true);
    return request;
}

QJsonObject DoctorQueueReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("entries"), json::toArray(entries));
    return object;
}

DoctorQueueReply DoctorQueueReply::read(json::Reader& reader)
{
    DoctorQueueReply reply;
    reply.entries = reader.list<QueueEntry>(QStringLiteral("entries"), limits::kMaxListItems, true);
    return reply;
}

QJsonObject CallNextRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    json::putText(object, QStringLiteral("queue"), queue);
    json::putText(object, QStringLiteral("room"), room);
    return object;
}

CallNextRequest CallNextRequest::read(json::Reader& reader)
{
    CallNextRequest request;
    request.staff = readStaff(reader);
    request.queue = readQueue(reader, QStringLiteral("queue"), false);
    request.room = reader.optionalString(QStringLiteral("room"), limits::kRoom);
    return request;
}

QJsonObject CallNextReply::toJson() const
{
    QJsonObject object = json::messageObject();
    if (entry)
        object.insert(QStringLiteral("entry"), entry->toJson());
    return object;
}

CallNextReply CallNextReply::read(json::Reader& reader)
{
    CallNextReply reply;
    reply.entry = reader.optionalObject<QueueEntry>(QStringLiteral("entry"));
    return reply;
}

QJsonObject CallVisitRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    json::putText(object, QStringLiteral("room"), room);
    return object;
}

CallVisitRequest CallVisitRequest::read(json::Reader& reader)
{
    CallVisitRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    request.room = reader.optionalString(QStringLiteral("room"), limits::kRoom);
    return request;
}

QJsonObject StartConsultationRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    return object;
}

StartConsultationRequest StartConsultationRequest::read(json::Reader& reader)
{
    StartConsultationRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    return request;
}

QJsonObject QueueEntryReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("entry"), entry.toJson());
    return object;
}

QueueEntryReply QueueEntryReply::read(json::Reader& reader)
{
    QueueEntryReply reply;
    reply.entry = reader.requiredObject<QueueEntry>(QStringLiteral("entry"));
    return reply;
}

QJsonObject SaveConsultationRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    object.insert(QStringLiteral("consultation"), consultation.toJson());
    return object;
}

SaveConsultationRequest SaveConsultationRequest::read(json::Reader& reader)
{
    SaveConsultationRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    request.consultation =
        reader.requiredObject<ConsultationContent>(QStringLiteral("consultation"));
    return request;
}

QJsonObject ConsultationReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("consultation"), consultation.toJson());
    return object;
}

ConsultationReply ConsultationReply::read(json::Reader& reader)
{
    ConsultationReply reply;
    reply.consultation = reader.requiredObject<Consultation>(QStringLiteral("consultation"));
    return reply;
}

QJsonObject PatientHistoryRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("patient_id"), patientId);
    object.insert(QStringLiteral("limit"), limit);
    json::putTimestamp(object, QStringLiteral("before"), before);
    return object;
}

PatientHistoryRequest PatientHistoryRequest::read(json::Reader& reader)
{
    PatientHistoryRequest request;
    request.patientId = reader.requiredId(QStringLiteral("patient_id"));
    request.limit = reader.optionalInt(QStringLiteral("limit"), 1, 50).value_or(20);
    request.before = reader.optionalTimestamp(QStringLiteral("before"));
    return request;
}

QJsonObject HistoryEntry::toJson() const
{
    return {{QStringLiteral("consultation"), consultation.toJson()},
            {QStringLiteral("lab_results"), json::toArray(labResults)}};
}

HistoryEntry HistoryEntry::read(json::Reader& reader)
{
    HistoryEntry entry;
    entry.consultation = reader.requiredObject<Consultation>(QStringLiteral("consultation"));
    entry.labResults =
        reader.list<LabResult>(QStringLiteral("lab_results"), limits::kMaxLabOrders, false);
    return entry;
}

QJsonObject PatientHistoryReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("patient_id"), patientId);
    object.insert(QStringLiteral("entries"), json::toArray(entries));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

PatientHistoryReply PatientHistoryReply::read(json::Reader& reader)
{
    PatientHistoryReply reply;
    reply.patientId = reader.requiredId(QStringLiteral("patient_id"));
    reply.entries = reader.list<HistoryEntry>(QStringLiteral("entries"), 50, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject ResultsToReviewRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("include_reviewed"), includeReviewed);
    return object;
}

ResultsToReviewRequest ResultsToReviewRequest::read(json::Reader& reader)
{
    ResultsToReviewRequest request;
    request.staff = readStaff(reader);
    request.includeReviewed = reader.optionalBool(QStringLiteral("include_reviewed"), false);
    return request;
}

QJsonObject ResultsToReviewReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("results"), json::toArray(results));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

ResultsToReviewReply ResultsToReviewReply::read(json::Reader& reader)
{
    ResultsToReviewReply reply;
    reply.results =
        reader.list<ResultToReview>(QStringLiteral("results"), limits::kMaxListItems, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

QJsonObject MarkResultReviewedRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("order_id"), orderId);
    return object;
}

MarkResultReviewedRequest MarkResultReviewedRequest::read(json::Reader& reader)
{
    MarkResultReviewedRequest request;
    request.staff = readStaff(reader);
    request.orderId = reader.requiredId(QStringLiteral("order_id"));
    return request;
}

QJsonObject ResultToReviewReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("result"), result.toJson());
    return object;
}

ResultToReviewReply ResultToReviewReply::read(json::Reader& reader)
{
    ResultToReviewReply reply;
    reply.result = reader.requiredObject<ResultToReview>(QStringLiteral("result"));
    return reply;
}

} // namespace openopd::protocol
