// opd.discharge.release.get: where one visit stands for the discharge service (its state,
// its pending-release row, its discharge): what a client reads before repeating a discharge
// whose answer it did not get.

#include "discharge/discharge_service.h"
#include "discharge/discharge_store.h"
#include "discharge/release_events.h"
#include "discharge/summary_store.h"
#include "host/incident.h"
#include "protocol/errors.h"

namespace openopd::discharge {

void DischargeService::get(const protocol::GetReleaseRequest& request,
                           bus::Replier<protocol::ReleaseStatusReply> replier)
{
    host::Database& db = m_host.database();
    ReleaseVisit visit;
    bool found = false;
    protocol::ReleaseStatusReply reply;
    QString error;
    if (!store::loadVisit(db, request.visitId, &visit, &found, &error) ||
        (found && !store::findDischarge(db, request.visitId, &reply.discharge, &error)) ||
        (found && !summary::load(db, request.visitId, &reply.summary, &error)))
        return replier.fail(protocol::errors::kUnavailable, host::unavailableMessage(error));
    if (!found)
        return replier.fail(
            protocol::errors::kNotFound,
            tr("visit_id: no visit %1 is known to the discharge service").arg(request.visitId),
            QStringLiteral("visit_id"));
    reply.visitId = visit.visitId;
    reply.state = visit.state;
    reply.release = pendingRow(visit);
    replier.reply(reply);
}

} // namespace openopd::discharge
