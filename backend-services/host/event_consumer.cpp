#include "host/event_consumer.h"

#include "bus/jetstream.h"
#include "host/dead_letter.h"
#include "host/event_streams.h"
#include "host/inbox.h"

#include <QDebug>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace openopd::host {
namespace {
qint64 toNs(std::chrono::milliseconds duration)
{
    return std::chrono::nanoseconds(duration).count();
}
} // namespace

QString eventIdOf(const bus::JsMessage& message)
{
    const QByteArray id = message.header(bus::kMsgIdHeader);
    if (!id.isEmpty())
        return QString::fromUtf8(id);
    return QString::fromUtf8(message.metadata.stream) + u':' +
           QString::number(message.metadata.streamSequence);
}

EventConsumer::EventConsumer(bus::Connection& bus, Database& db, const FaultPoints& faults,
                             EventConsumerOptions options, Handler handler, QObject* parent)
    : QObject(parent), m_bus(bus), m_db(db), m_faults(faults), m_options(std::move(options)),
      m_handler(std::move(handler)), m_name(QString::fromUtf8(m_options.durable))
{}

QJsonObject EventConsumer::consumerConfig() const
{
    // max_deliver stays unlimited on the server: this class decides when to give up, and
    // it gives up only after the dead-letter copy is safely stored.
    return {{QStringLiteral("durable_name"), m_name},
            {QStringLiteral("ack_policy"), QStringLiteral("explicit")},
            {QStringLiteral("deliver_policy"), QStringLiteral("all")},
            {QStringLiteral("filter_subject"), QString::fromUtf8(m_options.filterSubject)},
            {QStringLiteral("ack_wait"), toNs(m_options.ackWait)},
            {QStringLiteral("max_deliver"), -1},
            {QStringLiteral("max_ack_pending"), m_options.maxInFlight * 4},
            {QStringLiteral("replay_policy"), QStringLiteral("instant")}};
}

void EventConsumer::start()
{
    bus::ensureConsumer(
        m_bus, m_options.stream, consumerConfig(), this, [this](bus::Result<QJsonObject> info) {
            if (!info) {
                Q_EMIT errorOccurred(info.error());
                return;
            }
            bus::PullConsumerOptions pullOptions;
            pullOptions.stream = m_options.stream;
            pullOptions.durable = m_options.durable;
            pullOptions.maxInFlight = m_options.maxInFlight;
            m_pull = new bus::PullConsumer(
                m_bus, pullOptions, [this](bus::JsMessage m) { enqueue(std::move(m)); }, this);
            connect(m_pull, &bus::PullConsumer::errorOccurred, this, &EventConsumer::errorOccurred);
            m_pull->start();
            Q_EMIT started();
        });
}

void EventConsumer::stop()
{
    if (m_pull != nullptr)
        m_pull->stop();
}

int EventConsumer::inFlight() const
{
    return m_pull != nullptr ? m_pull->inFlight() : 0;
}

std::chrono::milliseconds EventConsumer::backoffFor(quint64 deliveryCount) const
{
    if (m_options.backoff.empty())
        return std::chrono::seconds(1);
    const auto index = qMin<size_t>(static_cast<size_t>(deliveryCount > 0 ? deliveryCount - 1 : 0),
                                    m_options.backoff.size() - 1);
    return m_options.backoff[index];
}

struct EventConsumer::Outcome
{
    QString eventId;
    HandlerResult result;
    bool kept = false;      // its changes are in the committed transaction
    bool duplicate = false; // processed before (a crash lost the ack)
    int newerVersion = 0;   // > 0: a schema version this build does not know; not handled
    QString error;
};

void EventConsumer::enqueue(bus::JsMessage message)
{
    if (!m_sinceAlive.isValid())
        m_sinceAlive.start(); // the server's ack wait for this delivery runs already
    m_batch.push_back(std::move(message));
    // Inside a batch (taken in by keepBatchAlive()) it waits for the next one, kept alive.
    if (!m_processing && m_batch.size() >= static_cast<size_t>(kMaxBatch)) {
        processBatch();
        return;
    }
    if (!m_batchScheduled) {
        m_batchScheduled = true; // after the rest of this delivery batch has been queued
        QTimer::singleShot(m_options.batchWindow, this, &EventConsumer::processBatch);
    }
}

