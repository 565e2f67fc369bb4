#pragma once

// How registration keeps a visit's state current (pure functions, no database).

#include "bus/js_message.h"
#include "protocol/visit.h"

namespace openopd::registration {

// One step another service announced for a visit.
struct VisitStep
{
    protocol::VisitState state = protocol::VisitState::Registered;
    QDateTime at;
    protocol::StaffRef by;
    QString note;
    bool resultsIn = false; // from visit.results_in: applies only to a visit awaiting_lab
};

enum class StepOutcome {
    Applied,      // appended to the history; the state changed
    AlreadyThere, // the visit is in that state already (a repeated or overlapping event)
    Stale,        // the visit is further along; an older event arrived late
    Closed,       // the visit is in a final state; nothing changes it any more
};

// Order along the life cycle: registered 0, called 1, in_consultation 2, consulted 3,
// awaiting_lab / awaiting_pharmacy 4, dispensed 5, final states 6.
int stateRank(protocol::VisitState state);

// visit.results_in moves a visit awaiting_lab to the step's state (dispensed instead when its
// history has a dispense, unless it goes back to the doctor: registered); a dispense while
// awaiting_lab is recorded and the visit stays awaiting_lab. Otherwise:
// applies step when the life cycle allows it (protocol::isTransitionAllowed), or when it moves
// the visit forward (an intermediate event was missed or arrives later: the visit follows the
// furthest news). A final state is never left. The history keeps at most 64 entries (the
// first, "registered", always stays).
StepOutcome applyStep(protocol::Visit& visit, const VisitStep& step);

// What an event on opd.events.visit.> means for registration's copy of the visit.
struct VisitEventSteps
{
    enum class Kind {
        Steps,   // apply `steps` to visit `visitId`
        Own,     // one of registration's own events (registered, cancelled, left_unseen)
        Unknown, // a visit event this build does not know: nothing to do
        Invalid, // the payload does not decode (`error`)
    };
    Kind kind = Kind::Unknown;
    QString visitId;
    QList<VisitStep> steps;
    QString error;
};

// called -> called; consultation_started -> in_consultation; consulted -> consulted, then
// awaiting_lab (any lab orders), else awaiting_pharmacy (to_pharmacy) — a discharge, admit or
// refer disposition waits in consulted for the discharge service; results_in -> its state
// (see applyStep); dispensed -> dispensed;
// discharged -> discharged / admitted / referred by outcome. `by` is the event's actor.
VisitEventSteps stepsFromEvent(const QByteArray& subject, const QByteArray& data);

} // namespace openopd::registration
