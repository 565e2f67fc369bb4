#pragma once

// Internal: asynchronous request/reply for nats.c 3.4.1, which has no async request.
// One wildcard inbox subscription (<inboxPrefix>.<nuid>.*, by default _INBOX.<nuid>.*)
// carries every reply; each request gets a token suffix, a timer, and the context it reports
// to. If the server refuses that subscription (a user without permission for the inbox),
// requests fail with its error at once instead of timing out. Lives on the owner thread.
//
// Re-entrancy: a reply handler may close the connection, send or cancel requests, or run a
// nested event loop. Every entry is taken out of m_pending before its handler runs, so a
// handler never sees (or finishes) an entry that is being delivered.

#include "bus/connection.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <memory>
#include <unordered_map>

namespace openopd::bus::detail {

struct ContextGuard;

class RequestMux final : public QObject
{
    Q_OBJECT
public:
    explicit RequestMux(Connection* connection);

    void start(); // subscribes the inbox; call once the natsConnection exists
    // Returns the request's ticket (for cancel), 0 when it failed at once (reported later).
    quint64 send(const QByteArray& subject, const QByteArray& data, const RequestOptions& options,
                 QObject* context, Connection::ReplyHandler onReply);
    // Frees a waiting request without calling its handler; unknown tickets are ignored.
    void cancel(quint64 token);
    void failAll(const BusError& error);
    // A permission violation names one subject: fail what waits on it.
    void failSubject(const QByteArray& subject, const BusError& error);
    qsizetype pendingCount() const { return static_cast<qsizetype>(m_pending.size()); }

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    struct Pending
    {
        Connection::ReplyHandler handler;
        // A context on the owner thread: checked there. One on another thread: reached only
        // through the guard, which its destroyed signal clears (see ContextGuard).
        QPointer<QObject> context;
        std::shared_ptr<ContextGuard> guard;
        bool hasContext = false;
        QByteArray subject;
        int timerId = 0;
    };

    void onReply(const Message& message);
    void onInboxFailed(const BusError& error);
    void finish(quint64 token, Result<Message> result);
    // Removes the entry and its timer; false if it is not (any more) waiting.
    bool take(quint64 token, Pending* out);
    void reportInFlight();
    static void deliver(Pending pending, Result<Message> result);
    void deliverLater(Pending pending, Result<Message> result);

    Connection* m_connection;
    QByteArray m_prefix; // "<inboxPrefix>.<nuid>."; empty when the prefix is invalid
    Subscription* m_inbox = nullptr;
    // Set while replies cannot arrive (the server refused the inbox subscription, or the
    // prefix is invalid): every request fails with it. A refusal is forgotten when the
    // connection is lost or closed (the next one subscribes again).
    BusError m_inboxError;
    quint64 m_nextToken = 0;
    std::unordered_map<quint64, Pending> m_pending;
    QHash<int, quint64> m_tokenByTimer;
    int m_reportedInFlight = 0;
};

} // namespace openopd::bus::detail
