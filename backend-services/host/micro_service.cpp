#include "host/micro_service.h"

#include "bus/request_id.h"
#include "host/incident.h"
#include "host/json_log.h"
#include "host/request_log.h"
#include "protocol/catalog.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace openopd::host {

namespace {

// An answer to a command whose request id is in the request log already.
struct RepeatAnswer
{
    int code = 0;
    QByteArray body;
    bus::Headers headers;
    QString text; // for the statistics of a failure
};

RepeatAnswer refuseRepeat(const QString& text)
{
    const QString field = QString::fromLatin1(bus::kRequestIdHeader);
    return {409, RequestLog::errorBody(409, text, field),
            RequestLog::headersOf(409, RequestLog::errorBody(409, text, field)), text};
}

RepeatAnswer repeatAnswer(const std::optional<StoredAnswer>& earlier, const QString& staffId)
{
    const char* context = "openopd::host::MicroService";
    if (!earlier || !earlier->answered)
        return refuseRepeat(QCoreApplication::translate(
            context, "A request with this id is being processed, or its answer was not kept: "
                     "read to find out before acting again."));
    if (earlier->staffId != staffId)
        return refuseRepeat(QCoreApplication::translate(
            context, "This request id was used by another staff member: a new action needs a "
                     "new request id."));
    RepeatAnswer answer{
        earlier->code, earlier->body, RequestLog::headersOf(earlier->code, earlier->body), {}};
    answer.headers.append({bus::kReplayedHeader, QByteArrayLiteral("true")});
    if (answer.code != 0)
        answer.text = QString::fromUtf8(answer.headers.constFirst().second);
    return answer;
}

// Through the host's gate when there is one, else straight out.
void forward(const bus::RawReplier::Sender& next, bus::Connection& connection,
             const QByteArray& subject, const RepeatAnswer& answer)
{
    if (next)
        next(connection, subject, answer.body, answer.headers, answer.code);
    else
        connection.publish(subject, answer.body, answer.headers);
}

} // namespace

CommandScope::~CommandScope()
{
    if (log != nullptr)
        log->leave();
}
MicroService::MicroService(bus::Connection& connection, MicroServiceConfig config, QObject* parent)
    : QObject(parent), m_connection(connection), m_config(std::move(config)),
      m_error(validateConfig(m_config)),
      // Unique per instance like Go's nuid: 128 random bits, 32 hex digits, a valid token.
      m_id(QUuid::createUuid().toString(QUuid::Id128)), m_started(std::chrono::system_clock::now())
{
    if (isValid())
        subscribeControlSubjects();
}

MicroService::~MicroService()
{
    // Children would be deleted by ~QObject anyway; do it now, while our slots still exist.
    for (const QPointer<bus::Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription) {
            disconnect(subscription, nullptr, this, nullptr);
            delete subscription.data();
        }
}

ServiceIdentity MicroService::identity() const
{
    return ServiceIdentity{m_config.name, m_id, m_config.version, m_config.metadata};
}

QJsonObject MicroService::ping() const
{
    return pingResponse(identity());
}

QJsonObject MicroService::info() const
{
    return infoResponse(identity(), m_config.description, m_endpoints);
}

QJsonObject MicroService::stats() const
{
    QJsonObject response = statsResponse(identity(), started(), m_endpoints);
    if (m_statsData)
        response.insert(QStringLiteral("data"), m_statsData());
    return response;
}

void MicroService::resetStats()
{
    for (EndpointRecord& e : m_endpoints) {
        e.numRequests = 0;
        e.numErrors = 0;
        e.lastError.clear();
        e.processingTimeNs = 0;
    }
    m_started = std::chrono::system_clock::now();
}

void MicroService::track(bus::Subscription* subscription)
{
    m_subscriptions.append(subscription);
    connect(subscription, &QObject::destroyed, this, &MicroService::checkDrained);
}

void MicroService::subscribeControlSubjects()
{
    // nats.go/micro addVerbHandlers: per verb "$SRV.V", "$SRV.V.<name>", "$SRV.V.<name>.<id>",
    // plain subscriptions (no queue group): every instance answers.
    const std::pair<Verb, QString> verbs[] = {{Verb::Ping, QStringLiteral("PING")},
                                              {Verb::Info, QStringLiteral("INFO")},
                                              {Verb::Stats, QStringLiteral("STATS")}};
    for (const auto& [verb, verbName] : verbs) {
        const QByteArray subjects[] = {controlSubject(verbName),
                                       controlSubject(verbName, m_config.name),
                                       controlSubject(verbName, m_config.name, m_id)};
        for (const QByteArray& subject : subjects)
            track(m_connection.subscribe(subject, this, [this, verb = verb](const bus::Message& m) {
                answerControl(verb, m);
            }));
    }
}

