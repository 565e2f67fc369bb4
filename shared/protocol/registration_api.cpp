#include "protocol/registration_api.h"

#include "protocol/limits.h"

namespace openopd::protocol {

// --- patients --------------------------------------------------------------------------

void FirstVisit::writeTo(QJsonObject& object) const
{
    object.insert(QStringLiteral("queue"), queue);
    json::putEnum(object, QStringLiteral("priority"), priority);
    json::putText(object, QStringLiteral("complaint"), complaint);
}

QJsonObject FirstVisit::toJson() const
{
    QJsonObject object;
    writeTo(object);
    return object;
}

FirstVisit FirstVisit::read(json::Reader& reader)
{
    FirstVisit visit;
    visit.queue = readQueue(reader, QStringLiteral("queue"), true);
    visit.priority =
        reader.optionalEnum<Priority>(QStringLiteral("priority")).value_or(Priority::Normal);
    visit.complaint = reader.optionalString(QStringLiteral("complaint"), limits::kComplaint);
    return visit;
}

QJsonObject CreatePatientRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("patient"), patient.toJson());
    json::putText(object, QStringLiteral("mrn"), mrn);
    object.insert(QStringLiteral("confirm_duplicate"), confirmDuplicate);
    if (visit)
        object.insert(QStringLiteral("visit"), visit->toJson());
    return object;
}

CreatePatientRequest CreatePatientRequest::read(json::Reader& reader)
{
    CreatePatientRequest request;
    request.staff = readStaff(reader);
    request.patient = reader.requiredObject<PatientDetails>(QStringLiteral("patient"));
    request.mrn = reader.optionalCode(QStringLiteral("mrn"), limits::kCode);
    request.confirmDuplicate = reader.optionalBool(QStringLiteral("confirm_duplicate"), false);
    request.visit = reader.optionalObject<FirstVisit>(QStringLiteral("visit"));
    return request;
}

QJsonObject CreatePatientReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("created"), created);
    if (patient)
        object.insert(QStringLiteral("patient"), patient->toJson());
    object.insert(QStringLiteral("duplicates"), json::toArray(duplicates));
    if (visit)
        object.insert(QStringLiteral("visit"), visit->toJson());
    return object;
}

CreatePatientReply CreatePatientReply::read(json::Reader& reader)
{
    CreatePatientReply reply;
    reply.created = reader.requiredBool(QStringLiteral("created"));
    reply.patient = reader.optionalObject<Patient>(QStringLiteral("patient"));
    reply.duplicates = reader.list<Patient>(QStringLiteral("duplicates"), 20, false);
    reply.visit = reader.optionalObject<Visit>(QStringLiteral("visit"));
    if (reader.ok() && reply.created && !reply.patient)
        reader.fail(QStringLiteral("patient"), Text::tr("is required when created is true"));
    else if (reader.ok() && !reply.created && reply.duplicates.isEmpty())
        reader.fail(QStringLiteral("duplicates"),
                    Text::tr("must not be empty when created is false"));
    else if (reader.ok() && reply.visit && !reply.created)
        reader.fail(QStringLiteral("visit"), Text::tr("is only given when created is true"));
    else if (reader.ok() && reply.visit && reply.visit->patientId != reply.patient->id)
        reader.fail(QStringLiteral("visit.patient_id"),
                    Text::tr("must be the id of the patient created"));
    return reply;
}

QJsonObject UpdatePatientRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("patient_id"), patientId);
    object.insert(QStringLiteral("revision"), revision);
    object.insert(QStringLiteral("patient"), patient.toJson());
    return object;
}

UpdatePatientRequest UpdatePatientRequest::read(json::Reader& reader)
{
    UpdatePatientRequest request;
    request.staff = readStaff(reader);
    request.patientId = reader.requiredId(QStringLiteral("patient_id"));
    request.revision = reader.requiredInt(QStringLiteral("revision"), 1, 1000000000);
    request.patient = reader.requiredObject<PatientDetails>(QStringLiteral("patient"));
    return request;
}

QJsonObject GetPatientRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putText(object, QStringLiteral("patient_id"), patientId);
    json::putText(object, QStringLiteral("mrn"), mrn);
    return object;
}

GetPatientRequest GetPatientRequest::read(json::Reader& reader)
{
    GetPatientRequest request;
    request.patientId = reader.optionalId(QStringLiteral("patient_id"));
    request.mrn = reader.optionalCode(QStringLiteral("mrn"), limits::kCode);
    if (reader.ok() && request.patientId.isEmpty() == request.mrn.isEmpty())
        reader.fail(QStringLiteral("patient_id"),
                    Text::tr("give exactly one of patient_id and mrn"));
    return request;
}

