#pragma once

// The client side of the NATS Service API (ADR-32, "micro"): validating decoders for the
// $SRV PING / INFO / STATS replies (the shapes backend-services/host/micro_json.h writes, as
// nats.go/micro does; docs/protocol.md "Service discovery"), and requests that collect every
// instance's reply for a time window. Every field is checked; an error is a DecodeError
// naming the field by its path ("endpoints[1].num_requests").

#include "bus/connection.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <chrono>
#include <functional>

namespace openopd::bus {

using ServiceMetadata = QMap<QString, QString>;

// What PING answers; INFO and STATS start with the same fields.
struct ServicePing
{
    QString name;    // ^[A-Za-z0-9_-]+$
    QString id;      // unique per running instance
    QString version; // SemVer 2.0
    ServiceMetadata metadata;
};

struct ServiceEndpointInfo
{
    QString name;
    QString subject;
    QString queueGroup; // may be empty (a service without queue groups)
    ServiceMetadata metadata;
};

struct ServiceInfo
{
    ServicePing identity;
    QString description; // may be empty
    QList<ServiceEndpointInfo> endpoints;
};

struct ServiceEndpointStats
{
    QString name;
    QString subject;
    QString queueGroup;
    qint64 numRequests = 0;
    qint64 numErrors = 0;
    QString lastError; // "<code>:<description>", empty when none
    qint64 processingTimeNs = 0;
    qint64 averageProcessingTimeNs = 0;
};

struct ServiceStats
{
    ServicePing identity;
    QDateTime started; // UTC; the wire has up to nanoseconds, this keeps milliseconds
    QString startedText;
    QList<ServiceEndpointStats> endpoints;
};

// metadata / endpoints may be null (Go's nil map or slice): read as empty.
Result<ServicePing> decodeServicePing(const QByteArray& json);
Result<ServiceInfo> decodeServiceInfo(const QByteArray& json);
Result<ServiceStats> decodeServiceStats(const QByteArray& json);

enum class ServiceVerb { Ping, Info, Stats };

// "$SRV.PING", "$SRV.PING.<name>", "$SRV.PING.<name>.<id>" (an id needs a name).
QByteArray serviceApiSubject(ServiceVerb verb, const QString& name = {}, const QString& id = {});

// Every reply of one discovery request: the decoded ones, and one error per reply that was
// not valid (the service is there but speaks something else). error is set when the request
// itself could not be sent or the replies not received (then both lists are empty).
template <class T> struct Discovery
{
    QList<T> services;
    QList<BusError> invalid;
    BusError error;
};

// Sends the discovery request and collects replies for window (every instance answers; there
// is no "last" reply), then calls done once, on context's thread, which must be the
// connection's. Nothing is called if context is destroyed first.
void discoverPing(Connection& connection, const QString& name, std::chrono::milliseconds window,
                  QObject* context, std::function<void(Discovery<ServicePing>)> done);
void discoverInfo(Connection& connection, const QString& name, std::chrono::milliseconds window,
                  QObject* context, std::function<void(Discovery<ServiceInfo>)> done);
void discoverStats(Connection& connection, const QString& name, std::chrono::milliseconds window,
                   QObject* context, std::function<void(Discovery<ServiceStats>)> done);

} // namespace openopd::bus
