#pragma once

// A NATS Service API (ADR-32, "micro") service on the bridge: typed endpoints in queue group
// "q" with per-endpoint statistics, and discovery on $SRV.PING / $SRV.INFO / $SRV.STATS in all
// three forms. nats.c 3.4.1 has no micro API; this follows nats.go/micro (see micro_json.h).

#include "bus/typed.h"
#include "host/caller.h"
#include "host/micro_json.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <chrono>
#include <functional>

namespace openopd::host {

class RequestLog;

// Leaves the request log's current command at the end of a synchronous handler call.
class CommandScope
{
public:
    CommandScope() = default;
    ~CommandScope();
    Q_DISABLE_COPY_MOVE(CommandScope)
    RequestLog* log = nullptr;
};

// Lives on the connection's thread (the service's main thread); so do its handlers. The
// connection should outlive it (if it goes first, the endpoints just stop: repliers hold a
// QPointer). Several services may share one connection.
class MicroService final : public QObject
{
    Q_OBJECT
public:
    // handler(message, replier): reply now or later; the replier is already wired to the stats.
    using RawHandler = std::function<void(const bus::Message&, bus::RawReplier)>;

    // Validates config; when valid, picks a unique instance id and answers $SRV at once.
    MicroService(bus::Connection& connection, MicroServiceConfig config, QObject* parent = nullptr);
    ~MicroService() override;
    Q_DISABLE_COPY_MOVE(MicroService)

    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; } // names the bad field, translated
    const QString& id() const { return m_id; }
    const MicroServiceConfig& config() const { return m_config; }
    QString started() const { return formatRfc3339Nano(m_started); }

    // Serves endpoint.subject in queue group "q" (the semantics of bus::serve: a request that
    // fails to decode is answered 400 naming the field; the handler may answer later).
    // Statistics run from receipt to answer. False (and a warning) if the service is invalid
    // or stopped, or the name or metadata is invalid.
    //
    // Access (caller.h) is checked before the body is decoded: 401/403 as checkAccess() says,
    // with the roles the protocol catalog lists for the subject. When the request has a
    // "staff" member, the handler sees the verified actor there, never the client's.
    // handler(const Req&, bus::Replier<Rep>) or handler(const Req&, const Caller&, Replier).
    template <class Req, class Rep, class F>
    requires(std::invocable<F&, const Req&, bus::Replier<Rep>> ||
             std::invocable<F&, const Req&, const Caller&, bus::Replier<Rep>>) &&
        std::copy_constructible<F> bool addEndpoint(const QString& name,
                                                    const bus::Endpoint<Req, Rep>& endpoint,
                                                    F handler, Access access,
                                                    QJsonObject metadata = {})
    {
        const QList<protocol::StaffRole> roles = catalogRoles(endpoint.subjectBytes());
        return addRawEndpoint(
            name, endpoint.subjectBytes(),
            [this, access, roles, handler = std::move(handler)](const bus::Message& message,
                                                                bus::RawReplier replier) mutable {
                Caller caller = callerOf(message);
                if (const bus::BusError denied = checkAccess(caller, access, roles, m_callerPolicy);
                    denied.kind != bus::BusError::Kind::None) {
                    replier.fail(denied);
                    return;
                }
                bus::Result<Req> request = bus::Codec<Req>::decode(message.data);
                if (!request) {
                    replier.fail(request.error());
                    return;
                }
                Req& body = request.value();
                if constexpr (requires { body.staff; }) {
                    if (caller.staff)
                        body.staff = caller.staff->actingAs(roles);
                    else if (m_callerPolicy == CallerPolicy::InsecureNoAuth)
                        caller.staff = principalFromBody(body.staff);
                }
                CommandScope command; // set while the handler runs synchronously
                if (!beginCommand(message, caller, replier, command))
                    return; // a repeat answered from the request log, or refused
                if constexpr (std::invocable<F&, const Req&, const Caller&, bus::Replier<Rep>>)
                    handler(std::as_const(body), std::as_const(caller),
                            bus::Replier<Rep>(std::move(replier)));
                else
                    handler(std::as_const(body), bus::Replier<Rep>(std::move(replier)));
            },
            std::move(metadata));
    }
    template <class Req, class Rep, class F>
    bool addEndpoint(const QString& name, const bus::Endpoint<Req, Rep>& endpoint, F handler,
                     QJsonObject metadata = {})
    {
        return addEndpoint(name, endpoint, std::move(handler), Access::Staff, std::move(metadata));
    }
    // Verify (the default) or InsecureNoAuth (--insecure-no-auth; tests without accounts).
    void setCallerPolicy(CallerPolicy policy) { m_callerPolicy = policy; }
    CallerPolicy callerPolicy() const { return m_callerPolicy; }
    bool addRawEndpoint(const QString& name, const QByteArray& subject, RawHandler handler,
                        QJsonObject metadata = {});

