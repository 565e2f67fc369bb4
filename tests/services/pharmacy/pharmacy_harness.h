#pragma once

// The pharmacy service as a real process on a real nats-server (SQLite or a throw-away
// PostgreSQL), a client connection with typed, event-loop-waiting calls, durable publishing
// of the events other services would send, and a record of every event seen on opd.events.>.

#include "bus/jetstream.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"
#include "service/service_process.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace openopd::testing {

class PharmacyHarness
{
public:
    PharmacyHarness() = default;
    ~PharmacyHarness();

    // Starts a fresh nats-server, a client that records every event, then the service on a
    // fresh database of the backend ("sqlite" or "postgres"), with extra arguments. Calling it
    // again starts over (the PostgreSQL server is kept, with a new database).
    bool start(const QString& backend = QStringLiteral("sqlite"), const QStringList& extra = {});
    // Restarts the service process on the same database (e.g. to load the demo twice).
    bool restartService(const QStringList& extra = {});
    void stop();
    QString error() const { return m_error; }
    QString serviceLog() const { return m_service ? m_service->log() : QString(); }

    bus::Connection& client() { return *m_client; }

    template <class Req, class Rep>
    bus::Result<Rep> call(const bus::Endpoint<Req, Rep>& endpoint, const Req& request,
                          int timeoutMs = 10000)
    {
        std::optional<bus::Result<Rep>> reply;
        QObject context;
        bus::RequestOptions options;
        options.timeout = std::chrono::milliseconds(timeoutMs);
        bus::request(
            *m_client, endpoint, request, &context,
            [&reply](bus::Result<Rep> r) { reply = std::move(r); }, options);
        if (!QTest::qWaitFor([&] { return reply.has_value(); }, timeoutMs + 2000))
            return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
        return std::move(*reply);
    }
    // Raw bytes to a subject: the reply's error (code, field) or its JSON.
    bus::Result<QByteArray> callRaw(const QByteArray& subject, const QByteArray& body);

    // Publishes an event envelope durably (Nats-Msg-Id = messageId, default the envelope id)
    // and waits for the stream's ack; *duplicate says whether the stream dropped it.
    template <class P>
    bool publish(const bus::Event<protocol::EventEnvelope<P>>& event,
                 const protocol::EventEnvelope<P>& envelope, QString messageId = {},
                 bool* duplicate = nullptr)
    {
        if (messageId.isEmpty())
            messageId = envelope.id;
        std::optional<bus::Result<bus::PublishAck>> ack;
        QObject context;
        bus::publishDurable(*m_client, event, envelope, messageId.toUtf8(), &context,
                            [&ack](bus::Result<bus::PublishAck> r) { ack = std::move(r); });
        if (!QTest::qWaitFor([&] { return ack.has_value(); }, 10000) || !ack->ok())
            return false;
        if (duplicate)
            *duplicate = ack->value().duplicate;
        return true;
    }

    // Waits until a durable consumer has nothing pending and nothing unacknowledged.
    bool waitConsumerIdle(const QByteArray& durable, int timeoutMs = 15000);
    // Messages stored in OPD_EVENTS on a subject (wildcards allowed).
    qint64 stored(const QString& subject);

    // Every event seen since start(), in arrival order; typed views of one subject.
    const QList<protocol::AnyEvent>& events() const { return m_events; }
    template <class P>
    QList<protocol::EventEnvelope<P>> eventsOf(const bus::Event<protocol::EventEnvelope<P>>& event)
    {
        QList<protocol::EventEnvelope<P>> typed;
        const QString type = protocol::eventTypeFromSubject(event.subject);
        for (const protocol::AnyEvent& any : std::as_const(m_events))
            if (any.type == type)
                if (auto decoded = protocol::EventEnvelope<P>::fromJson(any.toJson()))
                    typed.append(decoded.value());
        return typed;
    }

    // Steps and views the tests share (pharmacy_steps.cpp). Days count from today.
    std::optional<protocol::PendingPrescription> pendingFor(const QString& consultationId);
    QList<protocol::LabOrder> labOrdersFor(const QString& consultationId);
    QList<protocol::StockItem> stockOf(const QString& drugCode);
    int quantityOf(const QString& drugCode, const QString& batch); // -1 when unknown
    bool receive(const QString& drugCode, const QString& batch, int expiresInDays, int quantity,
                 std::optional<int> reorderLevel = std::nullopt);
    // Publishes the consultation and waits until its prescription is pending.
    bool prescribe(const protocol::Consultation& consultation);
    bus::Result<protocol::DispenseReply> dispense(const QString& consultationId,
                                                  const QList<protocol::DispenseRequestLine>& lines,
                                                  const QString& notes = {});
    QList<protocol::EventEnvelope<protocol::Dispense>> dispensedFor(const QString& consultationId);
    QList<protocol::StockLow> lowEventsOf(const QString& drugCode);
    QList<protocol::StockMovement>
    movementsOf(const bus::Event<protocol::EventEnvelope<protocol::StockMovement>>& event,
                const QString& drugCode);

private:
    bool startService(const QStringList& extra);

    std::unique_ptr<NatsServer> m_nats;
    std::unique_ptr<PostgresServer> m_postgres;
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<ServiceProcess> m_service;
    std::unique_ptr<bus::Connection> m_client;
    std::unique_ptr<QObject> m_subscriber;
    QList<protocol::AnyEvent> m_events;
    QStringList m_baseArguments;
    QString m_error;
    int m_databases = 0;
};

// Test data.
protocol::StaffRef doctor();
protocol::StaffRef pharmacist();
protocol::StaffRef labTechnician();
protocol::PrescriptionLine prescriptionLine(const QString& drugCode, const QString& drugName,
                                            int quantity);
protocol::LabOrderLine labOrderLine(const QString& testCode, const QString& testName,
                                    bool urgent = false);
// A saved consultation with new ids, sent to the pharmacy (or the lab when only tests).
protocol::Consultation consultation(const QList<protocol::PrescriptionLine>& prescriptions,
                                    const QList<protocol::LabOrderLine>& labOrders = {});
protocol::ReceiveStockRequest receipt(const QString& drugCode, const QString& batch, QDate expiry,
                                      int quantity, std::optional<int> reorderLevel = std::nullopt);

} // namespace openopd::testing
