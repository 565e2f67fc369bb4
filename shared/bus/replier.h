#pragma once

#include "bus/codec.h"
#include "bus/connection.h"

#include <QPointer>
#include <functional>
#include <memory>

namespace openopd::bus {

namespace detail {
struct ReplyState;
}

// How a service answers one request, now or later (after its database work). Copyable;
// only the first reply or failure is sent. Use it on the connection's thread.
class RawReplier
{
public:
    // Told once how the request ended: errorCode 0 after a reply, the code and message after
    // fail(), or kAbandoned when the last copy is destroyed unanswered. Runs on the thread
    // that answers (or destroys), right after the publish. Used for service statistics.
    using AnsweredHook = std::function<void(int errorCode, const QString& error)>;
    static constexpr int kAbandoned = -1;
    // Takes over the publish of the answer (errorCode 0 for a reply), e.g. to hold it until
    // the service's group commit is durable. Default: publish on the connection at once.
    using Sender =
        std::function<void(Connection& connection, const QByteArray& subject,
                           const QByteArray& data, const Headers& headers, int errorCode)>;

    RawReplier() = default;
    RawReplier(Connection* connection, QByteArray replySubject);

    bool canReply() const;
    void reply(const QByteArray& data, const Headers& headers = {});
    // Sends Nats-Service-Error / Nats-Service-Error-Code headers and a JSON body
    // {"code": code, "error": message, "field": field}.
    void fail(int code, const QString& message, const QString& field = {});
    void fail(const BusError& error);
    // Replaces the hook; ignored once answered and on a default-constructed replier.
    void onAnswered(AnsweredHook hook);
    // Replaces how the answer is published; same rules as onAnswered.
    void sendThrough(Sender sender);

private:
    bool claim();
    void send(const QByteArray& data, const Headers& headers, int errorCode);
    void finish(int errorCode, const QString& error);

    QPointer<Connection> m_connection;
    QByteArray m_replySubject;
    std::shared_ptr<detail::ReplyState> m_state;
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
