#pragma once

// Internal: asynchronous request/reply for nats.c 3.4.1, which has no async request.
// One wildcard inbox subscription (_INBOX.<nuid>.*) carries every reply; each request
// gets a token suffix, a timer, and the context it reports to. Lives on the owner thread.

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
    void finish(quint64 token, Result<Message> result);
    static void deliver(Pending pending, Result<Message> result);
    void deliverLater(Pending pending, Result<Message> result);

    Connection* m_connection;
    QByteArray m_prefix; // "_INBOX.<nuid>."
    Subscription* m_inbox = nullptr;
    quint64 m_nextToken = 0;
    std::unordered_map<quint64, Pending> m_pending;
    QHash<int, quint64> m_tokenByTimer;
};

} // namespace openopd::bus::detail
