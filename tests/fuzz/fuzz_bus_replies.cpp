// fuzz_bus_replies: the bus's own decoders of what arrives from the wire: the $SRV PING / INFO /
// STATS replies (bus/service_discovery.h), a service's error reply (headers and body,
// bus/reply_decoding.h), a JetStream delivery's reply subject (AckMetadata::parse), a publish
// acknowledgement and a JetStream API error (bus/jetstream.h).
// Input: byte 0 picks the decoder, the rest is its input.

#include "bus/jetstream.h"
#include "bus/js_message.h"
#include "bus/micro_names.h"
#include "bus/reply_decoding.h"
#include "bus/service_discovery.h"
#include "fuzz_check.h"

#include <cstdint>

using namespace openopd::bus;

namespace {

constexpr qint64 kMaxCount = qint64{1} << 53;

void checkRefusal(const BusError& error)
{
    FUZZ_CHECK(error.kind == BusError::Kind::DecodeError && !error.message.isEmpty());
}

void checkIdentity(const ServicePing& ping)
{
    FUZZ_CHECK(micro::nameRegex().match(ping.name).hasMatch());
    FUZZ_CHECK(micro::semVerRegex().match(ping.version).hasMatch());
    FUZZ_CHECK(!ping.id.trimmed().isEmpty());
}

void serviceReplies(int verb, const QByteArray& body)
{
    if (verb == 0) {
        const auto ping = decodeServicePing(body);
        ping ? checkIdentity(*ping) : checkRefusal(ping.error());
    } else if (verb == 1) {
        const auto info = decodeServiceInfo(body);
        if (!info)
            return checkRefusal(info.error());
        checkIdentity(info->identity);
        for (const ServiceEndpointInfo& e : info->endpoints)
            FUZZ_CHECK(!e.name.trimmed().isEmpty() && !e.subject.trimmed().isEmpty());
    } else {
        const auto stats = decodeServiceStats(body);
        if (!stats)
            return checkRefusal(stats.error());
        checkIdentity(stats->identity);
        FUZZ_CHECK(stats->started.isValid() && stats->started.timeSpec() == Qt::UTC);
        for (const ServiceEndpointStats& e : stats->endpoints) {
            FUZZ_CHECK(e.numRequests >= 0 && e.numRequests <= kMaxCount);
            FUZZ_CHECK(e.numErrors >= 0 && e.processingTimeNs >= 0);
            FUZZ_CHECK(e.averageProcessingTimeNs >= 0);
        }
    }
}

// "<error text>\n<code>\n<body>": a reply with the two Nats-Service-Error headers.
void serviceError(const QByteArray& input, bool lowerCaseNames)
{
    const QList<QByteArray> parts = input.split('\n');
    Message reply;
    reply.subject = "opd.registration.patient.get";
    const QByteArray text = parts.value(0);
    const QByteArray code = parts.value(1);
    const QByteArray nameText = kServiceErrorHeader;
    const QByteArray nameCode = kServiceErrorCodeHeader;
    reply.headers = {{lowerCaseNames ? nameText.toLower() : nameText, text},
                     {lowerCaseNames ? nameCode.toLower() : nameCode, code}};
    reply.data = input.mid(text.size() + code.size() + 2);
    const BusError error = serviceErrorFrom(reply);
    FUZZ_CHECK(error.isError() == !(text.isEmpty() && code.isEmpty()));
    FUZZ_CHECK(!error.isError() || error.kind == BusError::Kind::ServiceError);
    const Result<QJsonObject> decoded = decodeReply<QJsonObject>(reply);
    FUZZ_CHECK(!error.isError() || !decoded.ok()); // a service error is never a value
}

void ackSubject(const QByteArray& subject)
{
    const auto metadata = AckMetadata::parse(subject);
    if (!metadata)
        return;
    // The same facts in the v1 form parse back the same.
    const QByteArray v1 = "$JS.ACK." + metadata->stream + '.' + metadata->consumer + '.' +
                          QByteArray::number(metadata->deliveryCount) + '.' +
                          QByteArray::number(metadata->streamSequence) + '.' +
                          QByteArray::number(metadata->consumerSequence) + '.' +
                          QByteArray::number(metadata->timestampNs) + '.' +
                          QByteArray::number(metadata->pending);
    const auto again = AckMetadata::parse(v1);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->stream == metadata->stream && again->consumer == metadata->consumer);
    FUZZ_CHECK(again->deliveryCount == metadata->deliveryCount);
    FUZZ_CHECK(again->streamSequence == metadata->streamSequence);
    FUZZ_CHECK(again->consumerSequence == metadata->consumerSequence);
    FUZZ_CHECK(again->timestampNs == metadata->timestampNs && again->pending == metadata->pending);
}

void jetStreamReply(const QByteArray& body)
{
    const auto object = parseJsonObject(body);
    if (!object)
        return checkRefusal(object.error());
    const BusError error = jetStreamErrorFrom(*object, "$JS.API.STREAM.INFO.OPD_EVENTS");
    FUZZ_CHECK(!error.isError() || error.kind == BusError::Kind::JetStreamError);
    const auto ack = PublishAck::fromJson(*object);
    if (!ack)
        return checkRefusal(ack.error());
    const auto again = PublishAck::fromJson(ack->toJson());
    FUZZ_CHECK(again.ok() && again->stream == ack->stream && again->sequence == ack->sequence &&
               again->duplicate == ack->duplicate);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return -1;
    const QByteArray input(reinterpret_cast<const char*>(data + 1),
                           static_cast<qsizetype>(size - 1));
    switch (data[0] % 6) {
    case 0:
    case 1:
    case 2:
        serviceReplies(data[0] % 6, input);
        break;
    case 3:
        serviceError(input, (data[0] & 0x80) != 0);
        break;
    case 4:
        ackSubject(input);
        break;
    case 5:
        jetStreamReply(input);
        break;
    }
    return 0;
}