void MicroService::answerControl(Verb verb, const bus::Message& message)
{
    if (message.reply.isEmpty())
        return;
    const QJsonObject body = verb == Verb::Ping ? ping() : verb == Verb::Info ? info() : stats();
    m_connection.publish(message.reply, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

bool MicroService::addRawEndpoint(const QString& name, const QByteArray& subject,
                                  RawHandler handler, QJsonObject metadata)
{
    QString problem;
    if (!isValid())
        problem = m_error;
    else if (m_stopped)
        problem = tr("the service is stopped");
    else if (!isValidServiceName(name))
        problem = tr("endpoint name \"%1\" must use only A-Z, a-z, 0-9, - and _").arg(name);
    else if (subject.isEmpty() || subject.contains(' ') || subject.startsWith("$SRV."))
        problem =
            tr("endpoint \"%1\": invalid subject \"%2\"").arg(name, QString::fromUtf8(subject));
    else
        problem = validateMetadata(metadata, name);
    if (!problem.isEmpty()) {
        logEvent(QtWarningMsg, tr("cannot add endpoint: %1").arg(problem),
                 LogFields{QString::fromUtf8(subject), {}, {}});
        return false;
    }
    EndpointRecord record;
    record.name = name;
    record.subject = QString::fromUtf8(subject);
    record.metadata = std::move(metadata);
    m_endpoints.append(record);
    const qsizetype index = m_endpoints.size() - 1;

    bus::SubscriptionOptions options;
    options.queueGroup = QByteArray(kDefaultQueueGroup);
    options.capacity = 65536; // requests were asked for: do not drop them in a burst
    track(m_connection.subscribe(
        subject, this,
        [this, index, handler = std::move(handler)](const bus::Message& message) mutable {
            onRequest(index, message, handler);
        },
        options));
    return true;
}

QList<protocol::StaffRole> MicroService::catalogRoles(const QByteArray& subject)
{
    const protocol::EndpointInfo* info = protocol::findEndpoint(subject);
    return info ? info->roles : QList<protocol::StaffRole>{};
}

void MicroService::onRequest(qsizetype index, const bus::Message& message, RawHandler& handler)
{
    bus::RawReplier replier(&m_connection, message.reply);
    if (m_replySender)
        replier.sendThrough(m_replySender);
    ++m_inFlight;
    const auto start = std::chrono::steady_clock::now();
    QPointer<MicroService> self(this);
    replier.onAnswered([self, index, start, subject = message.subject,
                        requestId = message.reply](int code, const QString& error) {
        if (self)
            self->finishRequest(index, start, code, error, subject, requestId);
    });
    handler(message, std::move(replier));
}

bool MicroService::beginCommand(const bus::Message& message, const Caller& caller,
                                bus::RawReplier& replier, CommandScope& scope)
{
    // Optional: a client without ids (the nats CLI) acts every time, as before.
    if (m_requestLog == nullptr || !message.hasHeader(bus::kRequestIdHeader) ||
        !m_requestLog->isCommand(message.subject))
        return true;
    const QString field = QString::fromLatin1(bus::kRequestIdHeader);
    const QByteArray requestId = message.header(bus::kRequestIdHeader);
    if (!bus::isValidRequestId(requestId)) {
        replier.fail(400,
                     field + QStringLiteral(": ") +
                         tr("must be 1 to 64 characters from A-Z, a-z, 0-9, _ and -"),
                     field);
        return false;
    }
    const QString staffId = caller.staff ? caller.staff->staffId : QString();
    std::optional<StoredAnswer> earlier;
    QString error;
    if (!m_requestLog->find(message.subject, requestId, &earlier, &error)) {
        replier.fail(503, unavailableMessage(error));
        return false;
    }
    if (earlier) {
        const RepeatAnswer answer = repeatAnswer(earlier, staffId);
        replier.sendThrough(
            [answer, next = m_replySender](bus::Connection& connection, const QByteArray& subject,
                                           const QByteArray&, const bus::Headers&,
                                           int) { forward(next, connection, subject, answer); });
        if (answer.code == 0)
            replier.reply(answer.body);
        else
            replier.fail(answer.code, answer.text);
        return false;
    }
    std::shared_ptr<CommandState> state = m_requestLog->enter(message.subject, requestId, staffId);
    scope.log = m_requestLog;
    replier.sendThrough([log = m_requestLog, state, next = m_replySender](
                            bus::Connection& connection, const QByteArray& subject,
                            const QByteArray& data, const bus::Headers& headers, int code) {
        if (state->takenElsewhere) { // another instance did it: its answer, not our 503
            forward(next, connection, subject, repeatAnswer(state->earlier, state->staffId));
            return;
        }
        log->answered(*state, code, data);
        forward(next, connection, subject, RepeatAnswer{code, data, headers, {}});
    });
    return true;
}

void MicroService::finishRequest(qsizetype index, std::chrono::steady_clock::time_point start,
                                 int code, const QString& error, const QByteArray& subject,
                                 const QByteArray& requestId)
{
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now() - start);
    EndpointRecord& e = m_endpoints[index];
    // Like nats.go/micro reqHandler: counted when handled, with its time, so the average is
    // processing_time / num_requests.
    ++e.numRequests;
    e.processingTimeNs += elapsed.count();
    if (code > 0) {
        ++e.numErrors;
        e.lastError = QString::number(code) + u':' + error; // Go: serviceError "<code>:<desc>"
        logRequest(code >= 500 ? QtWarningMsg : QtInfoMsg, tr("request failed: %1").arg(error),
                   subject, requestId, QJsonObject{{QStringLiteral("code"), code}});
    } else if (code == bus::RawReplier::kAbandoned && !requestId.isEmpty()) {
        logRequest(QtWarningMsg, tr("request dropped without an answer"), subject, requestId);
    }
    --m_inFlight;
    checkDrained();
}

void MicroService::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    // deleteLater, not delete: messages already queued for this thread are delivered first
    // (their events were posted before the deferred delete) and get their answers.
    for (const QPointer<bus::Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            subscription->deleteLater();
    QMetaObject::invokeMethod(this, &MicroService::checkDrained, Qt::QueuedConnection);
}

void MicroService::checkDrained()
{
    if (!m_stopped || m_drainedSent || m_inFlight > 0)
        return;
    for (const QPointer<bus::Subscription>& subscription : std::as_const(m_subscriptions))
        if (subscription)
            return;
    m_drainedSent = true;
    Q_EMIT drained();
}

} // namespace openopd::host
