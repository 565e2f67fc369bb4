#pragma once

// Internal: the settlement state shared by copies of one JsMessage.

#include <QByteArray>
#include <QPointer>

namespace openopd::bus {
class Connection;
class PullConsumer;
} // namespace openopd::bus

namespace openopd::bus::detail {

// The message's pull credit goes back to its consumer exactly once: when it is settled,
// when its settlement cannot be sent, or when the last copy is dropped unsettled (the server
// redelivers it after the ack wait; the consumer must not wait for it meanwhile).
struct AckHandle
{
    AckHandle(Connection* connection, PullConsumer* consumer, QByteArray replySubject);
    ~AckHandle(); // returnCredit()
    Q_DISABLE_COPY_MOVE(AckHandle)

    void returnCredit();

    QPointer<Connection> connection;
    QPointer<PullConsumer> consumer;
    QByteArray replySubject;
    bool settled = false;
    bool holdsCredit = true;
};

} // namespace openopd::bus::detail
