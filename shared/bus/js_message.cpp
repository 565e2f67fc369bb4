#include "bus/js_message.h"

#include "bus/ack_handle.h"
#include "bus/connection.h"
#include "bus/pull_consumer.h"

#include <QDebug>

namespace openopd::bus {

std::optional<AckMetadata> AckMetadata::parse(QByteArrayView replySubject)
{
    const QList<QByteArray> tokens = replySubject.toByteArray().split('.');
    // v1: 9 tokens; v2: 12 (domain and account hash after "$JS.ACK", random token last).
    qsizetype first = 0;
    if (tokens.size() == 9)
        first = 2;
    else if (tokens.size() >= 11)
        first = 4;
    else
        return std::nullopt;
    if (tokens.at(0) != "$JS" || tokens.at(1) != "ACK")
        return std::nullopt;
    bool ok[5] = {};
    AckMetadata m;
    m.stream = tokens.at(first);
    m.consumer = tokens.at(first + 1);
    m.deliveryCount = tokens.at(first + 2).toULongLong(&ok[0]);
    m.streamSequence = tokens.at(first + 3).toULongLong(&ok[1]);
    m.consumerSequence = tokens.at(first + 4).toULongLong(&ok[2]);
    m.timestampNs = tokens.at(first + 5).toLongLong(&ok[3]);
    m.pending = tokens.at(first + 6).toULongLong(&ok[4]);
    for (const bool valid : ok)
        if (!valid)
            return std::nullopt;
    return m;
}

bool JsMessage::settle(const QByteArray& body)
{
    if (!m_handle || m_handle->settled || !m_handle->connection)
        return false;
    const BusError error = m_handle->connection->publish(m_handle->replySubject, body);
    if (error.isError())
        return false; // not settled: the server redelivers after the ack wait
    m_handle->settled = true;
    if (m_handle->consumer)
        m_handle->consumer->onSettled();
    return true;
}

void JsMessage::ack()
{
    settle(QByteArrayLiteral("+ACK"));
}

void JsMessage::nak(std::chrono::milliseconds delay)
{
    if (delay.count() <= 0) {
        settle(QByteArrayLiteral("-NAK"));
        return;
    }
    const qint64 ns = std::chrono::nanoseconds(delay).count();
    settle(QByteArrayLiteral("-NAK {\"delay\":") + QByteArray::number(ns) + '}');
}

void JsMessage::term(const QString& reason)
{
    // nats-server 2.9 does not accept a reason after +TERM (it would treat the ack as
    // unknown and redeliver), so the reason goes to the log; a dead-letter stream keeps it.
    if (!reason.isEmpty())
        qInfo().noquote() << "openopd.bus: terminating" << QString::fromUtf8(message.subject)
                          << "stream sequence" << metadata.streamSequence << "-" << reason;
    settle(QByteArrayLiteral("+TERM"));
}

void JsMessage::inProgress()
{
    if (m_handle && !m_handle->settled && m_handle->connection)
        m_handle->connection->publish(m_handle->replySubject, QByteArrayLiteral("+WPI"));
}

bool JsMessage::isSettled() const
{
    return !m_handle || m_handle->settled;
}

} // namespace openopd::bus
