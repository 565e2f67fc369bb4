#pragma once

// Small message types and contracts used by the bridge tests and the benchmark.

#include "bus/contract.h"
#include "bus/json_reader.h"

#include <QJsonObject>

namespace openopd::testing {

struct EchoRequest
{
    QString text;
    qint64 repeat = 1;

    QJsonObject toJson() const
    {
        return {{QStringLiteral("text"), text}, {QStringLiteral("repeat"), repeat}};
    }
    static bus::Result<EchoRequest> fromJson(const QJsonObject& object)
    {
        bus::JsonReader reader(object);
        EchoRequest request;
        request.text = reader.requiredString(QStringLiteral("text"), 200);
        request.repeat = reader.optionalInt(QStringLiteral("repeat"), 1, 10).value_or(1);
        if (!reader.ok())
            return reader.error();
        return request;
    }
};

struct EchoReply
{
    QString text;

    QJsonObject toJson() const { return {{QStringLiteral("text"), text}}; }
    static bus::Result<EchoReply> fromJson(const QJsonObject& object)
    {
        bus::JsonReader reader(object);
        EchoReply reply;
        reply.text = reader.requiredString(QStringLiteral("text"), 10000, 0);
        if (!reader.ok())
            return reader.error();
        return reply;
    }
};

struct Tick
{
    qint64 sequence = 0;

    QJsonObject toJson() const { return {{QStringLiteral("seq"), sequence}}; }
    static bus::Result<Tick> fromJson(const QJsonObject& object)
    {
        bus::JsonReader reader(object);
        Tick tick;
        tick.sequence = reader.requiredInt(QStringLiteral("seq"), 0, qint64{1} << 40);
        if (!reader.ok())
            return reader.error();
        return tick;
    }
};

inline constexpr bus::Endpoint<EchoRequest, EchoReply> kEcho{"test.echo"};
inline constexpr bus::Endpoint<EchoRequest, EchoReply> kNobody{"test.nobody"};
inline constexpr bus::Endpoint<EchoRequest, EchoReply> kForbidden{"secret.echo"};
inline constexpr bus::Event<Tick> kTicks{"test.ticks"};
inline constexpr bus::Event<QByteArray> kRawTicks{"test.raw"};

} // namespace openopd::testing
