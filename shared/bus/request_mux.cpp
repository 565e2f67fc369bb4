#include "bus/request_mux.h"

#include "bus/nats_options_builder.h"

#include <QThread>
#include <QTimerEvent>
#include <nats/nats.h>

namespace openopd::bus::detail {

RequestMux::RequestMux(Connection* connection) : QObject(connection), m_connection(connection)
{
    const QByteArray inbox = connection->newInbox();
    if (inbox.isEmpty()) {
        m_inboxError =
            BusError::make(BusError::Kind::NotConnected,
                           detail::invalidInboxPrefixText(connection->options().inboxPrefix));
        return;
    }
    m_prefix = inbox + '.';
    // A refusal holds until the connection is lost or closed: the next connection subscribes
    // again and the server may allow it then (its refusal, if any, arrives after this).
    connect(connection, &Connection::stateChanged, this, [this](Connection::State state) {
        if (state != Connection::State::Connected)
            m_inboxError = {};
    });
}

void RequestMux::start()
{
    if (m_inbox != nullptr || m_prefix.isEmpty())
        return;
    SubscriptionOptions options;
    options.capacity = 1 << 16; // replies are never dropped in practice: each was asked for
    m_inbox = m_connection->subscribe(
        m_prefix + '*', this, [this](const Message& message) { onReply(message); }, options);
    connect(m_inbox, &Subscription::failed, this,
            [this](const BusError& error) { onInboxFailed(error); });
}

void RequestMux::onInboxFailed(const BusError& error)
{
    const QString text = error.kind == BusError::Kind::PermissionDenied
                             ? tr("not allowed to receive replies on %1 (does this user need "
                                  "ConnectionOptions::inboxPrefix?)")
                                   .arg(QString::fromUtf8(m_inbox->subject()))
                             : tr("cannot receive replies on %1: %2")
                                   .arg(QString::fromUtf8(m_inbox->subject()), error.message);
    m_inboxError = BusError::make(error.kind, text, {}, error.code);
    failAll(m_inboxError);
}

void RequestMux::send(const QByteArray& subject, const QByteArray& data,
                      const RequestOptions& options, QObject* context,
                      Connection::ReplyHandler onReply)
{
    Pending pending{std::move(onReply), context, context != nullptr, subject, 0};
    if (m_inboxError.isError()) {
        BusError error = m_inboxError;
        error.subject = subject;
        deliverLater(std::move(pending), std::move(error));
        return;
    }
    if (m_inbox == nullptr || !m_inbox->isActive()) {
        deliverLater(std::move(pending),
                     BusError::make(BusError::Kind::NotConnected,
                                    tr("not connected to the message server"), subject));
        return;
    }
    const quint64 token = ++m_nextToken;
    const BusError error =
        m_connection->publish(subject, data, options.headers, m_prefix + QByteArray::number(token));
    if (error.isError()) {
        deliverLater(std::move(pending), error);
        return;
    }
    pending.timerId = startTimer(options.timeout, Qt::PreciseTimer);
    m_tokenByTimer.insert(pending.timerId, token);
    m_pending.emplace(token, std::move(pending));
}

void RequestMux::onReply(const Message& message)
{
    bool ok = false;
    const quint64 token = message.subject.mid(m_prefix.size()).toULongLong(&ok);
    if (!ok)
        return;
    const auto it = m_pending.find(token);
    if (it == m_pending.end())
        return; // a late reply after a timeout: nobody waits for it any more
    if (message.status == 503) {
        finish(token, BusError::make(BusError::Kind::NoResponders,
                                     tr("no service is answering on this subject"),
                                     it->second.subject, 503));
        return;
    }
    finish(token, message);
}

void RequestMux::timerEvent(QTimerEvent* event)
{
    const auto token = m_tokenByTimer.value(event->timerId());
    const auto it = m_pending.find(token);
    if (it == m_pending.end()) {
        killTimer(event->timerId());
        return;
    }
    finish(token, BusError::make(BusError::Kind::Timeout, tr("no reply in time"),
                                 it->second.subject, 408));
}

void RequestMux::finish(quint64 token, Result<Message> result)
{
    const auto it = m_pending.find(token);
    Pending pending = std::move(it->second);
    m_pending.erase(it);
    killTimer(pending.timerId);
    m_tokenByTimer.remove(pending.timerId);
    deliver(std::move(pending), std::move(result));
}

void RequestMux::deliver(Pending pending, Result<Message> result)
{
    if (pending.hasContext) {
        QObject* context = pending.context.data();
        if (context == nullptr)
            return; // its window is gone: drop the reply
        if (context->thread() != QThread::currentThread()) {
            QMetaObject::invokeMethod(
                context,
                [handler = std::move(pending.handler), result = std::move(result)]() mutable {
                    handler(std::move(result));
                },
                Qt::QueuedConnection);
            return;
        }
    }
    pending.handler(std::move(result));
}

void RequestMux::deliverLater(Pending pending, Result<Message> result)
{
    // Errors are never reported from inside request(): callers get one code path.
    QMetaObject::invokeMethod(
        this,
        [pending = std::move(pending), result = std::move(result)]() mutable {
            deliver(std::move(pending), std::move(result));
        },
        Qt::QueuedConnection);
}

void RequestMux::failAll(const BusError& error)
{
    std::vector<quint64> tokens;
    tokens.reserve(m_pending.size());
    for (const auto& entry : m_pending)
        tokens.push_back(entry.first);
    for (const quint64 token : tokens) {
        BusError specific = error;
        specific.subject = m_pending.at(token).subject;
        finish(token, specific);
    }
}

void RequestMux::failSubject(const QByteArray& subject, const BusError& error)
{
    std::vector<quint64> tokens;
    for (const auto& [token, pending] : m_pending)
        if (pending.subject == subject)
            tokens.push_back(token);
    for (const quint64 token : tokens)
        finish(token, error);
}

} // namespace openopd::bus::detail
