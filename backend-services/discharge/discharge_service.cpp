#include "discharge/discharge_service.h"

#include "discharge/discharge_consumers.h"
#include "discharge/discharge_schema.h"
#include "discharge/discharge_store.h"
#include "discharge/release_events.h"
#include "discharge/summary_store.h"
#include "host/incident.h"
#include "host/outbox.h"
#include "protocol/catalog.h"
#include "protocol/endpoints.h"
#include "protocol/errors.h"
#include "protocol/events.h"

namespace openopd::discharge {

namespace errors = protocol::errors;

void DischargeService::addMigrations(host::Migrations& migrations)
{
    discharge::addMigrations(migrations);
    summary::addMigrations(migrations);
    discharge::addLaterMigrations(migrations);
}

bool DischargeService::start()
{
    auto& micro = m_host.micro();
    const bool ok =
        micro.addEndpoint(protocol::serviceEndpointName(protocol::kPendingReleases.subject),
                          protocol::kPendingReleases,
                          [this](const protocol::PendingReleasesRequest& request,
                                 bus::Replier<protocol::PendingReleasesReply> replier) {
                              pending(request, std::move(replier));
                          }) &&
        micro.addEndpoint(protocol::serviceEndpointName(protocol::kRecordDischarge.subject),
                          protocol::kRecordDischarge,
                          [this](const protocol::RecordDischargeRequest& request,
                                 bus::Replier<protocol::DischargeReply> replier) {
                              record(request, std::move(replier));
                          }) &&
        micro.addEndpoint(protocol::serviceEndpointName(protocol::kGetRelease.subject),
                          protocol::kGetRelease,
                          [this](const protocol::GetReleaseRequest& request,
                                 bus::Replier<protocol::ReleaseStatusReply> replier) {
                              get(request, std::move(replier));
                          });
    if (!ok)
        return false;
    host::EventConsumerOptions visits;
    visits.durable = QByteArray(kPendingConsumer);
    visits.filterSubject = QByteArray(kPendingFilter);
    m_host.addConsumer(visits, &onVisitEvent);
    host::EventConsumerOptions lab;
    lab.durable = QByteArray(kLabConsumer);
    lab.filterSubject = QByteArray(kLabFilter);
    m_host.addConsumer(lab, &onLabResulted);
    return true;
}

void DischargeService::pending(const protocol::PendingReleasesRequest& request,
                               bus::Replier<protocol::PendingReleasesReply> replier)
{
    QList<ReleaseVisit> visits;
    protocol::PendingReleasesReply reply;
    QString error;
    if (!store::listPending(m_host.database(), request.limit, &visits, &reply.truncated, &error))
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    for (const ReleaseVisit& visit : std::as_const(visits))
        reply.releases.append(toPendingRelease(visit));
    replier.reply(reply);
}

void DischargeService::record(const protocol::RecordDischargeRequest& request,
                              bus::Replier<protocol::DischargeReply> replier)
{
    const QDate today = QDate::currentDate(); // the clinic's local date
    if (request.details.nextVisit.isValid() && request.details.nextVisit < today)
        return replier.fail(errors::kBadRequest,
                            tr("next_visit: must not be in the past (today is %1)")
                                .arg(protocol::formatDate(today)),
                            QStringLiteral("next_visit"));

    enum class Outcome { Ok, NotFound, Conflict };
    Outcome outcome = Outcome::Ok;
    QString conflict;
    protocol::Discharge discharge;
    host::Database& db = m_host.database();
    QString error;
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            ReleaseVisit visit;
            bool found = false;
            if (!store::loadVisit(db, request.visitId, &visit, &found, workError))
                return false;
            if (!found) {
                outcome = Outcome::NotFound;
                return false;
            }
            std::optional<protocol::Discharge> earlier;
            if (!store::findDischarge(db, request.visitId, &earlier, workError))
                return false;
            if (earlier) {
                outcome = Outcome::Conflict;
                conflict = tr("the visit was already closed as %1 at %2 by %3")
                               .arg(protocol::toWire(earlier->details.outcome),
                                    protocol::formatTimestamp(earlier->recordedAt),
                                    earlier->recordedBy.name);
                return false;
            }
            if (visit.closedState) {
                outcome = Outcome::Conflict;
                conflict = tr("the visit is already closed (%1)")
                               .arg(protocol::toWire(*visit.closedState));
                return false;
            }
            if (!visit.isConsulted()) {
                outcome = Outcome::Conflict;
                conflict = tr("the visit has not been consulted yet");
                return false;
            }
            discharge.id = protocol::newId();
            discharge.visitId = visit.visitId;
            discharge.patientId = visit.patientId;
            discharge.recordedAt = protocol::nowUtc();
            discharge.recordedBy = request.staff;
            discharge.details = request.details;
            const auto event = protocol::makeEvent(protocol::kVisitDischarged, discharge,
                                                   request.staff, discharge.recordedAt);
            bool inserted = false;
            if (!store::insertDischarge(db, discharge, event.id, &inserted, workError))
                return false;
            if (!inserted) {
                outcome = Outcome::Conflict;
                conflict = tr("the visit was already closed by another request");
                return false;
            }
            const std::optional<protocol::PendingRelease> before = pendingRow(visit);
            applyDischarged(visit, discharge);
            recompute(visit, {});
            bool lost = false;
            if (!store::saveVisit(db, visit, &lost, workError))
                return false;
            if (lost) { // an event of the visit merged meanwhile (another instance): again
                *workError = tr("the visit changed meanwhile; try again");
                return false;
            }
            return host::enqueueEvent(
                       db,
                       {event.id, protocol::kVisitDischarged.subjectBytes(),
                        bus::Codec<protocol::EventEnvelope<protocol::Discharge>>::encode(event)},
                       workError) &&
                   announceRelease(db, before, visit, request.staff, discharge.recordedAt,
                                   workError);
        },
        &error);
    switch (outcome) {
    case Outcome::NotFound:
        return replier.fail(
            errors::kNotFound,
            tr("visit_id: no visit %1 is known to the discharge service").arg(request.visitId),
            QStringLiteral("visit_id"));
    case Outcome::Conflict:
        return replier.fail(errors::kConflict, conflict, QStringLiteral("visit_id"));
    case Outcome::Ok:
        break;
    }
    if (!committed)
        return replier.fail(errors::kUnavailable, host::unavailableMessage(error));
    replier.reply({discharge});
}

} // namespace openopd::discharge
