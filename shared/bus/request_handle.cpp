#include "bus/request_handle.h"

#include <QThread>

namespace openopd::bus {

RequestHandle::RequestHandle(Connection& connection, QByteArray subject, QByteArray data,
                             RequestOptions options, Connection::ReplyHandler onReply,
                             QObject* parent)
    : QObject(parent), m_connection(&connection), m_subject(std::move(subject)),
      m_data(std::move(data)), m_options(std::move(options)), m_onReply(std::move(onReply))
{
    Q_ASSERT(connection.thread() == QThread::currentThread());
    if (m_options.requestId.isEmpty())
        m_options.requestId = Connection::newRequestId(); // fixed now: a retry repeats it
    send();
}

RequestHandle::~RequestHandle()
{
    if (m_connection && m_ticket != 0)
        m_connection->cancelRequest(m_ticket);
}

void RequestHandle::send()
{
    if (!m_connection)
        return;
    ++m_attempts;
    const quint64 generation = ++m_generation;
    setInFlight(true);
    m_ticket = m_connection->request(
        m_subject, m_data, m_options, this, [this, generation](Result<Message> reply) {
            if (generation != m_generation)
                return; // cancelled or retried since: not for us any more
            m_ticket = 0;
            setInFlight(false);
            // A copy: the handler may delete this handle.
            Connection::ReplyHandler handler = m_onReply;
            handler(std::move(reply));
        });
}

void RequestHandle::cancel()
{
    ++m_generation;
    if (m_connection && m_ticket != 0)
        m_connection->cancelRequest(m_ticket);
    m_ticket = 0;
    setInFlight(false);
}

void RequestHandle::retry()
{
    cancel();
    send();
}

void RequestHandle::setInFlight(bool inFlight)
{
    if (m_inFlight == inFlight)
        return;
    m_inFlight = inFlight;
    Q_EMIT inFlightChanged(inFlight);
}

LatestRequest::LatestRequest(Connection& connection, QObject* parent)
    : QObject(parent), m_connection(&connection)
{}

void LatestRequest::send(const QByteArray& subject, const QByteArray& data,
                         Connection::ReplyHandler onReply, RequestOptions options)
{
    const bool wasInFlight = isInFlight();
    drop();
    m_current = new RequestHandle(*m_connection, subject, data, std::move(options),
                                  std::move(onReply), this);
    connect(m_current, &RequestHandle::inFlightChanged, this, &LatestRequest::inFlightChanged);
    if (wasInFlight && !m_current->isInFlight())
        Q_EMIT inFlightChanged(false);
    else if (!wasInFlight && m_current->isInFlight())
        Q_EMIT inFlightChanged(true);
}

void LatestRequest::cancel()
{
    const bool wasInFlight = isInFlight();
    drop();
    if (wasInFlight)
        Q_EMIT inFlightChanged(false);
}

void LatestRequest::drop()
{
    if (m_current == nullptr)
        return;
    disconnect(m_current, nullptr, this, nullptr);
    m_current->cancel();
    // Later, not now: drop() may run inside the old handle's own reply handler.
    m_current->deleteLater();
    m_current = nullptr;
}

} // namespace openopd::bus
