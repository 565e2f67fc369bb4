#include "protocol/visit.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {

QList<VisitState> allowedNextStates(VisitState from)
{
    using S = VisitState;
    switch (from) {
    case S::Registered:
        return {S::Called, S::Cancelled, S::LeftUnseen};
    case S::Called:
        return {S::InConsultation, S::Registered, S::Cancelled, S::LeftUnseen};
    case S::InConsultation:
        return {S::Consulted, S::Cancelled};
    case S::Consulted:
        return {S::AwaitingPharmacy, S::AwaitingLab, S::Discharged, S::Admitted, S::Referred};
    case S::AwaitingLab:
        return {S::AwaitingPharmacy, S::Dispensed, S::Consulted, S::Registered,
                S::Discharged,       S::Admitted,  S::Referred};
    case S::AwaitingPharmacy:
        return {S::Dispensed, S::AwaitingLab, S::Discharged, S::Admitted, S::Referred};
    case S::Dispensed:
        return {S::AwaitingLab, S::Discharged, S::Admitted, S::Referred};
    case S::Discharged:
    case S::Admitted:
    case S::Referred:
    case S::Cancelled:
    case S::LeftUnseen:
        return {};
    }
    return {};
}

bool isTransitionAllowed(VisitState from, VisitState to)
{
    return allowedNextStates(from).contains(to);
}

bool isFinalState(VisitState state)
{
    return allowedNextStates(state).isEmpty();
}

bool isWaitingState(VisitState state)
{
    return state == VisitState::Registered || state == VisitState::Called;
}

QString readQueue(json::Reader& reader, const QString& name, bool required)
{
    const QString expectation =
        Text::tr("must start with a lower-case letter or digit and contain only a-z, 0-9, '_' "
                 "and '-'");
    return required ? reader.requiredText(name, limits::kQueue, isValidQueue, expectation)
                    : reader.optionalText(name, limits::kQueue, isValidQueue, expectation);
}

// --- VisitTransition -------------------------------------------------------------------

QJsonObject VisitTransition::toJson() const
{
    QJsonObject object;
    json::putEnum(object, QStringLiteral("state"), state);
    json::putTimestamp(object, QStringLiteral("at"), at);
    object.insert(QStringLiteral("by"), by.toJson());
    json::putText(object, QStringLiteral("note"), note);
    return object;
}

VisitTransition VisitTransition::read(json::Reader& reader)
{
    VisitTransition transition;
    transition.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Registered);
    transition.at = reader.requiredTimestamp(QStringLiteral("at"));
    transition.by = reader.requiredObject<StaffRef>(QStringLiteral("by"));
    transition.note = reader.optionalString(QStringLiteral("note"), limits::kReason);
    return transition;
}

// --- Visit -----------------------------------------------------------------------------

const VisitTransition* Visit::lastTransitionTo(VisitState target) const
{
    for (auto it = history.crbegin(); it != history.crend(); ++it)
        if (it->state == target)
            return &*it;
    return nullptr;
}

QDateTime Visit::registeredAt() const
{
    return history.isEmpty() ? QDateTime() : history.constFirst().at;
}

QJsonObject Visit::toJson() const
{
    QJsonObject object{{QStringLiteral("id"), id},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("queue"), queue},
                       {QStringLiteral("token"), token}};
    json::putDate(object, QStringLiteral("day"), day);
    json::putEnum(object, QStringLiteral("priority"), priority);
    json::putEnum(object, QStringLiteral("state"), state);
    json::putText(object, QStringLiteral("complaint"), complaint);
    object.insert(QStringLiteral("history"), json::toArray(history));
    return object;
}

Visit Visit::read(json::Reader& reader)
{
    Visit visit;
    visit.id = reader.requiredId(QStringLiteral("id"));
    visit.patientId = reader.requiredId(QStringLiteral("patient_id"));
    visit.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    visit.queue = readQueue(reader, QStringLiteral("queue"), true);
    visit.day = reader.requiredDate(QStringLiteral("day"));
    visit.token = reader.requiredInt(QStringLiteral("token"), 1, limits::kMaxToken);
    visit.priority = reader.requiredEnum(QStringLiteral("priority"), Priority::Normal);
    visit.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Registered);
    visit.complaint = reader.optionalString(QStringLiteral("complaint"), limits::kComplaint);
    visit.history =
        reader.list<VisitTransition>(QStringLiteral("history"), limits::kMaxVisitHistory, true);
    if (reader.ok() && visit.history.isEmpty())
        reader.fail(QStringLiteral("history"), Text::tr("must not be empty"));
    else if (reader.ok() && visit.history.constFirst().state != VisitState::Registered)
        reader.fail(QStringLiteral("history[0].state"), Text::tr("must be registered"));
    else if (reader.ok() && visit.history.constLast().state != visit.state)
        reader.fail(QStringLiteral("state"),
                    Text::tr("must equal the state of the last history entry"));
    return visit;
}