QJsonObject PatientReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("patient"), patient.toJson());
    return object;
}

PatientReply PatientReply::read(json::Reader& reader)
{
    PatientReply reply;
    reply.patient = reader.requiredObject<Patient>(QStringLiteral("patient"));
    return reply;
}

QJsonObject SearchPatientsRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("query"), query);
    json::putEnum(object, QStringLiteral("by"), by);
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

SearchPatientsRequest SearchPatientsRequest::read(json::Reader& reader)
{
    SearchPatientsRequest request;
    request.query = reader.requiredString(QStringLiteral("query"), limits::kQuery);
    request.by = reader.optionalEnum<PatientSearchField>(QStringLiteral("by"))
                     .value_or(PatientSearchField::Any);
    request.limit = reader.optionalInt(QStringLiteral("limit"), 1, 50).value_or(20);
    return request;
}

QJsonObject SearchPatientsReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("patients"), json::toArray(patients));
    object.insert(QStringLiteral("truncated"), truncated);
    return object;
}

SearchPatientsReply SearchPatientsReply::read(json::Reader& reader)
{
    SearchPatientsReply reply;
    reply.patients = reader.list<Patient>(QStringLiteral("patients"), 50, true);
    reply.truncated = reader.optionalBool(QStringLiteral("truncated"), false);
    return reply;
}

// --- visits ----------------------------------------------------------------------------

QJsonObject OpenVisitRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("patient_id"), patientId);
    FirstVisit{queue, priority, complaint}.writeTo(object); // the same three fields, flat
    return object;
}

OpenVisitRequest OpenVisitRequest::read(json::Reader& reader)
{
    OpenVisitRequest request;
    request.staff = readStaff(reader);
    request.patientId = reader.requiredId(QStringLiteral("patient_id"));
    FirstVisit wanted = FirstVisit::read(reader);
    request.queue = std::move(wanted.queue);
    request.priority = wanted.priority;
    request.complaint = std::move(wanted.complaint);
    return request;
}

QJsonObject GetVisitRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("visit_id"), visitId);
    return object;
}

GetVisitRequest GetVisitRequest::read(json::Reader& reader)
{
    GetVisitRequest request;
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    return request;
}

QJsonObject CancelVisitRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    object.insert(QStringLiteral("reason"), reason);
    return object;
}

CancelVisitRequest CancelVisitRequest::read(json::Reader& reader)
{
    CancelVisitRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    request.reason = reader.requiredString(QStringLiteral("reason"), limits::kReason);
    return request;
}

QJsonObject LeftUnseenRequest::toJson() const
{
    QJsonObject object = staffMessage(staff);
    object.insert(QStringLiteral("visit_id"), visitId);
    json::putText(object, QStringLiteral("reason"), reason);
    return object;
}

LeftUnseenRequest LeftUnseenRequest::read(json::Reader& reader)
{
    LeftUnseenRequest request;
    request.staff = readStaff(reader);
    request.visitId = reader.requiredId(QStringLiteral("visit_id"));
    request.reason = reader.optionalString(QStringLiteral("reason"), limits::kReason);
    return request;
}

QJsonObject VisitReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("visit"), visit.toJson());
    return object;
}

VisitReply VisitReply::read(json::Reader& reader)
{
    VisitReply reply;
    reply.visit = reader.requiredObject<Visit>(QStringLiteral("visit"));
    return reply;
}

QJsonObject WaitingListRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putText(object, QStringLiteral("queue"), queue);
    json::putDate(object, QStringLiteral("day"), day);
    object.insert(QStringLiteral("include_closed"), includeClosed);
    return object;
}

WaitingListRequest WaitingListRequest::read(json::Reader& reader)
{
    WaitingListRequest request;
    request.queue = readQueue(reader, QStringLiteral("queue"), false);
    request.day = reader.optionalDate(QStringLiteral("day"));
    request.includeClosed = reader.optionalBool(QStringLiteral("include_closed"), false);
    return request;
}

QJsonObject VisitListReply::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putDate(object, QStringLiteral("day"), day);
    object.insert(QStringLiteral("visits"), json::toArray(visits));
    return object;
}

VisitListReply VisitListReply::read(json::Reader& reader)
{
    VisitListReply reply;
    reply.day = reader.requiredDate(QStringLiteral("day"));
    reply.visits = reader.list<Visit>(QStringLiteral("visits"), limits::kMaxListItems, true);
    return reply;
}

} // namespace openopd::protocol
