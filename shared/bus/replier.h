#pragma once

#include "bus/codec.h"
#include "bus/connection.h"

#include <QPointer>

namespace openopd::bus {

// How a service answers one request, now or later (after its database work). Copyable;
// only the first reply or failure is sent. Use it on the connection's thread.
class RawReplier
{
public:
    RawReplier() = default;
    RawReplier(Connection* connection, QByteArray replySubject);

    bool canReply() const;
    void reply(const QByteArray& data, const Headers& headers = {});
    // Sends Nats-Service-Error / Nats-Service-Error-Code headers and a JSON body
    // {"code": code, "error": message, "field": field}.
    void fail(int code, const QString& message, const QString& field = {});
    void fail(const BusError& error);

private:
    bool claim();

    QPointer<Connection> m_connection;
    QByteArray m_replySubject;
    std::shared_ptr<bool> m_answered;
};

template <Encodable Rep> class Replier
{
public:
    explicit Replier(RawReplier raw) : m_raw(std::move(raw)) {}
    void reply(const Rep& value) { m_raw.reply(Codec<Rep>::encode(value)); }
    void fail(int code, const QString& message, const QString& field = {})
    {
        m_raw.fail(code, message, field);
    }
    void fail(const BusError& error) { m_raw.fail(error); }

private:
    RawReplier m_raw;
};

} // namespace openopd::bus
