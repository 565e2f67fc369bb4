#include "bus/error.h"

#include <QCoreApplication>

namespace openopd::bus {

QString BusError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("ok");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::NoResponders:
        return QStringLiteral("no responders");
    case Kind::NotConnected:
        return QStringLiteral("not connected");
    case Kind::ConnectionClosed:
        return QStringLiteral("connection closed");
    case Kind::PermissionDenied:
        return QStringLiteral("permission denied");
    case Kind::ServiceError:
        return QStringLiteral("service error");
    case Kind::DecodeError:
        return QStringLiteral("invalid message");
    case Kind::JetStreamError:
        return QStringLiteral("JetStream error");
    case Kind::PublishFailed:
        return QStringLiteral("publish failed");
    case Kind::SubscribeFailed:
        return QStringLiteral("subscribe failed");
    case Kind::SlowConsumer:
        return QStringLiteral("slow consumer");
    case Kind::ConfigurationError:
        return QStringLiteral("configuration error");
    case Kind::ServerError:
        return QStringLiteral("server error");
    }
    return QStringLiteral("unknown");
}

QString BusError::toString() const
{
    QString text = kindName(kind);
    if (code != 0)
        text += u' ' + QString::number(code);
    if (!message.isEmpty())
        text += QStringLiteral(": ") + message;
    if (!field.isEmpty())
        text += QStringLiteral(" (field '%1')").arg(field);
    if (!subject.isEmpty())
        text += QStringLiteral(" [%1]").arg(QString::fromUtf8(subject));
    return text;
}

BusError BusError::decode(QString field, QString message)
{
    BusError error;
    error.kind = Kind::DecodeError;
    error.code = 400;
    error.field = std::move(field);
    error.message = std::move(message);
    return error;
}

BusError BusError::make(Kind kind, QString message, QByteArray subject, int code)
{
    BusError error;
    error.kind = kind;
    error.message = std::move(message);
    error.subject = std::move(subject);
    error.code = code;
    return error;
}

} // namespace openopd::bus
