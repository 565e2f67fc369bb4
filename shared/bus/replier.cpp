#include "bus/replier.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace openopd::bus {

namespace detail {

// Shared by every copy of one RawReplier: whether it was answered, and who wants to know.
struct ReplyState
{
    bool answered = false;
    RawReplier::AnsweredHook hook;
    RawReplier::Sender sender;

    ReplyState() = default;
    Q_DISABLE_COPY_MOVE(ReplyState)
    ~ReplyState()
    {
        if (!answered && hook)
            hook(RawReplier::kAbandoned, QString());
    }
};

} // namespace detail

RawReplier::RawReplier(Connection* connection, QByteArray replySubject)
    : m_connection(connection), m_replySubject(std::move(replySubject)),
      m_state(std::make_shared<detail::ReplyState>())
{}

bool RawReplier::canReply() const
{
    return m_connection && !m_replySubject.isEmpty() && m_state && !m_state->answered;
}

void RawReplier::onAnswered(AnsweredHook hook)
{
    if (m_state && !m_state->answered)
        m_state->hook = std::move(hook);
}

void RawReplier::sendThrough(Sender sender)
{
    if (m_state && !m_state->answered)
        m_state->sender = std::move(sender);
}

void RawReplier::send(const QByteArray& data, const Headers& headers, int errorCode)
{
    if (m_state->sender)
        m_state->sender(*m_connection, m_replySubject, data, headers, errorCode);
    else
        m_connection->publish(m_replySubject, data, headers);
}

// True if this call may publish. A request without a reply subject (or whose connection
// is gone) is still marked answered, so the hook hears the outcome exactly once.
bool RawReplier::claim()
{
    if (!m_state || m_state->answered)
        return false;
    m_state->answered = true;
    return m_connection && !m_replySubject.isEmpty();
}

void RawReplier::finish(int errorCode, const QString& error)
{
    if (!m_state || !m_state->hook)
        return;
    AnsweredHook hook = std::move(m_state->hook);
    m_state->hook = nullptr;
    hook(errorCode, error);
}

void RawReplier::reply(const QByteArray& data, const Headers& headers)
{
    if (!m_state || m_state->answered)
        return;
    if (claim())
        send(data, headers, 0);
    finish(0, QString());
}

void RawReplier::fail(int code, const QString& message, const QString& field)
{
    if (!m_state || m_state->answered)
        return;
    if (claim()) {
        QJsonObject body{{QStringLiteral("code"), code}, {QStringLiteral("error"), message}};
        if (!field.isEmpty())
            body.insert(QStringLiteral("field"), field);
        // Header values are single lines: keep the first line of the message.
        const QByteArray headerText = message.section(u'\n', 0, 0).toUtf8();
        send(QJsonDocument(body).toJson(QJsonDocument::Compact),
             {{kServiceErrorHeader, headerText},
              {kServiceErrorCodeHeader, QByteArray::number(code)}},
             code);
    }
    finish(code, message);
}

void RawReplier::fail(const BusError& error)
{
    const int code = error.code != 0                             ? error.code
                     : error.kind == BusError::Kind::DecodeError ? 400
                                                                 : 500;
    QString message = error.message;
    if (!error.field.isEmpty())
        message = error.field + QStringLiteral(": ") + message;
    fail(code, message, error.field);
}

} // namespace openopd::bus