    QList<EndpointRecord> endpoints() const { return m_endpoints; }
    ServiceIdentity identity() const;
    QJsonObject ping() const;
    QJsonObject info() const;
    QJsonObject stats() const;
    // Extra numbers for STATS, as its top-level "data" object (the host's event counters).
    void setStatsData(std::function<QJsonObject()> provider) { m_statsData = std::move(provider); }
    // Zeroes every endpoint's counters and restarts `started` (ADR-32 reset()).
    void resetStats();

    // Requests received and not answered yet.
    int inFlight() const { return m_inFlight; }
    bool isStopped() const { return m_stopped; }
    // Unsubscribes every endpoint and $SRV subject (messages already handed to this thread
    // are still served); drained() follows once nothing is in flight. Idempotent.
    void stop();
    // How every answer is published from now on (the host holds them during a group commit).
    void setReplySender(bus::RawReplier::Sender sender) { m_replySender = std::move(sender); }
    // Commands (RequestLog::isCommand) with an Openopd-Request-Id header are looked up in
    // log before their handler runs; a repeat is answered from it (docs/protocol.md,
    // "Request ids and repeating a command"). Null (the default): the header is ignored.
    void setRequestLog(RequestLog* log) { m_requestLog = log; }

Q_SIGNALS:
    // After stop(): every subscription is gone and every received request was answered.
    void drained();

private:
    enum class Verb { Ping, Info, Stats };

    // The roles the protocol catalog allows on subject (empty when it is not in the catalog).
    static QList<protocol::StaffRole> catalogRoles(const QByteArray& subject);
    void subscribeControlSubjects();
    void answerControl(Verb verb, const bus::Message& message);
    void onRequest(qsizetype index, const bus::Message& message, RawHandler& handler);
    // For a command with a request id: false when it was answered here (a stored answer
    // replayed, a malformed id, another staff member's id, or an unreadable log); else the
    // log's current command is set (until scope ends) and replier stores its answer.
    bool beginCommand(const bus::Message& message, const Caller& caller, bus::RawReplier& replier,
                      CommandScope& scope);
    void finishRequest(qsizetype index, std::chrono::steady_clock::time_point start, int code,
                       const QString& error, const QByteArray& subject,
                       const QByteArray& requestId);
    void track(bus::Subscription* subscription);
    void checkDrained();

    bus::Connection& m_connection;
    MicroServiceConfig m_config;
    QString m_error;
    QString m_id;
    std::chrono::system_clock::time_point m_started;
    QList<EndpointRecord> m_endpoints;
    QList<QPointer<bus::Subscription>> m_subscriptions;
    int m_inFlight = 0;
    bus::RawReplier::Sender m_replySender;
    RequestLog* m_requestLog = nullptr;
    CallerPolicy m_callerPolicy = CallerPolicy::Verify;
    bool m_stopped = false;
    bool m_drainedSent = false;
    std::function<QJsonObject()> m_statsData;
};

} // namespace openopd::host
