#include "bus/replier.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace openopd::bus {

RawReplier::RawReplier(Connection* connection, QByteArray replySubject)
    : m_connection(connection), m_replySubject(std::move(replySubject)),
      m_answered(std::make_shared<bool>(false))
{}

bool RawReplier::canReply() const
{
    return m_connection && !m_replySubject.isEmpty() && m_answered && !*m_answered;
}

bool RawReplier::claim()
{
    if (!canReply())
        return false;
    *m_answered = true;
    return true;
}

void RawReplier::reply(const QByteArray& data, const Headers& headers)
{
    if (claim())
        m_connection->publish(m_replySubject, data, headers);
}

void RawReplier::fail(int code, const QString& message, const QString& field)
{
    if (!claim())
        return;
    QJsonObject body{{QStringLiteral("code"), code}, {QStringLiteral("error"), message}};
    if (!field.isEmpty())
        body.insert(QStringLiteral("field"), field);
    // Header values are single lines: keep the first line of the message.
    const QByteArray headerText = message.section(u'\n', 0, 0).toUtf8();
    m_connection->publish(
        m_replySubject, QJsonDocument(body).toJson(QJsonDocument::Compact),
        {{kServiceErrorHeader, headerText}, {kServiceErrorCodeHeader, QByteArray::number(code)}});
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
