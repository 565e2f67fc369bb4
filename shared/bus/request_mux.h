#pragma once

// Internal: asynchronous request/reply for nats.c 3.4.1, which has no async request.
// One wildcard inbox subscription (<inboxPrefix>.<nuid>.*, by default _INBOX.<nuid>.*)
// carries every reply; each request gets a token suffix, a timer, and the context it reports
// to. If the server refuses that subscription (a user without permission for the inbox),
// requests fail with its error at once instead of timing out. Lives on the owner thread.

#include "bus/connection.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <unordered_map>

namespace openopd::bus::detail {

class RequestMux final : public QObject
{
    Q_OBJECT
public:
    explicit RequestMux(Connection* connection);

    void start(); // subscribes the inbox; call once the natsConnection exists
    void send(const QByteArray& subject, const QByteArray& data, const RequestOptions& options,
              QObject* context, Connection::ReplyHandler onReply);
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
        QPointer<QObject> context;
        bool hasContext = false;
        QByteArray subject;
        int timerId = 0;
    };

    void onReply(const Message& message);
    void onInboxFailed(const BusError& error);
    void finish(quint64 token, Result<Message> result);
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
};

} // namespace openopd::bus::detail
