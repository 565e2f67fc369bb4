#pragma once

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
class JsMessage
{
public:
    Message message;
    AckMetadata metadata;

    QByteArray header(QByteArrayView name) const { return message.header(name); }
    void ack();
    void nak(std::chrono::milliseconds delay = std::chrono::milliseconds{0});
    void term(const QString& reason = {});
    void inProgress();
    bool isSettled() const;

private:
    friend class PullConsumer;
    bool settle(const QByteArray& body);
    std::shared_ptr<detail::AckHandle> m_handle;
};

} // namespace openopd::bus

Q_DECLARE_METATYPE(openopd::bus::JsMessage)
