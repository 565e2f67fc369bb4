// The pharmacy's durable consumers. Each handler runs inside the host's transaction, which
// also records the event id in the inbox (a redelivery is skipped). Beyond that, both are
// idempotent by content (a consultation or a visit seen before changes nothing) and tolerate
// order: a visit.discharged that arrives before its visit.consulted is remembered, and the
// late prescription and lab orders are stored closed / cancelled.

#include "pharmacy/list_events.h"
#include "pharmacy/pharmacy_service.h"
#include "protocol/events.h"

#include <QDebug>

namespace openopd::pharmacy {

host::HandlerResult PharmacyService::onConsulted(const bus::JsMessage& message, host::Database& db)
{
    using Envelope = protocol::EventEnvelope<protocol::Consultation>;
    const bus::Result<Envelope> event = bus::Codec<Envelope>::decode(message.message.data);
    if (!event)
        return host::HandlerResult::fail(QStringLiteral("invalid visit.consulted: ") +
                                         event.error().toString());
    const protocol::Consultation& consultation = event->payload;
    const QString eventId = host::eventIdOf(message);
    const QDateTime now = protocol::nowUtc();
    PrescriptionStore store(db);
    QString error;
    bool closed = false;
    bool prescribed = false;
    int ordered = 0;
    if (!store.isVisitClosed(consultation.visitId, &closed, &error) ||
        !store.addFromConsultation(consultation, eventId, now, closed, &prescribed, &error) ||
        !LabStore(db).addFromConsultation(consultation, eventId, now, closed, &ordered, &error))
        return host::HandlerResult::retry(error);
    // The new rows join the pending lists (nothing is pending for a closed visit).
    const auto added = protocol::ListChangeKind::Added;
    if (prescribed && !closed &&
        !announcePrescriptions(db, consultation.visitId, consultation.patientId, added,
                               event->actor, now, &error))
        return host::HandlerResult::retry(error);
    if (ordered > 0 && !closed &&
        !announceLabOrders(db, consultation.visitId, consultation.patientId, added, event->actor,
                           now, &error))
        return host::HandlerResult::retry(error);
    qInfo().noquote() << "consultation" << consultation.id << "of visit" << consultation.visitId
                      << ":" << (prescribed ? "prescription stored" : "no new prescription") << ","
                      << ordered << "new lab orders" << (closed ? "(visit closed)" : "");
    return host::HandlerResult::done();
}

host::HandlerResult PharmacyService::onDischarged(const bus::JsMessage& message, host::Database& db)
{
    using Envelope = protocol::EventEnvelope<protocol::Discharge>;
    const bus::Result<Envelope> event = bus::Codec<Envelope>::decode(message.message.data);
    if (!event)
        return host::HandlerResult::fail(QStringLiteral("invalid visit.discharged: ") +
                                         event.error().toString());
    const QDateTime now = protocol::nowUtc();
    const protocol::Discharge& discharge = event->payload;
    QString error;
    bool hadPrescriptions = false;
    bool hadOrders = false;
    if (!hasPendingPrescriptions(db, discharge.visitId, &hadPrescriptions, &error) ||
        !hasPendingLabOrders(db, discharge.visitId, &hadOrders, &error) ||
        !PrescriptionStore(db).closeVisit(discharge, host::eventIdOf(message), now, &error) ||
        !LabStore(db).cancelUncollected(discharge, now, &error))
        return host::HandlerResult::retry(error);
    // Closed prescriptions and cancelled orders leave the lists (collected orders stay).
    const auto updated = protocol::ListChangeKind::Updated;
    if (hadPrescriptions && !announcePrescriptions(db, discharge.visitId, discharge.patientId,
                                                   updated, event->actor, now, &error))
        return host::HandlerResult::retry(error);
    if (hadOrders && !announceLabOrders(db, discharge.visitId, discharge.patientId, updated,
                                        event->actor, now, &error))
        return host::HandlerResult::retry(error);
    return host::HandlerResult::done();
}

} // namespace openopd::pharmacy
