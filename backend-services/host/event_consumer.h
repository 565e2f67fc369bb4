#pragma once

#include "bus/pull_consumer.h"
#include "host/database.h"
#include "host/event_version.h"
#include "host/fault_points.h"
#include "protocol/version.h"

#include <QElapsedTimer>
#include <QObject>
#include <chrono>
#include <functional>
#include <vector>

namespace openopd::host {

// What a handler decided about one event.
struct HandlerResult
{
    enum class Kind {
        Done,  // processed: commit, remember the event id, ack
        Retry, // a passing problem (a dependency is down): roll back, redeliver later
        Fail,  // this event cannot be processed: roll back; after maxDeliver, dead-letter it
    };
    Kind kind = Kind::Done;
    QString reason;

    static HandlerResult done() { return {}; }
    static HandlerResult retry(QString why) { return {Kind::Retry, std::move(why)}; }
    static HandlerResult fail(QString why) { return {Kind::Fail, std::move(why)}; }
};

struct EventConsumerOptions
{
    QByteArray stream = QByteArrayLiteral("OPD_EVENTS");
    QByteArray durable;       // the consumer's durable name, e.g. "consultation-queue"
    QByteArray filterSubject; // e.g. "opd.events.visit.>"
    int maxDeliver = 5;       // failed attempts before the event goes to OPD_DLQ
    std::vector<std::chrono::milliseconds> backoff{std::chrono::seconds(1), std::chrono::seconds(5),
                                                   std::chrono::seconds(30)};
    // How long a delivery may stay unacknowledged before the server sends it again. Short,
    // so that the events a crashed instance held come back within seconds (to a restarted
    // or another instance; the inbox makes the repeat harmless). A batch that takes longer
    // than a third of it sends in-progress acknowledgements, so that a slow batch under load
    // is not redelivered while it is still being processed.
    std::chrono::milliseconds ackWait{3000};
    int maxInFlight = 64;
    // The newest event schema version ("v" of the envelope) this build understands. A newer
    // event (a rolling upgrade: a newer producer is already up) is left for a newer instance
    // of this consumer: nak'd with newerVersionDelay, never handled or dead-lettered here.
    int knownVersion = protocol::kProtocolVersion;
    std::chrono::milliseconds newerVersionDelay{60000};
    // Subjects the filter takes in but this service has nothing to do for (nats-server 2.9
    // allows one filter subject per consumer): acknowledged at once, without the handler,
    // the inbox or a transaction (registration's own visit events, issue 13).
    QList<QByteArray> ignoredSubjects;
    // How long the first delivery of a batch waits for more before the batch is processed
    // (0: at the end of the event-loop turn it arrived in). Under load a consumer whose
    // readers are not waiting for it (audit) commits once per window instead of once per
    // trickle of events: fewer commits, each an fsync.
    std::chrono::milliseconds batchWindow{0};
};

// What a consumer did since it started; reported in $SRV.STATS (see event_stats.h).
struct EventConsumerCounters
{
    quint64 processed = 0;     // handled and acked
    quint64 duplicates = 0;    // redeliveries the inbox recognised
    quint64 retried = 0;       // nak'd after a failure (database, dependency, or Fail)
    quint64 deferredNewer = 0; // nak'd for a newer instance: schema version too new
    quint64 deadLettered = 0;  // copied to OPD_DLQ and terminated
    quint64 keptAlive = 0;     // batches slow enough to send in-progress acknowledgements
    quint64 ignored = 0;       // acked unhandled: on one of ignoredSubjects
    QString lastDeadLetter;    // "<event id>: <reason>"
    QString lastRetry;         // "<event id>: <reason>"
};

// A durable JetStream consumer that processes each event exactly once in effect:
//  1. in a transaction: skip if the inbox already holds the event id, else run the handler
//     and record the id in the inbox;
//  2. commit, then ack. A crash before the ack means a redelivery that step 1 skips.
// Failures nak with back-off; after maxDeliver failed attempts an event its handler declared
// unprocessable (Fail) is copied to the dead-letter stream with the reason and then
// terminated, never silently dropped. A passing failure (Retry, or the database failing) is
// retried for as long as it lasts, with the back-off's last delay between attempts, a warning
// with the event id and the reason at each attempt (an error line from maxDeliver on) and a
// counter: dead-lettering would drain a whole backlog into OPD_DLQ during a database outage.
// An event of a newer schema version is left for a newer instance (see knownVersion).
// Deliveries that arrive together (one event-loop turn, up to kMaxBatch) share one
// transaction, each event in its own savepoint: a failing event is undone alone, and a
// backlog costs one commit (one fsync) per batch instead of one per event.
class EventConsumer final : public QObject
{
    Q_OBJECT
public:
    // Runs inside the transaction; do all database work through db.
    using Handler = std::function<HandlerResult(const bus::JsMessage& message, Database& db)>;

    EventConsumer(bus::Connection& bus, Database& db, const FaultPoints& faults,
                  EventConsumerOptions options, Handler handler, QObject* parent = nullptr);

    // Creates (or confirms) the durable consumer, then starts pulling.
    void start();
    void stop();
    int inFlight() const;
    static constexpr int kMaxBatch = 256;
    const EventConsumerOptions& options() const { return m_options; }
    const EventConsumerCounters& counters() const { return m_counters; }

Q_SIGNALS:
    void started();
    void processed(const QString& eventId, bool duplicate);
    // A batch was committed (before its acks): outbox rows its handlers wrote can go out.
    void batchCommitted();
    void deadLettered(const QString& eventId, const QString& reason);
    void errorOccurred(const openopd::bus::BusError& error);

private:
    struct Outcome;
    void enqueue(bus::JsMessage message);
    void processBatch();
    // Takes the queued deliveries, acknowledging at once those on ignoredSubjects.
    std::vector<bus::JsMessage> takeHandledEvents();
    // Tells the server that the batch's events, and those that arrived behind it, are still
    // being processed, when a third of the ack wait has passed since the oldest of them
    // arrived or since the last time.
    void keepBatchAlive(std::vector<bus::JsMessage>& batch);
    // One event inside the batch's transaction; false: the transaction must roll back.
    bool processOne(const bus::JsMessage& message, Outcome& outcome, QString* error);
    void settle(bus::JsMessage message, const Outcome& outcome);
    void deadLetter(bus::JsMessage message, const QString& eventId, const QString& reason);
    std::chrono::milliseconds backoffFor(quint64 deliveryCount) const;
    QJsonObject consumerConfig() const;

    bus::Connection& m_bus;
    Database& m_db;
    const FaultPoints& m_faults;
    EventConsumerOptions m_options;
    Handler m_handler;
    const QString m_name; // the durable's name, for the inbox and logs
    bus::PullConsumer* m_pull = nullptr;
    std::vector<bus::JsMessage> m_batch;
    bool m_batchScheduled = false;
    bool m_processing = false; // inside processBatch()'s transaction
    // Since the oldest unsettled delivery arrived, or in-progress acks were last sent;
    // invalid while nothing is unsettled here.
    QElapsedTimer m_sinceAlive;
    EventConsumerCounters m_counters;
};

// The event id of a delivery: its Nats-Msg-Id, or "<stream>:<seq>" when it has none.
QString eventIdOf(const bus::JsMessage& message);

} // namespace openopd::host
