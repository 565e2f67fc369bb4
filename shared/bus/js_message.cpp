#include "bus/js_message.h"

#include "bus/ack_handle.h"
#include "bus/connection.h"
#include "bus/pull_consumer.h"

#include <QCoreApplication>
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

namespace detail {

AckHandle::AckHandle(Connection* connection_, PullConsumer* consumer_, QByteArray replySubject_)
    : connection(connection_), consumer(consumer_), replySubject(std::move(replySubject_))
{}

AckHandle::~AckHandle()
{
    returnCredit();
}

void AckHandle::returnCredit()
{
    if (!std::exchange(holdsCredit, false))
        return;
    if (consumer)
        consumer->onSettled();
}

} // namespace detail

BusError JsMessage::settle(const QByteArray& body)
{
    if (!m_handle || m_handle->settled)
        return {};
    if (!m_handle->connection) {
        m_handle->returnCredit();
        return BusError::make(
            BusError::Kind::ConnectionClosed,
            QCoreApplication::translate("openopd::bus::JsMessage", "the connection is gone"),
            m_handle->replySubject);
    }
    const BusError error = m_handle->connection->publish(m_handle->replySubject, body);
    if (!error.isError())
        m_handle->settled = true;
    // Either way the consumer may pull again: not settled, the server redelivers it after
    // the ack wait, and nobody can settle it meanwhile without a connection.
    m_handle->returnCredit();
    return error;
}

BusError JsMessage::ack()
{
    return settle(QByteArrayLiteral("+ACK"));
}

BusError JsMessage::nak(std::chrono::milliseconds delay)
{
    if (delay.count() <= 0)
        return settle(QByteArrayLiteral("-NAK"));
    const qint64 ns = std::chrono::nanoseconds(delay).count();
    return settle(QByteArrayLiteral("-NAK {\"delay\":") + QByteArray::number(ns) + '}');
}

BusError JsMessage::term(const QString& reason)
{
    // nats-server 2.9 does not accept a reason after +TERM (it would treat the ack as
    // unknown and redeliver), so the reason goes to the log; a dead-letter stream keeps it.
    if (!reason.isEmpty())
        qInfo().noquote() << "openopd.bus: terminating" << QString::fromUtf8(message.subject)
                          << "stream sequence" << metadata.streamSequence << "-" << reason;
    return settle(QByteArrayLiteral("+TERM"));
}

BusError JsMessage::inProgress()
{
    if (m_handle && !m_handle->settled && m_handle->connection)
        return m_handle->connection->publish(m_handle->replySubject, QByteArrayLiteral("+WPI"));
    return {};
}

bool JsMessage::isSettled() const
{
    return !m_handle || m_handle->settled;
}

} // namespace openopd::bus
