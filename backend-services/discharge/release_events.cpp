#include "discharge/release_events.h"

#include "host/outbox.h"
#include "protocol/events.h"

namespace openopd::discharge {

std::optional<protocol::PendingRelease> pendingRow(const ReleaseVisit& visit)
{
    if (!visit.readySince.isValid() || visit.closedState || !visit.isListable())
        return std::nullopt;
    return toPendingRelease(visit);
}

bool announceRelease(host::Database& db, const std::optional<protocol::PendingRelease>& before,
                     const ReleaseVisit& after, const protocol::StaffRef& actor,
                     const QDateTime& at, QString* error)
{
    const std::optional<protocol::PendingRelease> now = pendingRow(after);
    if (before == now)
        return true;
    protocol::ListChange<protocol::PendingRelease> change;
    change.visitId = after.visitId;
    change.patientId = after.patientId;
    if (!now) {
        change.change = protocol::ListChangeKind::Removed;
    } else {
        change.change =
            before ? protocol::ListChangeKind::Updated : protocol::ListChangeKind::Added;
        change.rows = {*now};
    }
    const auto envelope = protocol::makeEvent(protocol::kReleaseListChanged, change, actor, at);
    using Codec =
        bus::Codec<protocol::EventEnvelope<protocol::ListChange<protocol::PendingRelease>>>;
    return host::enqueueEvent(
        db, {envelope.id, protocol::kReleaseListChanged.subjectBytes(), Codec::encode(envelope)},
        error);
}

} // namespace openopd::discharge
