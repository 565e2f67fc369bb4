#pragma once

// Test support for the registration service: a throw-away nats-server, the service as a real
// child process, a client connection, and synchronous-looking (event-loop-waiting) calls.

#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"
#include "service/jetstream_probe.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace openopd::testing {

class RegistrationFixture
{
public:
    RegistrationFixture();
    ~RegistrationFixture();

    // Starts nats-server (first call only), a client connection and one service process with
    // its own data directory plus serviceArgs. db: a --db value, or empty for SQLite in the
    // data directory.
    bool start(const QStringList& serviceArgs = {}, const QString& db = {});
    // Another process of the service on the same database (a second instance).
    std::unique_ptr<ServiceProcess> startAnotherInstance(const QStringList& serviceArgs = {});
    void stopService();
    // SIGTERM, then the same process again (same database) with serviceArgs.
    bool restart(const QStringList& serviceArgs = {});
    QString errorString() const { return m_error; }

    bus::Connection& client() { return *m_client; }
    ServiceProcess& service() { return *m_service; }
    QString log() const { return m_service ? m_service->log() : QString(); }
    QStringList arguments() const;
    // The service's SQLite file (when started without a --db of its own).
    QString sqliteFile() const;

    template <class Req, class Rep>
    bus::Result<Rep> call(const bus::Endpoint<Req, Rep>& endpoint, const Req& request,
                          int timeoutMs = 15000)
    {
        std::optional<bus::Result<Rep>> result;
        QObject context;
        bus::request(
            *m_client, endpoint, request, &context,
            [&result](bus::Result<Rep> reply) { result = std::move(reply); },
            bus::RequestOptions{std::chrono::milliseconds(timeoutMs), {}, {}});
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, timeoutMs + 5000))
            return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
        return std::move(*result);
    }
    // A request with a raw body (malformed JSON, wrong types); the reply as JSON or the error.
    bus::Result<QJsonObject> callRaw(const QByteArray& subject, const QByteArray& body);

    // Messages stored in OPD_EVENTS on subject (wildcards allowed).
    qint64 stored(const QString& subject);
    // The payloads of every stored event on subject, oldest first.
    QList<QJsonObject> storedEvents(const QString& subject);

    // Publishes an event durably (as another service would) and waits for the stream's ack.
    template <class P>
    bool publish(const bus::Event<protocol::EventEnvelope<P>>& event,
                 const protocol::EventEnvelope<P>& envelope)
    {
        std::optional<bool> acked;
        QObject context;
        bus::publishDurable(*m_client, event, envelope, envelope.id.toUtf8(), &context,
                            [&acked](bus::Result<bus::PublishAck> ack) { acked = ack.ok(); });
        return QTest::qWaitFor([&acked] { return acked.has_value(); }, 10000) && *acked;
    }

private:
    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<NatsServer> m_nats;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<bus::Connection> m_client;
    std::unique_ptr<ServiceProcess> m_service;
    QString m_db;
    QString m_error;
};

protocol::StaffRef receptionist();
protocol::StaffRef doctor();
protocol::PatientDetails person(const QString& name, const QDate& born,
                                const QString& nationalId = {}, const QString& phone = {});
protocol::CreatePatientRequest createRequest(const protocol::PatientDetails& details,
                                             bool confirmDuplicate = false);
protocol::OpenVisitRequest openRequest(const QString& patientId,
                                       const QString& queue = QStringLiteral("general"),
                                       protocol::Priority priority = protocol::Priority::Normal);

} // namespace openopd::testing
