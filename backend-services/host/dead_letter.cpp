#include "host/dead_letter.h"

#include "bus/jetstream.h"
#include "host/event_streams.h"

namespace openopd::host {

void publishDeadLetter(bus::Connection& bus, const QString& consumer, const QString& eventId,
                       const QString& reason, const bus::JsMessage& message, QObject* context,
                       std::function<void(const bus::BusError&)> done)
{
    bus::RequestOptions options;
    // Header values are single lines.
    const QByteArray oneLineReason = reason.section(u'\n', 0, 0).left(500).toUtf8();
    options.headers = {
        {kDlqReasonHeader, oneLineReason},
        {kDlqSubjectHeader, message.message.subject},
        {kDlqConsumerHeader, consumer.toUtf8()},
        {kDlqStreamSeqHeader, QByteArray::number(message.metadata.streamSequence)},
        {kDlqDeliveriesHeader, QByteArray::number(message.metadata.deliveryCount)},
    };
    const QByteArray subject = QByteArray(kDeadLetterPrefix) + consumer.toUtf8();
    // The id makes a repeated dead-lettering of the same event a duplicate, not a second copy.
    const QByteArray id = "dlq:" + consumer.toUtf8() + ':' + eventId.toUtf8();
    bus::publishDurable(
        bus, subject, message.message.data, id, context,
        [done](bus::Result<bus::PublishAck> ack) { done(ack.error()); }, options);
}

} // namespace openopd::host