std::vector<bus::JsMessage> EventConsumer::takeHandledEvents()
{
    std::vector<bus::JsMessage> batch;
    batch.swap(m_batch);
    if (m_options.ignoredSubjects.isEmpty())
        return batch;
    std::vector<bus::JsMessage> handled;
    handled.reserve(batch.size());
    for (bus::JsMessage& message : batch) {
        if (m_options.ignoredSubjects.contains(message.message.subject)) {
            message.ack();
            ++m_counters.ignored;
        } else {
            handled.push_back(std::move(message));
        }
    }
    return handled;
}

bool EventConsumer::processOne(const bus::JsMessage& message, Outcome& outcome, QString* error)
{
    const QString& eventId = outcome.eventId;
    if (outcome.newerVersion > 0)
        return true; // left for a newer instance, untouched
    const Database::Step step = m_db.savepoint(
        [&](QSqlDatabase&, QString* stepError) {
            const auto claimed = claimInInbox(m_db, m_name, eventId, message, stepError);
            if (!claimed.has_value())
                return false;
            if (!*claimed) {
                outcome.duplicate = true;
                return true;
            }
            outcome.result = m_handler(message, m_db);
            if (outcome.result.kind != HandlerResult::Kind::Done) {
                *stepError = outcome.result.reason; // the savepoint's undo takes the claim back
                return false;
            }
            return true;
        },
        &outcome.error);
    if (step == Database::Step::Broken) {
        *error = outcome.error;
        return false;
    }
    outcome.kept = step == Database::Step::Kept;
    if (!outcome.kept && outcome.result.kind == HandlerResult::Kind::Done)
        outcome.result = HandlerResult::retry(outcome.error); // the database failed, not the event
    return true;
}

void EventConsumer::processBatch()
{
    m_batchScheduled = false;
    std::vector<bus::JsMessage> batch = takeHandledEvents();
    if (batch.empty()) {
        if (m_batch.empty())
            m_sinceAlive.invalidate();
        return;
    }
    std::vector<Outcome> outcomes(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        outcomes[i].eventId = eventIdOf(batch[i]);
        const int version = eventSchemaVersion(batch[i].message.data, m_options.knownVersion);
        if (version > m_options.knownVersion)
            outcomes[i].newerVersion = version;
    }
    QString error;
    m_processing = true; // m_sinceAlive runs: started when the oldest of the batch arrived
    const bool committed = m_db.transaction(
        [&](QSqlDatabase&, QString* workError) {
            for (size_t i = 0; i < batch.size(); ++i) {
                keepBatchAlive(batch);
                if (!processOne(batch[i], outcomes[i], workError))
                    return false;
            }
            m_faults.hit(QString::fromLatin1(fault::kConsumerBeforeCommit));
            return true;
        },
        &error);
    m_processing = false;
    if (!committed) {
        // Nothing of the batch was stored: every event is retried.
        for (Outcome& outcome : outcomes) {
            if (outcome.newerVersion > 0)
                continue;
            outcome.kept = false;
            outcome.result = HandlerResult::retry(error);
            outcome.error = error;
        }
    } else {
        m_faults.hit(QString::fromLatin1(fault::kConsumerAfterCommit));
        Q_EMIT batchCommitted();
    }
    for (size_t i = 0; i < batch.size(); ++i)
        settle(std::move(batch[i]), outcomes[i]);
    // What arrived during the batch has waited since (at most) the timer's start: keep the
    // timer running for it rather than start again when the event loop hands it over.
    if (m_pull != nullptr)
        m_pull->deliverArrived();
    if (m_batch.empty())
        m_sinceAlive.invalidate(); // nothing unsettled waits here any more
}

