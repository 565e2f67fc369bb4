#pragma once

#include "bus/error.h"
#include "bus/message.h"

#include <QPointer>
#include <chrono>
#include <memory>
#include <optional>

namespace openopd::bus {

class Connection;
class PullConsumer;

// What the reply subject of a JetStream delivery says about it:
// $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ns>.<pending> (v1) or the v2
// form with domain and account hash in front and a random token at the end.
struct AckMetadata
{
    QByteArray stream;
    QByteArray consumer;
    quint64 deliveryCount = 0;
    quint64 streamSequence = 0;
    quint64 consumerSequence = 0;
    qint64 timestampNs = 0;
    quint64 pending = 0;

    static std::optional<AckMetadata> parse(QByteArrayView replySubject);
};

namespace detail {
struct AckHandle;
}

// One message from a pull consumer. Settle it exactly once, after your own commit:
// ack() (done), nak(delay) (redeliver later), term() (never redeliver); inProgress()
// extends the ack wait. Copies share the same settlement. Use it on the consumer's thread.
// Its pull credit returns to the consumer when it is settled, when the settlement cannot be
// sent (the error is returned; the server redelivers after the ack wait) or when the last
// copy is dropped unsettled.
class JsMessage
{
public:
    Message message;
    AckMetadata metadata;

    QByteArray header(QByteArrayView name) const { return message.header(name); }
    BusError ack();
    BusError nak(std::chrono::milliseconds delay = std::chrono::milliseconds{0});
    BusError term(const QString& reason = {});
    BusError inProgress();
    bool isSettled() const;

private:
    friend class PullConsumer;
    BusError settle(const QByteArray& body);
    std::shared_ptr<detail::AckHandle> m_handle;
};

} // namespace openopd::bus

Q_DECLARE_METATYPE(openopd::bus::JsMessage)
