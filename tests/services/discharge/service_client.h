#pragma once

// Small synchronous-looking helpers for the discharge and audit service tests: a nats-server
// with one service process and a client; typed and raw requests; durable event publishing (as
// the other services would). Everything waits on the event loop.

#include "bus/jetstream.h"
#include "bus/typed.h"
#include "protocol/protocol.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace openopd::testing {

inline constexpr int kRequestTimeoutMs = 5000;

template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& client, const bus::Endpoint<Req, Rep>& endpoint,
                      const Req& request)
{
    std::optional<bus::Result<Rep>> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(kRequestTimeoutMs);
    bus::request(
        client, endpoint, request, &context, [&reply](bus::Result<Rep> r) { reply = std::move(r); },
        options);
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, kRequestTimeoutMs + 2000))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
    return std::move(*reply);
}

// A request with a raw body (malformed JSON and the like); the reply left as bytes.
inline bus::Result<QByteArray> callRaw(bus::Connection& client, const QByteArray& subject,
                                       const QByteArray& body)
{
    const bus::Endpoint<QByteArray, QByteArray> endpoint{subject.constData()};
    return call(client, endpoint, body);
}

// Publishes bytes into OPD_EVENTS with a Nats-Msg-Id and waits for the stream's ack.
inline std::optional<bus::PublishAck> publishBytes(bus::Connection& client,
                                                   const QByteArray& subject,
                                                   const QByteArray& body,
                                                   const QByteArray& messageId)
{
    std::optional<bus::Result<bus::PublishAck>> ack;
    QObject context;
    bus::publishDurable(client, subject, body, messageId, &context,
                        [&ack](bus::Result<bus::PublishAck> r) { ack = std::move(r); });
    if (!QTest::qWaitFor([&] { return ack.has_value(); }, kRequestTimeoutMs) || !ack->ok())
        return std::nullopt;
    return ack->value();
}

// Publishes a protocol event the way its producer would (Nats-Msg-Id = envelope id).
template <class P>
bool publishEvent(bus::Connection& client, const bus::Event<protocol::EventEnvelope<P>>& event,
                  const protocol::EventEnvelope<P>& envelope)
{
    return publishBytes(client, event.subjectBytes(),
                        bus::Codec<protocol::EventEnvelope<P>>::encode(envelope),
                        envelope.id.toUtf8())
        .has_value();
}

// A nats-server, one service process (SQLite file <data dir>/<name>.sqlite unless the extra
// arguments give --db) and a connected client.
class ServiceEnvironment
{
public:
    ServiceEnvironment(QString program, QString name)
        : m_program(std::move(program)), m_name(std::move(name))
    {}
    // False with errorString() when something did not start.
    bool start(const QStringList& extraArguments = {});
    QString errorString() const { return m_error; }
    QString databasePath() const;

    NatsServer nats;
    QTemporaryDir dataDir;
    std::unique_ptr<ServiceProcess> service;
    std::unique_ptr<bus::Connection> client;

private:
    QString m_program;
    QString m_name;
    QString m_error;
};

// Messages stored in OPD_EVENTS on subject; -1 on failure.
qint64 storedEvents(bus::Connection& client, const QByteArray& subject);

} // namespace openopd::testing
