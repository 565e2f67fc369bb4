#pragma once

// Internal: the settlement state shared by copies of one JsMessage.

#include <QByteArray>
#include <QPointer>

namespace openopd::bus {
class Connection;
class PullConsumer;
} // namespace openopd::bus

namespace openopd::bus::detail {

struct AckHandle
{
    QPointer<Connection> connection;
    QPointer<PullConsumer> consumer;
    QByteArray replySubject;
    bool settled = false;
};

} // namespace openopd::bus::detail
