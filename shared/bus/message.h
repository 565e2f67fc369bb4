#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <utility>

namespace openopd::bus {

using Header = std::pair<QByteArray, QByteArray>;
using Headers = QList<Header>;

// A NATS message copied out of nats.c: a plain value, safe to move between threads.
struct Message
{
    QByteArray subject;
    QByteArray reply;
    QByteArray data;
    Headers headers;
    int status = 0; // NATS status line (503 no responders, 408/404/409 pull status, 100 idle)
    QByteArray statusDescription;

    // First value of a header, exact name first, then case-insensitively; empty if absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
};

// Header names shared by both sides of the wire.
inline constexpr char kServiceErrorHeader[] = "Nats-Service-Error";
inline constexpr char kServiceErrorCodeHeader[] = "Nats-Service-Error-Code";
inline constexpr char kMsgIdHeader[] = "Nats-Msg-Id";

} // namespace openopd::bus

Q_DECLARE_METATYPE(openopd::bus::Message)
