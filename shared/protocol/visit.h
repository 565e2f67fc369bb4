#pragma once

#include "protocol/staff.h"

#include <QList>

namespace openopd::protocol {

// The visit life cycle (each arrow records when and by whom):
//   registered -> called | cancelled | left_unseen
//   called -> in_consultation | registered (back in the queue) | cancelled | left_unseen
//   in_consultation -> consulted | cancelled
//   consulted -> awaiting_pharmacy | awaiting_lab | discharged | admitted | referred
//   awaiting_lab -> awaiting_pharmacy | dispensed | consulted | registered (back in the
//                   ordering doctor's queue with the results) | discharged | admitted | referred
//   awaiting_pharmacy -> dispensed | awaiting_lab | discharged | admitted | referred
//   dispensed -> awaiting_lab | discharged | admitted | referred
//   discharged, admitted, referred, cancelled, left_unseen: final
QList<VisitState> allowedNextStates(VisitState from);
bool isTransitionAllowed(VisitState from, VisitState to);
bool isFinalState(VisitState state);
// Waiting for the doctor: registered or called (what "open visit today" means for
// the one-open-visit rule is: any state that is not final).
bool isWaitingState(VisitState state);

// One step of a visit: {"state", "at", "by": StaffRef, "note"?(<=1000)}.
struct VisitTransition
{
    VisitState state = VisitState::Registered;
    QDateTime at;
    StaffRef by;
    QString note;

    bool operator==(const VisitTransition&) const = default;
    QJsonObject toJson() const;
    static VisitTransition read(json::Reader& reader);
    static bus::Result<VisitTransition> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<VisitTransition>(object);
    }
};

// A visit as registration keeps it.
//   id, patient_id    UUIDs;   patient_name 1..200 (copied at opening, for lists)
//   queue             queue name, 1..32, [a-z0-9_-]
//   day               the clinic's local date the token belongs to
//   token             1..9999, per day and queue
//   priority          emergency | urgent | normal
//   state             current state; equals the last entry of history
//   complaint         optional reason for the visit, up to 2000
//   history           1..64 transitions, oldest first, the first one "registered"
struct Visit
{
    QString id;
    QString patientId;
    QString patientName;
    QString queue;
    QDate day;
    int token = 1;
    Priority priority = Priority::Normal;
    VisitState state = VisitState::Registered;
    QString complaint;
    QList<VisitTransition> history;

    bool operator==(const Visit&) const = default;
    // The latest transition into state, or nullptr.
    const VisitTransition* lastTransitionTo(VisitState target) const;
    QDateTime registeredAt() const;

    QJsonObject toJson() const;
    static Visit read(json::Reader& reader);
    static bus::Result<Visit> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Visit>(object);
    }
};

// A change of visit state announced as an event (visit.called, visit.consultation_started,
// visit.cancelled, visit.left_unseen); who did it is the envelope's actor.
//   visit_id, patient_id, queue, day, token, state (the new state), at,
//   reason (optional, up to 1000), room (optional, up to 50: where the patient is called to)
struct VisitStatusChange
{
    QString visitId;
    QString patientId;
    QString queue;
    QDate day;
    int token = 1;
    VisitState state = VisitState::Registered;
    QDateTime at;
    QString reason;
    QString room;

    bool operator==(const VisitStatusChange&) const = default;
    QJsonObject toJson() const;
    static VisitStatusChange read(json::Reader& reader);
    static bus::Result<VisitStatusChange> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<VisitStatusChange>(object);
    }
};

// One line of the doctor's queue (consultation service's view of a waiting visit).
//   visit_id, patient_id, patient_name, queue, day, token, priority, state
//   (registered | called | in_consultation), registered_at, complaint?,
//   called_at?, called_by? (StaffRef), room?,
//   review_of? (UUID: the consultation whose lab results the patient came back with; the
//   visit re-entered the queue of that consultation's doctor)
struct QueueEntry
{
    QString visitId;
    QString patientId;
    QString patientName;
    QString queue;
    QDate day;
    int token = 1;
    Priority priority = Priority::Normal;
    VisitState state = VisitState::Registered;
    QDateTime registeredAt;
    QString complaint;
    QDateTime calledAt;
    std::optional<StaffRef> calledBy;
    QString room;
    QString reviewOf;

    bool operator==(const QueueEntry&) const = default;
    QJsonObject toJson() const;
    static QueueEntry read(json::Reader& reader);
    static bus::Result<QueueEntry> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<QueueEntry>(object);
    }
};

// The visit an event is about (see event_envelope.h): a Visit's own id.
inline QString eventVisitId(const Visit& visit)
{
    return visit.id;
}

// Readers of the shared visit fields, used by several messages.
QString readQueue(json::Reader& reader, const QString& name, bool required);

} // namespace openopd::protocol
