#pragma once

#include "bus/connection.h"
#include "bus/jetstream.h"
#include "host/database.h"
#include "host/fault_points.h"
#include "host/outbox.h"
#include "host/outbox_reconcile.h"

#include <QBasicTimer>
#include <QObject>
#include <QSet>
#include <chrono>
#include <optional>

namespace openopd::host {

// Publishes outbox rows to JetStream with Nats-Msg-Id = event id, and marks a row sent only
// after the stream acknowledged it. Pipelined (up to maxInFlight publishes at once); sent
// marks ride along with the service's next group commit (markSentInGroup(), called by
// ServiceHost), or get a transaction of their own after markDelay: under load they cost no
// commit (no fsync) of their own. A mark lost in a crash only means the row is published
// again, and the stream drops the repeat by its Nats-Msg-Id. Runs on the service's thread.
// If a publish fails, the row is retried after retryDelay: a later event of the same service
// may then reach the stream first (consumers must not assume cross-event order).
// Outbox sequence numbers may commit out of order (several instances on PostgreSQL, or one
// instance's concurrent transactions): a row may appear below the cursor after the relay has
// passed it. Every poll therefore scans again from the oldest unsent row (cheap through the
// partial index outbox_unsent), so such a row waits at most one poll interval.
// At start and after every reconnect to nats-server, publishing pauses until an
// OutboxReconciler has compared the recent sent rows with the stream and requeued what the
// stream lost (see outbox_reconcile.h).
class OutboxRelay final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int batchSize = 200;
        int maxInFlight = 256;
        std::chrono::milliseconds pollInterval{1000}; // catches rows nobody poked about
        std::chrono::milliseconds retryDelay{2000};
        std::chrono::milliseconds publishTimeout{5000};
        // How long acknowledged rows wait for a group commit to carry their sent marks.
        std::chrono::milliseconds markDelay{100};
        // Sent rows are kept this long (for inspection and for the check after a lost
        // stream tail, which looks at the last reconcileWindow of them), then deleted in
        // batches of purgeBatch rows.
        int keepSentDays = 7;
        int purgeBatch = 1000;
        OutboxReconciler::Options reconcile;
    };

    OutboxRelay(Database& db, bus::Connection& bus, const FaultPoints& faults, Options options,
                QObject* parent = nullptr);
    OutboxRelay(Database& db, bus::Connection& bus, const FaultPoints& faults,
                QObject* parent = nullptr)
        : OutboxRelay(db, bus, faults, Options{}, parent)
    {}

    void start();
    // New rows were committed: publish them now rather than at the next poll.
    void poke();
    // A transaction committed: poke() unless no outbox row was written on this connection
    // since a scan that left nothing behind (a consumer's batch that published nothing
    // costs no SELECT; rows of other instances wait for the poll, as they always could).
    void pokeAfterCommit();
    // For shutdown: publishes what is left, then emits flushed(true) once nothing is unsent
    // and nothing is in flight, or flushed(false) after timeout.
    void flush(std::chrono::milliseconds timeout);
    int inFlight() const { return static_cast<int>(m_inFlight.size()); }
    quint64 publishedCount() const { return m_published; }
    // Rows the reconciler found lost by the stream and queued again, since start.
    quint64 requeuedCount() const { return m_requeued; }
    bool isReconciling() const { return m_reconciler->isRunning(); }

    // Inside an open group commit, right before it ends: writes the pending sent marks into
    // it (in a savepoint). groupEnded() must follow with the group's outcome.
    void markSentInGroup();
    // The group ended: marks written into it are durable (committed) or gone (the rows will
    // be published again, and the stream drops the repeats).
    void groupEnded(bool committed);

Q_SIGNALS:
    void published(const QString& eventId, quint64 streamSequence, bool duplicate);
    // A comparison with the stream ended (requeued rows are being republished).
    void reconciled(int requeued, bool complete);
    void flushed(bool complete);
    void errorOccurred(const openopd::bus::BusError& error);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    void pump();
    void onAck(qint64 seq, const QString& eventId, bus::Result<bus::PublishAck> ack);
    void markSent();
    // UPDATEs the sent marks of m_acked; false and *error when one fails.
    bool writeMarks(QString* error);
    void scheduleMarks();
    void checkFlushed();
    void purgeOldRows();
    void reconcile();
    void onReconciled(int requeued, bool complete);

    Database& m_db;
    bus::Connection& m_bus;
    const FaultPoints& m_faults;
    Options m_options;
    bool m_running = false;
    bool m_pumpScheduled = false;
    qint64 m_after = 0; // highest outbox seq handed to a publish
    // Database::outboxWrites() at the last scan that published every row it found; none
    // written since: nothing of this connection's is waiting.
    std::optional<quint64> m_writesCaughtUp;
    QSet<qint64> m_inFlight;
    QSet<qint64> m_awaitingMark; // acked, not marked sent yet: not to be published again
    OutboxReconciler* m_reconciler = nullptr;
    bool m_needReconcile = true; // at start and after the connection was lost
    quint64 m_requeued = 0;
    QList<std::pair<qint64, quint64>> m_acked; // outbox seq, stream seq: to be marked sent
    QList<qint64> m_markedInGroup; // marks written into the open group, not committed yet
    quint64 m_published = 0;
    bool m_flushing = false;
    QBasicTimer m_poll;
    QBasicTimer m_retry;
    QBasicTimer m_flushDeadline;
    QBasicTimer m_purge;
    QBasicTimer m_markTimer;
};

} // namespace openopd::host
