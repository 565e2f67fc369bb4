#pragma once

// Events for the audit tests: any OPD event as the bytes its producer would publish, with the
// fields the audit record copies (subject, id, actor, time, patient) chosen by the test.

#include "service_client.h"

namespace openopd::testing::audit {

struct PublishedEvent
{
    QByteArray subject;
    protocol::AnyEvent event;
    QByteArray body; // exactly as published
};

// 2024-05-06T08:00:00.000Z plus minutes.
QDateTime eventTime(int minutes);

// Builds and publishes (Nats-Msg-Id = event id) one event; empty patientId for stock events.
std::optional<PublishedEvent> publishAny(bus::Connection& client, const QByteArray& subject,
                                         const protocol::StaffRef& actor, const QString& patientId,
                                         const QDateTime& occurredAt, const QJsonObject& payload);

// Every record of the log, in seq order (pages through the query endpoint).
QList<protocol::AuditRecord> allRecords(bus::Connection& client);

} // namespace openopd::testing::audit
