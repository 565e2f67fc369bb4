#pragma once

// JetStream over the bridge's asynchronous requests: nothing here blocks. Publishing
// waits for the stream's acknowledgement; Nats-Msg-Id makes a retry a no-op within the
// stream's duplicate window.

#include "bus/connection.h"
#include "bus/contract.h"

#include <QJsonObject>

namespace openopd::bus {

struct PublishAck
{
    QString stream;
    quint64 sequence = 0;
    bool duplicate = false; // the stream already had this Nats-Msg-Id: nothing was stored

    static Result<PublishAck> fromJson(const QJsonObject& object);
    QJsonObject toJson() const;
};

// {"error":{"code":503,"err_code":10077,"description":"..."}} as a JetStreamError; else None.
BusError jetStreamErrorFrom(const QJsonObject& reply, const QByteArray& subject);

using PublishAckHandler = std::function<void(Result<PublishAck>)>;
using JsonReplyHandler = std::function<void(Result<QJsonObject>)>;

void publishDurable(Connection& connection, const QByteArray& subject, const QByteArray& data,
                    const QByteArray& messageId, QObject* context, PublishAckHandler onAck,
                    RequestOptions options = {});

template <class Payload>
void publishDurable(Connection& connection, const Event<Payload>& event,
                    const std::type_identity_t<Payload>& payload, const QByteArray& messageId,
                    QObject* context, PublishAckHandler onAck, RequestOptions options = {})
{
    publishDurable(connection, event.subjectBytes(), Codec<Payload>::encode(payload), messageId,
                   context, std::move(onAck), std::move(options));
}

// One call of the JetStream API ($JS.API.<apiSuffix>), with its error object decoded.
void jetStreamApi(Connection& connection, const QByteArray& apiSuffix, const QJsonObject& body,
                  QObject* context, JsonReplyHandler onReply);

// Creates the stream, or updates it when it exists with another configuration.
void ensureStream(Connection& connection, const QJsonObject& config, QObject* context,
                  JsonReplyHandler onInfo);
// Creates (or confirms) a durable consumer; config must carry "durable_name".
void ensureConsumer(Connection& connection, const QByteArray& stream, const QJsonObject& config,
                    QObject* context, JsonReplyHandler onInfo);

} // namespace openopd::bus
