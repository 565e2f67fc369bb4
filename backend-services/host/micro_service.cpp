#include "host/micro_service.h"

#include "host/json_log.h"
#include "protocol/catalog.h"

#include <QJsonDocument>
#include <QUuid>

namespace openopd::host {
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
    return statsResponse(identity(), started(), m_endpoints);
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
