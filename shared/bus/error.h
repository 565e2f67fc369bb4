#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace openopd::bus {

// A failure a caller can act on: every request, publish and decode reports one of these
// instead of blocking or throwing, so a window can show it.
struct BusError
{
    enum class Kind {
        None,
        Timeout,            // no reply within the request timeout
        NoResponders,       // nobody subscribes to the subject (server status 503)
        NotConnected,       // the connection has not been opened yet
        ConnectionClosed,   // the connection closed while the request was pending
        PermissionDenied,   // the server refused a publish or subscribe on this subject
        ServiceError,       // the service answered with Nats-Service-Error / -Code headers
        DecodeError,        // a payload failed validation; field names the offending field
        JetStreamError,     // the JetStream API or a stream refused the operation
        PublishFailed,      // nats.c refused the publish (payload size, buffer)
        SubscribeFailed,    // nats.c refused the subscription (bad subject, connection state)
        SlowConsumer,       // messages were dropped because their reader fell behind
        ConfigurationError, // ConnectionOptions cannot be used (missing file, bad URL, prefix)
        ServerError,        // another asynchronous error reported by nats.c or the server
    };

    Kind kind = Kind::None;
    int code = 0;    // service or JetStream error code, 0 when not applicable
    QString message; // human-readable detail (already translated where it is ours)
    QString field;   // for DecodeError: the dotted path of the bad field
    QByteArray subject;
    // A 503 whose body says "outcome":"unknown": the change may have been saved (the
    // service lost its database connection during COMMIT). Repeat with the same request id,
    // or read, before acting again (docs/protocol.md, "Request ids").
    bool outcomeUnknown = false;

    bool isError() const { return kind != Kind::None; }
    // One line for logs and status bars: "<kind>: <message> (field x, subject y)".
    QString toString() const;

    static QString kindName(Kind kind);
    static BusError decode(QString field, QString message);
    static BusError make(Kind kind, QString message, QByteArray subject = {}, int code = 0);
};

} // namespace openopd::bus

Q_DECLARE_METATYPE(openopd::bus::BusError)