// --- VisitStatusChange -----------------------------------------------------------------

QJsonObject VisitStatusChange::toJson() const
{
    QJsonObject object{{QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("queue"), queue},
                       {QStringLiteral("token"), token}};
    json::putDate(object, QStringLiteral("day"), day);
    json::putEnum(object, QStringLiteral("state"), state);
    json::putTimestamp(object, QStringLiteral("at"), at);
    json::putText(object, QStringLiteral("reason"), reason);
    json::putText(object, QStringLiteral("room"), room);
    return object;
}

VisitStatusChange VisitStatusChange::read(json::Reader& reader)
{
    VisitStatusChange change;
    change.visitId = reader.requiredId(QStringLiteral("visit_id"));
    change.patientId = reader.requiredId(QStringLiteral("patient_id"));
    change.queue = readQueue(reader, QStringLiteral("queue"), true);
    change.day = reader.requiredDate(QStringLiteral("day"));
    change.token = reader.requiredInt(QStringLiteral("token"), 1, limits::kMaxToken);
    change.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Registered);
    change.at = reader.requiredTimestamp(QStringLiteral("at"));
    change.reason = reader.optionalString(QStringLiteral("reason"), limits::kReason);
    change.room = reader.optionalString(QStringLiteral("room"), limits::kRoom);
    return change;
}

// --- QueueEntry ------------------------------------------------------------------------

QJsonObject QueueEntry::toJson() const
{
    QJsonObject object{{QStringLiteral("visit_id"), visitId},
                       {QStringLiteral("patient_id"), patientId},
                       {QStringLiteral("patient_name"), patientName},
                       {QStringLiteral("queue"), queue},
                       {QStringLiteral("token"), token}};
    json::putDate(object, QStringLiteral("day"), day);
    json::putEnum(object, QStringLiteral("priority"), priority);
    json::putEnum(object, QStringLiteral("state"), state);
    json::putTimestamp(object, QStringLiteral("registered_at"), registeredAt);
    json::putText(object, QStringLiteral("complaint"), complaint);
    json::putTimestamp(object, QStringLiteral("called_at"), calledAt);
    if (calledBy)
        object.insert(QStringLiteral("called_by"), calledBy->toJson());
    json::putText(object, QStringLiteral("room"), room);
    json::putText(object, QStringLiteral("review_of"), reviewOf);
    return object;
}

QueueEntry QueueEntry::read(json::Reader& reader)
{
    QueueEntry entry;
    entry.visitId = reader.requiredId(QStringLiteral("visit_id"));
    entry.patientId = reader.requiredId(QStringLiteral("patient_id"));
    entry.patientName = reader.requiredString(QStringLiteral("patient_name"), limits::kName);
    entry.queue = readQueue(reader, QStringLiteral("queue"), true);
    entry.day = reader.requiredDate(QStringLiteral("day"));
    entry.token = reader.requiredInt(QStringLiteral("token"), 1, limits::kMaxToken);
    entry.priority = reader.requiredEnum(QStringLiteral("priority"), Priority::Normal);
    entry.state = reader.requiredEnum(QStringLiteral("state"), VisitState::Registered);
    entry.registeredAt = reader.requiredTimestamp(QStringLiteral("registered_at"));
    entry.complaint = reader.optionalString(QStringLiteral("complaint"), limits::kComplaint);
    entry.calledAt = reader.optionalTimestamp(QStringLiteral("called_at"));
    entry.calledBy = reader.optionalObject<StaffRef>(QStringLiteral("called_by"));
    entry.room = reader.optionalString(QStringLiteral("room"), limits::kRoom);
    entry.reviewOf = reader.optionalId(QStringLiteral("review_of"));
    return entry;
}

} // namespace openopd::protocol
