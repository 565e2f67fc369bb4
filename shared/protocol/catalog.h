#pragma once

// The registry of every endpoint and event declared in endpoints.h / events.h, with type
// names, the serving service and type-erased validators: for tests (uniqueness, namespaces,
// docs examples), the service host (endpoint names for $SRV.INFO) and tools.

#include "bus/error.h"
#include "protocol/enums.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace openopd::protocol {

struct EndpointInfo
{
    QByteArray subject;    // "opd.registration.patient.create"
    QString roleNamespace; // second subject token: registration, consultation, pharmacy,
                           // lab, discharge, admin
    QString name;          // NATS service endpoint name: "patient_create"
    QString service;       // the executable that serves it: registration, consultation,
                           // pharmacy (also lab), discharge, audit
    QString requestType;   // C++ type names, as in docs/protocol.md
    QString replyType;
    bool requestCarriesStaff = false; // state-changing: the request has "staff"
    // The staff roles whose NATS users may call it (deny by default: a role not listed gets
    // a permissions violation from the server). The NATS permissions, docs/security.md and
    // the access-matrix test are all generated from this one list.
    QList<StaffRole> roles;
    // Decode a request / reply body; a BusError of kind None when valid.
    bus::BusError (*checkRequest)(QByteArrayView body) = nullptr;
    bus::BusError (*checkReply)(QByteArrayView body) = nullptr;
};

struct EventInfo
{
    QByteArray subject;  // "opd.events.visit.registered"
    QString type;        // "visit.registered"
    QString producer;    // the service that publishes it
    QString payloadType; // C++ type name of the payload
    // The staff roles that may receive it live (core NATS subscription through the staff
    // account's stream import). No staff role may publish any event.
    QList<StaffRole> readers;
    bus::BusError (*checkEnvelope)(QByteArrayView body) = nullptr;
};

const QList<EndpointInfo>& endpointCatalog();
const QList<EventInfo>& eventCatalog();

QList<QByteArray> allEndpointSubjects();
QList<QByteArray> allEventSubjects();

const EndpointInfo* findEndpoint(QByteArrayView subject);
const EventInfo* findEvent(QByteArrayView subject);

// The NATS service API endpoint name of an endpoint subject: the tokens after
// "opd.<namespace>." joined by '_' ("opd.registration.patient.create" -> "patient_create").
QString serviceEndpointName(QByteArrayView subject);

// The namespaces endpoints may use (role-based permissions hang on them).
QStringList endpointNamespaces();

} // namespace openopd::protocol
