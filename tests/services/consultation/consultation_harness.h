#pragma once

// Helpers for the consultation service's tests: synchronous-looking typed calls (the event
// loop runs while waiting), durable publishing of the events other services would publish,
// and builders for valid protocol values.

#include "bus/connection.h"
#include "bus/jetstream.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QTemporaryDir>
#include <QTest>
#include <optional>

namespace openopd::testing {

inline constexpr char kConsultationBin[] = OPENOPD_CONSULTATION_BIN;

// A typed request; waits for the reply (or the transport error).
template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
                      const std::type_identity_t<Req>& request, int timeoutMs = 10000)
{
    std::optional<bus::Result<Rep>> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    bus::request(
        connection, endpoint, request, &context,
        [&reply](bus::Result<Rep> r) { reply = std::move(r); }, options);
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, timeoutMs + 2000))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
    return *reply;
}

// Raw bytes to a subject; the reply as a JSON object or the service error.
bus::Result<QJsonObject> callRaw(bus::Connection& connection, const QByteArray& subject,
                                 const QByteArray& body, int timeoutMs = 10000);

// Publishes an event envelope into OPD_EVENTS with Nats-Msg-Id messageId (the envelope id when
// empty) and waits for the stream's ack; true when stored or recognised as a duplicate.
template <class P>
bool publishEvent(bus::Connection& connection, const bus::Event<protocol::EventEnvelope<P>>& event,
                  const protocol::EventEnvelope<P>& envelope, const QByteArray& messageId = {})
{
    std::optional<bus::Result<bus::PublishAck>> ack;
    QObject context;
    bus::publishDurable(connection, event, envelope,
                        messageId.isEmpty() ? envelope.id.toUtf8() : messageId, &context,
                        [&ack](bus::Result<bus::PublishAck> a) { ack = std::move(a); });
    if (!QTest::qWaitFor([&] { return ack.has_value(); }, 10000))
        return false;
    if (!ack->ok())
        qWarning().noquote() << "publish failed:" << ack->error().toString();
    return ack->ok();
}

// A client connection to url, connected (or nullptr after 10 s).
std::unique_ptr<bus::Connection> connectClient(const QString& url);

// A nats-server, one consultation service process (SQLite in a temporary directory unless
// extra arguments say otherwise) and a connected client.
class ConsultationEnvironment
{
public:
    // False with errorString() when something did not start.
    bool start(const QStringList& extraArguments = {});
    QString errorString() const { return m_error; }
    QStringList serviceArguments(const QString& dataDir) const;

    NatsServer nats;
    QTemporaryDir dataDir;
    std::unique_ptr<ServiceProcess> service;
    std::unique_ptr<bus::Connection> client;

private:
    QString m_error;
};

// --- values ---------------------------------------------------------------------------------
protocol::StaffRef reception();
protocol::StaffRef doctor(const QString& id);
protocol::StaffRef labTechnician();

// A visit in state registered for today (unless day is given), a new patient unless given.
protocol::Visit makeVisit(int token, protocol::Priority priority,
                          const QString& queue = QStringLiteral("general"), QDate day = {},
                          const QString& patientId = {});
protocol::EventEnvelope<protocol::Visit> registeredEvent(const protocol::Visit& visit);
protocol::EventEnvelope<protocol::VisitStatusChange>
closedEvent(const bus::Event<protocol::EventEnvelope<protocol::VisitStatusChange>>& event,
            const protocol::Visit& visit, protocol::VisitState state);

// A full consultation: vitals, two diagnoses, two prescription lines, one lab order,
// disposition to_pharmacy.
protocol::ConsultationContent fullContent();
// The result of lab order line `line` of a consultation.
protocol::LabResult labResult(const protocol::Consultation& consultation, int line);

// The doctor's queue (today, all queues unless given); empty list on error.
QList<protocol::QueueEntry> queueOf(bus::Connection& connection, const QString& queue = {},
                                    bool includeCalled = true);
QStringList visitIds(const QList<protocol::QueueEntry>& entries);

} // namespace openopd::testing
