#pragma once

// The envelope every OPD event travels in (stream OPD_EVENTS, subjects opd.events.>):
//   {"v": 1, "id": UUID, "type": "visit.registered", "occurred_at": timestamp,
//    "actor": StaffRef, "patient_id": UUID (optional), "visit_id": UUID (optional),
//    "payload": {…}}
// id is unique per event and is published as the Nats-Msg-Id header, so a repeated
// publish of the same event is dropped by the stream and consumers can ignore redeliveries.
// type is the subject without "opd.events."; the subject is authoritative.

#include "bus/contract.h"
#include "protocol/staff.h"
#include "protocol/validation.h"

#include <concepts>

namespace openopd::protocol {

inline constexpr char kEventSubjectPrefix[] = "opd.events.";

// "opd.events.visit.registered" -> "visit.registered"; empty when not an event subject.
QString eventTypeFromSubject(QByteArrayView subject);

// The patient an event payload is about: its patientId member when it has one (Patient
// provides an overload in patient.h).
template <class P> QString eventPatientId(const P& payload)
{
    if constexpr (requires {
                      {
                          payload.patientId
                          } -> std::convertible_to<QString>;
                  })
        return payload.patientId;
    else
        return {};
}

// The visit an event payload is about: its visitId member when it has one (Visit provides
// an overload in visit.h). Every event about a visit carries it as the envelope's visit_id.
template <class P> QString eventVisitId(const P& payload)
{
    if constexpr (requires {
                      {
                          payload.visitId
                          } -> std::convertible_to<QString>;
                  })
        return payload.visitId;
    else
        return {};
}

// How a payload is written and read; QJsonObject payloads (AnyEvent) pass through as is.
template <class P> struct EventPayloadIo
{
    static QJsonObject write(const P& payload) { return payload.toJson(); }
    static P read(json::Reader& reader, const QString& name)
    {
        return reader.requiredObject<P>(name);
    }
};

template <> struct EventPayloadIo<QJsonObject>
{
    static QJsonObject write(const QJsonObject& payload) { return payload; }
    static QJsonObject read(json::Reader& reader, const QString& name)
    {
        return reader.rawObject(name);
    }
};

template <class P> struct EventEnvelope
{
    using Payload = P;

    QString id;
    QString type;
    QDateTime occurredAt;
    StaffRef actor;
    QString patientId;
    QString visitId;
    P payload{};

    bool operator==(const EventEnvelope&) const = default;

    QJsonObject toJson() const
    {
        QJsonObject object = json::messageObject();
        object.insert(QStringLiteral("id"), id);
        object.insert(QStringLiteral("type"), type);
        json::putTimestamp(object, QStringLiteral("occurred_at"), occurredAt);
        object.insert(QStringLiteral("actor"), actor.toJson());
        json::putText(object, QStringLiteral("patient_id"), patientId);
        json::putText(object, QStringLiteral("visit_id"), visitId);
        object.insert(QStringLiteral("payload"), EventPayloadIo<P>::write(payload));
        return object;
    }

    static EventEnvelope read(json::Reader& reader)
    {
        EventEnvelope event;
        event.id = reader.requiredId(QStringLiteral("id"));
        event.type =
            reader.requiredText(QStringLiteral("type"), 64, isValidEventType,
                                Text::tr("must be <aggregate>.<event> in lower_snake_case"));
        event.occurredAt = reader.requiredTimestamp(QStringLiteral("occurred_at"));
        event.actor = reader.requiredObject<StaffRef>(QStringLiteral("actor"));
        event.patientId = reader.optionalId(QStringLiteral("patient_id"));
        event.visitId = reader.optionalId(QStringLiteral("visit_id"));
        event.payload = EventPayloadIo<P>::read(reader, QStringLiteral("payload"));
        // Absent in events stored before the field existed; when present, the one truth.
        const QString payloadVisit = eventVisitId(event.payload);
        if (reader.ok() && !event.visitId.isEmpty() && !payloadVisit.isEmpty() &&
            event.visitId != payloadVisit)
            reader.fail(QStringLiteral("visit_id"),
                        Text::tr("must equal the visit id of the payload (%1)").arg(payloadVisit));
        return event;
    }

    static bus::Result<EventEnvelope> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<EventEnvelope>(object);
    }
};

// Any event with its payload left as JSON (the audit consumer, monitors).
using AnyEvent = EventEnvelope<QJsonObject>;

// A new event for the declared event contract: a fresh id, the type from the subject, now
// (UTC, ms) unless given, and the payload's patient and visit.
template <class P>
EventEnvelope<P> makeEvent(const bus::Event<EventEnvelope<P>>& event, P payload, StaffRef actor,
                           QDateTime occurredAt = nowUtc())
{
    EventEnvelope<P> envelope;
    envelope.id = newId();
    envelope.type = eventTypeFromSubject(event.subject);
    envelope.occurredAt = std::move(occurredAt);
    envelope.actor = std::move(actor);
    envelope.patientId = eventPatientId(payload);
    envelope.visitId = eventVisitId(payload);
    envelope.payload = std::move(payload);
    return envelope;
}

} // namespace openopd::protocol