void EventConsumer::keepBatchAlive(std::vector<bus::JsMessage>& batch)
{
    if (m_sinceAlive.elapsed() < m_options.ackWait.count() / 3)
        return;
    // Deliveries that arrived meanwhile wait behind this batch, unseen by the event loop;
    // their ack wait runs too. Take them in (into the next batch) to keep them alive.
    if (m_pull != nullptr)
        m_pull->deliverArrived();
    // Every event of the batch is unsettled until the commit, the handled ones too.
    for (bus::JsMessage& message : batch)
        message.inProgress();
    for (bus::JsMessage& message : m_batch)
        message.inProgress();
    ++m_counters.keptAlive;
    m_sinceAlive.start();
}

void EventConsumer::settle(bus::JsMessage message, const Outcome& outcome)
{
    const QString& eventId = outcome.eventId;
    const quint64 attempt = message.metadata.deliveryCount;
    if (outcome.newerVersion > 0) {
        // A rolling upgrade: a newer producer is up before this consumer's newer instance.
        // Not this build's to judge; it stays in the stream for an instance that knows it.
        ++m_counters.deferredNewer;
        qWarning().noquote() << "consumer" << m_name << ": event" << eventId << "on"
                             << QString::fromUtf8(message.message.subject) << "has schema version"
                             << outcome.newerVersion << ", newer than this build knows ("
                             << m_options.knownVersion << "); left for a newer instance (delivery"
                             << attempt << ")";
        message.nak(m_options.newerVersionDelay);
        return;
    }
    if (outcome.kept) {
        message.ack();
        if (outcome.duplicate) {
            ++m_counters.duplicates;
            qInfo().noquote() << "consumer" << m_name << ": event" << eventId
                              << "was already processed; acknowledged the redelivery";
        } else {
            ++m_counters.processed;
        }
        Q_EMIT processed(eventId, outcome.duplicate);
        return;
    }
    const quint64 maxDeliver = static_cast<quint64>(qMax(1, m_options.maxDeliver));
    if (outcome.result.kind == HandlerResult::Kind::Fail && attempt >= maxDeliver) {
        deadLetter(std::move(message), eventId, outcome.error);
        return;
    }
    // Retry, a database failure, or a failure with attempts left: try again later. A
    // passing failure is never dead-lettered; past maxDeliver attempts it is logged as an
    // error so that it is seen.
    ++m_counters.retried;
    m_counters.lastRetry = eventId + QStringLiteral(": ") + outcome.error;
    const auto delay = backoffFor(attempt);
    if (attempt >= maxDeliver && outcome.result.kind != HandlerResult::Kind::Fail)
        qCritical().noquote() << "consumer" << m_name << ": event" << eventId << "still fails after"
                              << attempt << "attempts, retrying in" << delay.count()
                              << "ms:" << outcome.error;
    else
        qWarning().noquote() << "consumer" << m_name << "will retry" << eventId << "(attempt"
                             << attempt << ", in" << delay.count() << "ms):" << outcome.error;
    message.nak(delay);
}

void EventConsumer::deadLetter(bus::JsMessage message, const QString& eventId,
                               const QString& reason)
{
    publishDeadLetter(m_bus, m_name, eventId, reason, message, this,
                      [this, message, eventId, reason](const bus::BusError& error) mutable {
                          if (error.isError()) {
                              // Keep the event: without its dead-letter copy it must not go.
                              qWarning().noquote() << "consumer: cannot dead-letter" << eventId
                                                   << ":" << error.toString();
                              message.nak(backoffFor(message.metadata.deliveryCount));
                              return;
                          }
                          message.term(reason);
                          ++m_counters.deadLettered;
                          m_counters.lastDeadLetter = eventId + QStringLiteral(": ") + reason;
                          qWarning().noquote()
                              << "consumer" << m_name << ": event" << eventId << "on"
                              << QString::fromUtf8(message.message.subject) << "dead-lettered to"
                              << QString::fromLatin1(kDeadLetterStream) << "after"
                              << message.metadata.deliveryCount << "deliveries:" << reason;
                          Q_EMIT deadLettered(eventId, reason);
                      });
}

} // namespace openopd::host
