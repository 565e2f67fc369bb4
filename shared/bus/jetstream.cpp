#include "bus/jetstream.h"

#include "bus/json_reader.h"
#include "bus/reply_decoding.h"

#include <QCoreApplication>
#include <QJsonDocument>

namespace openopd::bus {
namespace {

constexpr int kStreamNameInUse = 10058; // JSStreamNameExistErr

} // namespace

Result<PublishAck> PublishAck::fromJson(const QJsonObject& object)
{
    JsonReader reader(object);
    PublishAck ack;
    ack.stream = reader.requiredString(QStringLiteral("stream"), 256);
    ack.sequence =
        static_cast<quint64>(reader.requiredInt(QStringLiteral("seq"), 0, qint64{1} << 53));
    ack.duplicate = reader.optionalBool(QStringLiteral("duplicate"), false);
    if (!reader.ok())
        return reader.error();
    return ack;
}

QJsonObject PublishAck::toJson() const
{
    return {{QStringLiteral("stream"), stream},
            {QStringLiteral("seq"), static_cast<qint64>(sequence)},
            {QStringLiteral("duplicate"), duplicate}};
}

BusError jetStreamErrorFrom(const QJsonObject& reply, const QByteArray& subject)
{
    const QJsonValue error = reply.value(QStringLiteral("error"));
    if (!error.isObject())
        return {};
    const QJsonObject object = error.toObject();
    BusError result = BusError::make(BusError::Kind::JetStreamError,
                                     object.value(QStringLiteral("description")).toString(),
                                     subject, object.value(QStringLiteral("err_code")).toInt());
    if (result.code == 0)
        result.code = object.value(QStringLiteral("code")).toInt();
    return result;
}

namespace {

// Transport error, JetStream error object, or the reply's JSON.
Result<QJsonObject> decodeApiReply(Result<Message> reply, const QByteArray& subject)
{
    if (!reply) {
        BusError error = reply.error();
        if (error.kind == BusError::Kind::NoResponders)
            error.message = QCoreApplication::translate(
                "openopd::bus::JetStream", "JetStream is not enabled or no stream matches");
        return error;
    }
    Result<QJsonObject> object = parseJsonObject(reply->data);
    if (!object) {
        BusError error = object.error();
        error.subject = subject;
        return error;
    }
    if (BusError error = jetStreamErrorFrom(*object, subject); error.isError())
        return error;
    return object;
}

} // namespace

void publishDurable(Connection& connection, const QByteArray& subject, const QByteArray& data,
                    const QByteArray& messageId, QObject* context, PublishAckHandler onAck,
                    RequestOptions options)
{
    if (!messageId.isEmpty())
        options.headers.append({kMsgIdHeader, messageId});
    connection.request(subject, data, options, context,
                       [onAck = std::move(onAck), subject](Result<Message> reply) {
                           Result<QJsonObject> object = decodeApiReply(std::move(reply), subject);
                           if (!object) {
                               onAck(object.error());
                               return;
                           }
                           onAck(PublishAck::fromJson(*object));
                       });
}

void jetStreamApi(Connection& connection, const QByteArray& apiSuffix, const QJsonObject& body,
                  QObject* context, JsonReplyHandler onReply)
{
    const QByteArray subject = QByteArrayLiteral("$JS.API.") + apiSuffix;
    const QByteArray data =
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    connection.request(subject, data, RequestOptions{}, context,
                       [onReply = std::move(onReply), subject](Result<Message> reply) {
                           onReply(decodeApiReply(std::move(reply), subject));
                       });
}

void ensureStream(Connection& connection, const QJsonObject& config, QObject* context,
                  JsonReplyHandler onInfo)
{
    const QByteArray name = config.value(QStringLiteral("name")).toString().toUtf8();
    Connection* bus = &connection;
    jetStreamApi(connection, QByteArrayLiteral("STREAM.CREATE.") + name, config, context,
                 [bus, name, config, context, onInfo](Result<QJsonObject> created) {
                     if (created.ok() || created.error().code != kStreamNameInUse) {
                         onInfo(std::move(created));
                         return;
                     }
                     jetStreamApi(*bus, QByteArrayLiteral("STREAM.UPDATE.") + name, config, context,
                                  onInfo);
                 });
}

void ensureConsumer(Connection& connection, const QByteArray& stream, const QJsonObject& config,
                    QObject* context, JsonReplyHandler onInfo)
{
    const QByteArray durable = config.value(QStringLiteral("durable_name")).toString().toUtf8();
    const QJsonObject body{{QStringLiteral("stream_name"), QString::fromUtf8(stream)},
                           {QStringLiteral("config"), config}};
    jetStreamApi(connection, QByteArrayLiteral("CONSUMER.DURABLE.CREATE.") + stream + '.' + durable,
                 body, context, std::move(onInfo));
}

} // namespace openopd::bus
