#include "consultation/queue_events.h"

#include "consultation/consultation_text.h"

namespace openopd::consultation {

namespace {

bool isQueued(protocol::VisitState state)
{
    return protocol::isWaitingState(state) || state == protocol::VisitState::InConsultation;
}

} // namespace

bool announceQueueChange(host::Database& db, const QString& visitId, protocol::ListChangeKind kind,
                         const protocol::StaffRef& actor, const QDateTime& at, QString* error)
{
    std::optional<VisitRecord> record;
    if (!ConsultationStore(db).findVisit(visitId, &record, error))
        return false;
    return !record || announceQueueChange(db, *record, kind, actor, at, error);
}

bool announceQueueChange(host::Database& db, const VisitRecord& record,
                         protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                         const QDateTime& at, QString* error)
{
    protocol::ListChange<protocol::QueueEntry> change;
    change.visitId = record.entry.visitId;
    change.patientId = record.entry.patientId;
    change.change = kind;
    if (isQueued(record.entry.state) && kind != protocol::ListChangeKind::Removed)
        change.rows = {record.entry};
    else
        change.change = protocol::ListChangeKind::Removed;
    const auto envelope = protocol::makeEvent(protocol::kQueueListChanged, change, actor, at);
    using Codec = bus::Codec<protocol::EventEnvelope<protocol::ListChange<protocol::QueueEntry>>>;
    return host::enqueueEvent(
        db, {envelope.id, protocol::kQueueListChanged.subjectBytes(), Codec::encode(envelope)},
        error);
}

protocol::VisitStatusChange statusChange(const protocol::QueueEntry& entry,
                                         protocol::VisitState state, const QDateTime& at)
{
    protocol::VisitStatusChange change;
    change.visitId = entry.visitId;
    change.patientId = entry.patientId;
    change.queue = entry.queue;
    change.day = entry.day;
    change.token = entry.token;
    change.state = state;
    change.at = at;
    change.room = entry.room;
    return change;
}

QString staffName(const std::optional<protocol::StaffRef>& staff)
{
    return staff ? QStringLiteral("%1 (%2)").arg(staff->name, staff->id) : Text::tr("someone");
}

} // namespace openopd::consultation
