#pragma once

// Shared by the endpoint files of the registration service (not a public header).

#include "host/incident.h"
#include "host/outbox.h"
#include "protocol/errors.h"
#include "protocol/events.h"
#include "registration_service.h"
#include "registration_text.h"

#include <QDebug>

namespace openopd::registration {

template <class Rep>
void RegistrationService::unavailable(bus::Replier<Rep>& replier, const QString& error)
{
    replier.fail(protocol::errors::kUnavailable, host::unavailableMessage(error));
}

template <class Rep>
bool RegistrationService::transact(bus::Replier<Rep>& replier, const Work& work)
{
    Failure failure;
    QString error;
    host::Database& db = m_host.database();
    const bool committed = m_host.commit(
        [&](QSqlDatabase&, QString* workError) { return work(db, failure, workError); }, &error);
    if (failure.code != 0) {
        replier.fail(failure.code, failure.message, failure.field);
        return false;
    }
    if (!committed) {
        unavailable(replier, error);
        return false;
    }
    return true;
}

// Adds the event for payload to the outbox, in the caller's transaction.
template <class P>
bool enqueue(host::Database& db, const bus::Event<protocol::EventEnvelope<P>>& event, P payload,
             const protocol::StaffRef& actor, const QDateTime& at, QString* error)
{
    const auto envelope = protocol::makeEvent(event, std::move(payload), actor, at);
    return host::enqueueEvent(db,
                              {envelope.id, event.subjectBytes(),
                               bus::Codec<protocol::EventEnvelope<P>>::encode(envelope)},
                              error);
}

inline RegistrationService::Failure notFound(const QString& field, const QString& message)
{
    return {protocol::errors::kNotFound, message, field};
}

inline RegistrationService::Failure conflict(const QString& field, const QString& message)
{
    return {protocol::errors::kConflict, message, field};
}

} // namespace openopd::registration
