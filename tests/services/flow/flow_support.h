#pragma once

// Helpers for the cross-service flow tests and the flow benchmark: synchronous-looking typed
// calls (the event loop runs while waiting, every wait is bounded), bounded polling,
// $SRV discovery, JetStream stream and consumer figures, and protocol values.

#include "bus/connection.h"
#include "bus/typed.h"
#include "protocol/endpoints.h"
#include "protocol/errors.h"
#include "protocol/events.h"

#include <QEventLoop>
#include <QHash>
#include <QJsonObject>
#include <QTest>
#include <QTimer>
#include <functional>
#include <optional>

namespace openopd::testing::flow {

// A typed request; waits at most timeoutMs (+2 s grace) for the reply or the transport error.
// A nested QEventLoop runs meanwhile (it returns as soon as the reply is in).
template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
                      const std::type_identity_t<Req>& request, int timeoutMs = 10000)
{
    std::optional<bus::Result<Rep>> reply;
    QEventLoop loop;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    bus::request(
        connection, endpoint, request, &context,
        [&reply, &loop](bus::Result<Rep> r) {
            reply = std::move(r);
            loop.quit();
        },
        options);
    if (!reply) {
        QTimer::singleShot(timeoutMs + 2000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!reply)
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"),
                                   endpoint.subjectBytes());
    return *reply;
}

// The same request for many bodies, at most inFlight at a time; replies in order
// (std::nullopt for a request without an answer within the overall bound).
template <class Req, class Rep>
QList<std::optional<bus::Result<Rep>>>
callMany(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
         const QList<Req>& requests, int inFlight = 16, int timeoutMs = 10000)
{
    QList<std::optional<bus::Result<Rep>>> replies(requests.size());
    QEventLoop loop;
    QObject context;
    qsizetype next = 0;
    qsizetype done = 0;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    std::function<void()> launch = [&] {
        while (next < requests.size() && next - done < inFlight) {
            const qsizetype i = next++;
            bus::request(
                connection, endpoint, requests.at(i), &context,
                [&, i](bus::Result<Rep> r) {
                    replies[i] = std::move(r);
                    if (++done == requests.size())
                        loop.quit();
                    launch();
                },
                options);
        }
    };
    launch();
    if (done < requests.size()) {
        const qint64 rounds = requests.size() / std::max(inFlight, 1) + 1;
        QTimer::singleShot(static_cast<int>(std::min<qint64>(rounds * (timeoutMs + 2000), 300000)),
                           &loop, &QEventLoop::quit);
        loop.exec();
    }
    return replies;
}

// Calls check() every intervalMs (the event loop runs in between) until it returns true or
// timeoutMs passed; true when it did.
bool poll(const std::function<bool()>& check, int timeoutMs, int intervalMs = 50);

// Every reply to one request on subject within quietMs (all instances answer $SRV subjects).
QList<QJsonObject> gather(bus::Connection& connection, const QByteArray& subject, int waitMs = 700,
                          QList<QByteArray>* raw = nullptr);

// --- JetStream figures (-1 on failure) ----------------------------------------------------
// The events the audit log records: every message of OPD_EVENTS but the work-list events
// (opd.events.list.*, acknowledged unrecorded); -1 on failure.
qint64 auditedEvents(bus::Connection& connection);
qint64 streamMessages(bus::Connection& connection,
                      const QString& stream = QString::fromLatin1(protocol::kEventStream));
// Messages per subject in OPD_EVENTS (subjects matching filter).
QHash<QString, qint64> subjectCounts(bus::Connection& connection,
                                     const QString& filter = QStringLiteral("opd.events.>"));
// Messages not yet acknowledged by any durable consumer of OPD_EVENTS (pending + ack
// pending, summed), and how many consumers there are.
qint64 unsettledEvents(bus::Connection& connection, int* consumers = nullptr);
// Waits until every consumer of OPD_EVENTS has acknowledged everything and the stream has
// stopped growing for settleMs (the outboxes are flushed); false after timeoutMs.
bool waitForQuiet(bus::Connection& connection, int timeoutMs, int settleMs = 600);

// --- protocol values --------------------------------------------------------------------
protocol::StaffRef reception(int n = 1);
protocol::StaffRef doctor(const QString& id = QStringLiteral("dr.silva"));
protocol::StaffRef pharmacist();
protocol::StaffRef labTechnician();

// A patient with a unique national id (duplicate detection finds a retried create by it).
protocol::PatientDetails patientDetails(const QString& fullName, QDate dateOfBirth,
                                        const QString& nationalId,
                                        protocol::Sex sex = protocol::Sex::Female);

// Today in the clinic's time zone (the services' "today": local date).
QDate clinicToday();

QString describe(const bus::BusError& error);

} // namespace openopd::testing::flow
