// Visit endpoints: open (token), get, cancel, left unseen, waiting list.

#include "endpoint_support.h"
#include "patient_store.h"
#include "protocol/limits.h"
#include "visit_store.h"

namespace openopd::registration {

using namespace protocol;

namespace {
// Another instance changed the visit between this request's read and its write.
RegistrationService::Failure changedMeanwhile(const QString& visitId)
{
    return conflict(QStringLiteral("visit_id"),
                    Text::tr("Visit %1 was changed by someone else meanwhile; reload it and try "
                             "again.")
                        .arg(visitId));
}
} // namespace

QDate RegistrationService::today()
{
    return QDate::currentDate();
}

void RegistrationService::openVisit(const OpenVisitRequest& request,
                                    bus::Replier<VisitReply> replier)
{
    VisitReply reply;
    const bool committed =
        transact(replier, [&](host::Database& db, Failure& failure, QString* error) {
            QString patientName;
            if (!PatientStore(db).nameById(request.patientId, &patientName, error))
                return false;
            if (patientName.isEmpty()) {
                failure = notFound(QStringLiteral("patient_id"),
                                   Text::tr("No patient has the id %1.").arg(request.patientId));
                return false;
            }
            VisitStore visits(db);
            const QDate day = today();
            std::optional<Visit> open;
            if (!visits.openVisitOn(request.patientId, day, &open, error))
                return false;
            if (open) {
                failure = conflict(
                    QStringLiteral("patient_id"),
                    Text::tr("%1 already has an open visit today: token %2 in queue %3 (%4, visit "
                             "%5). Close or cancel it before opening another.")
                        .arg(patientName)
                        .arg(open->token)
                        .arg(open->queue, toWire(open->state), open->id));
                return false;
            }
            return issueVisit(db, request.patientId, patientName,
                              {request.queue, request.priority, request.complaint}, day,
                              request.staff, QStringLiteral("queue"), &reply.visit, failure, error);
        });
    if (committed)
        replier.reply(reply);
}

bool RegistrationService::issueVisit(host::Database& db, const QString& patientId,
                                     const QString& patientName, const FirstVisit& wanted,
                                     QDate day, const StaffRef& staff, const QString& queueField,
                                     Visit* visit, Failure& failure, QString* error)
{
    VisitStore visits(db);
    if (!visits.nextToken(wanted.queue, day, &visit->token, error))
        return false;
    if (visit->token > limits::kMaxToken) {
        failure = conflict(queueField, Text::tr("The queue %1 has issued all %2 tokens for today.")
                                           .arg(wanted.queue)
                                           .arg(limits::kMaxToken));
        return false;
    }
    const QDateTime now = nowUtc();
    visit->id = newId();
    visit->patientId = patientId;
    visit->patientName = patientName;
    visit->queue = wanted.queue;
    visit->day = day;
    visit->priority = wanted.priority;
    visit->state = VisitState::Registered;
    visit->complaint = wanted.complaint;
    visit->history = {{VisitState::Registered, now, staff, {}}};
    return visits.insert(*visit, error) && enqueue(db, kVisitRegistered, *visit, staff, now, error);
}

void RegistrationService::getVisit(const GetVisitRequest& request, bus::Replier<VisitReply> replier)
{
    std::optional<Visit> visit;
    QString error;
    if (!VisitStore(m_host.database()).byId(request.visitId, &visit, &error))
        return unavailable(replier, error);
    if (!visit)
        return replier.fail(errors::kNotFound,
                            Text::tr("No visit has the id %1.").arg(request.visitId),
                            QStringLiteral("visit_id"));
    replier.reply(VisitReply{std::move(*visit)});
}

void RegistrationService::closeVisit(const StaffRef& staff, const QString& visitId, VisitState to,
                                     const QString& reason, bus::Replier<VisitReply> replier)
{
    VisitReply reply;
    const bool committed =
        transact(replier, [&](host::Database& db, Failure& failure, QString* error) {
            VisitStore visits(db);
            std::optional<Visit> visit;
            if (!visits.byId(visitId, &visit, error))
                return false;
            if (!visit) {
                failure = notFound(QStringLiteral("visit_id"),
                                   Text::tr("No visit has the id %1.").arg(visitId));
                return false;
            }
            if (!isTransitionAllowed(visit->state, to)) {
                failure = conflict(QStringLiteral("visit_id"),
                                   (to == VisitState::Cancelled
                                        ? Text::tr("Visit %1 (token %2, queue %3) cannot be "
                                                   "cancelled: it is %4.")
                                        : Text::tr("Visit %1 (token %2, queue %3) cannot be marked "
                                                   "left unseen: it is %4."))
                                       .arg(visitId)
                                       .arg(visit->token)
                                       .arg(visit->queue, toWire(visit->state)));
                return false;
            }
            const QDateTime now = nowUtc();
            if (visit->history.size() >= limits::kMaxVisitHistory)
                visit->history.removeAt(1);
            visit->history.append({to, now, staff, reason});
            visit->state = to;
            VisitStatusChange change{visit->id,  visit->patientId, visit->queue,
                                     visit->day, visit->token,     to,
                                     now,        reason,           {}};
            const auto& event = to == VisitState::Cancelled ? kVisitCancelled : kVisitLeftUnseen;
            bool lostRace = false;
            if (!visits.save(*visit, &lostRace, error))
                return false;
            if (lostRace) {
                failure = changedMeanwhile(visitId);
                return false;
            }
            if (!enqueue(db, event, change, staff, now, error))
                return false;
            reply.visit = std::move(*visit);
            return true;
        });
    if (committed)
        replier.reply(reply);
}

void RegistrationService::waitingList(const WaitingListRequest& request,
                                      bus::Replier<VisitListReply> replier)
{
    VisitListReply reply;
    reply.day = request.day.isValid() ? request.day : today();
    QString error;
    if (!VisitStore(m_host.database())
             .list(request.queue, reply.day, request.includeClosed,
                   static_cast<int>(limits::kMaxListItems), &reply.visits, &error))
        return unavailable(replier, error);
    replier.reply(reply);
}

} // namespace openopd::registration
