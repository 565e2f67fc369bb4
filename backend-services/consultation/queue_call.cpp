// "Call this one" (opd.consultation.queue.call): the doctor picks a waiting visit from the
// queue instead of the next one. One conditional UPDATE decides the race with call_next and
// other doctors; the loser is told who got there first.

#include "consultation/consultation_service.h"
#include "consultation/consultation_text.h"
#include "consultation/queue_events.h"
#include "protocol/errors.h"

namespace openopd::consultation {

using protocol::VisitState;
namespace errors = protocol::errors;

ConsultationService::Refusal
ConsultationService::refuseCall(const std::optional<VisitRecord>& record,
                                const protocol::StaffRef& staff, QDate day)
{
    if (!record)
        return {errors::kNotFound, Text::tr("no visit with this id is in the doctor's queue"),
                QStringLiteral("visit_id")};
    const protocol::QueueEntry& entry = record->entry;
    if (entry.day != day)
        return {errors::kConflict,
                Text::tr("the visit is of %1, not of today; only today's visits are called")
                    .arg(protocol::formatDate(entry.day)),
                {}};
    switch (entry.state) {
    case VisitState::Registered:
        return {};
    case VisitState::Called:
    case VisitState::InConsultation:
        if (record->calledById == staff.id)
            return {errors::kConflict, Text::tr("you have already called this patient"), {}};
        return {errors::kConflict,
                Text::tr("another doctor got there first: %1 has called this patient")
                    .arg(staffName(entry.calledBy)),
                {}};
    case VisitState::Consulted:
        return {errors::kConflict, Text::tr("the patient has already been seen"), {}};
    default:
        return {errors::kConflict,
                Text::tr("the visit is no longer waiting (%1)").arg(protocol::toWire(entry.state)),
                {}};
    }
}

void ConsultationService::callVisit(const protocol::CallVisitRequest& request,
                                    bus::Replier<protocol::QueueEntryReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    const QDate day = clinicDay();
    Refusal refusal;
    std::optional<VisitRecord> record;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            bool changed = false;
            if (!store().callVisit(request.visitId, day, request.staff, request.room, now, &changed,
                                   workError))
                return false;
            if (!store().findVisit(request.visitId, &record, workError))
                return false;
            if (!changed) { // unknown, not waiting any more, or another day: say which
                refusal = refuseCall(record, request.staff, day);
                if (refusal.code == 0)
                    refusal = {errors::kConflict, Text::tr("the visit changed meanwhile"), {}};
                return false;
            }
            if (!record)
                return false;
            return enqueue(m_host.database(), protocol::kVisitCalled,
                           statusChange(record->entry, VisitState::Called, now), request.staff, now,
                           workError) &&
                   announceQueueChange(m_host.database(), request.visitId,
                                       protocol::ListChangeKind::Updated, request.staff, now,
                                       workError);
        },
        &error);
    if (refusal.code != 0)
        return replier.fail(refusal.code, refusal.message, refusal.field);
    if (!ok)
        return replier.fail(errors::kUnavailable, unavailable(error));
    replier.reply({record->entry});
}

} // namespace openopd::consultation
