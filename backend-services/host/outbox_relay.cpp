#include "host/outbox_relay.h"

#include <QDateTime>
#include <QDebug>
#include <QTimer>
#include <QTimerEvent>

namespace openopd::host {
namespace {
int ms(std::chrono::milliseconds duration)
{
    return static_cast<int>(duration.count());
}
constexpr int kPurgeIntervalMs = 60 * 60 * 1000;
} // namespace

OutboxRelay::OutboxRelay(Database& db, bus::Connection& bus, const FaultPoints& faults,
                         Options options, QObject* parent)
    : QObject(parent), m_db(db), m_bus(bus), m_faults(faults), m_options(options),
      m_reconciler(new OutboxReconciler(db, bus, options.reconcile, this))
{
    connect(m_reconciler, &OutboxReconciler::finished, this, &OutboxRelay::onReconciled);
    connect(&m_bus, &bus::Connection::stateChanged, this, [this](bus::Connection::State state) {
        if (state == bus::Connection::State::Connected) {
            reconcile();
            poke();
        } else {
            // The server may have restarted and lost what it had not written to disk.
            m_needReconcile = true;
        }
    });
}

void OutboxRelay::start()
{
    m_running = true;
    m_poll.start(ms(m_options.pollInterval), this);
    m_purge.start(kPurgeIntervalMs, this);
    purgeOldRows();
    reconcile();
    poke();
}

void OutboxRelay::reconcile()
{
    // Publishes in flight settle first (acked or failed), so the check sees their rows.
    if (!m_needReconcile || !m_running || m_reconciler->isRunning() || !m_inFlight.isEmpty() ||
        m_bus.state() != bus::Connection::State::Connected)
        return;
    m_needReconcile = false;
    m_reconciler->run();
}

void OutboxRelay::onReconciled(int requeued, bool complete)
{
    // An incomplete check is not retried before the next reconnect or start: publishing must
    // not wait on it (it is logged).
    Q_UNUSED(complete);
    if (requeued > 0)
        qWarning().noquote() << "outbox:" << requeued
                             << "events the stream no longer holds are published again";
    m_requeued += static_cast<quint64>(requeued);
    Q_EMIT reconciled(requeued, complete);
    m_after = 0;
    poke();
}

void OutboxRelay::poke()
{
    if (m_pumpScheduled || !m_running)
        return;
    m_pumpScheduled = true;
    // Coalesces the pokes of one event-loop turn (many commits) into one SELECT.
    QTimer::singleShot(0, this, [this] {
        m_pumpScheduled = false;
        pump();
    });
}

void OutboxRelay::pokeAfterCommit()
{
    if (m_writesCaughtUp == m_db.outboxWrites())
        return;
    poke();
}

void OutboxRelay::pump()
{
    if (!m_running || m_bus.state() != bus::Connection::State::Connected || m_retry.isActive() ||
        m_needReconcile || m_reconciler->isRunning())
        return;
    // Inside an open group commit this connection sees rows that are not committed yet: an
    // event published now would outlive a crash that loses its change. The group's end pokes.
    if (m_db.inGroup())
        return;
    const int room = m_options.maxInFlight - inFlight();
    if (room <= 0)
        return;
    QList<OutboxRow> rows;
    QString error;
    // Rows in flight or awaiting their sent mark are read again by a scan from the oldest
    // unsent row, and skipped: the limit leaves room for them.
    const int limit = qMin(room, m_options.batchSize);
    const int skippable = inFlight() + static_cast<int>(m_awaitingMark.size());
    const quint64 writes = m_db.outboxWrites();
    m_writesCaughtUp.reset();
    if (!loadUnsent(m_db, m_after, limit + skippable, &rows, &error)) {
        qWarning().noquote() << "outbox: cannot read unsent events:" << error;
        m_retry.start(ms(m_options.retryDelay), this);
        return;
    }
    bus::RequestOptions requestOptions;
    requestOptions.timeout = m_options.publishTimeout;
    const bool maybeMore = rows.size() == limit + skippable;
    bool leftBehind = maybeMore;
    for (const OutboxRow& row : std::as_const(rows)) {
        if (m_inFlight.contains(row.seq) || m_awaitingMark.contains(row.seq)) {
            m_after = qMax(m_after, row.seq);
            continue;
        }
        // The cursor stays below a row left behind: the next scan starts with it (it waited
        // for the poll's rescan before).
        if (inFlight() >= m_options.maxInFlight) {
            leftBehind = true;
            break;
        }
        m_after = qMax(m_after, row.seq);
        m_inFlight.insert(row.seq);
        const qint64 seq = row.seq;
        const QString eventId = row.event.eventId;
        bus::publishDurable(
            m_bus, row.event.subject, row.event.payload, eventId.toUtf8(), this,
            [this, seq, eventId](bus::Result<bus::PublishAck> ack) {
                onAck(seq, eventId, std::move(ack));
            },
            requestOptions);
    }
    if (maybeMore && inFlight() < m_options.maxInFlight)
        poke();
    if (!leftBehind)
        m_writesCaughtUp = writes;
    checkFlushed();
}

void OutboxRelay::onAck(qint64 seq, const QString& eventId, bus::Result<bus::PublishAck> ack)
{
    m_inFlight.remove(seq);
    if (!ack) {
        qWarning().noquote() << "outbox: publishing" << eventId
                             << "failed, will retry:" << ack.error().toString();
        Q_EMIT errorOccurred(ack.error());
        m_after = qMin(m_after, seq - 1); // select it again after the retry delay
        if (!m_retry.isActive())
            m_retry.start(ms(m_options.retryDelay), this);
        reconcile(); // waits for the publishes in flight
        return;
    }
    m_faults.hit(QString::fromLatin1(fault::kAfterPublish));
    m_acked.append({seq, ack->sequence});
    m_awaitingMark.insert(seq);
    ++m_published;
    Q_EMIT published(eventId, ack->sequence, ack->duplicate);
    scheduleMarks();
}

void OutboxRelay::scheduleMarks()
{
    // Flushing (shutdown): at once. Otherwise a group commit may carry them meanwhile.
    if (!m_markTimer.isActive() || m_flushing)
        m_markTimer.start(m_flushing ? 0 : ms(m_options.markDelay), this);
}

bool OutboxRelay::writeMarks(QString* error)
{
    const QString now = SqlDialect::utcTimestamp(QDateTime::currentDateTimeUtc());
    for (const auto& [seq, streamSeq] : std::as_const(m_acked))
        if (!m_db.run(QStringLiteral("UPDATE outbox SET sent_at = ?, stream_seq = ? WHERE seq = ?"),
                      {now, static_cast<qint64>(streamSeq), seq}, error))
            return false;
    return true;
}

void OutboxRelay::markSentInGroup()
{
    if (m_acked.isEmpty() || !m_db.inGroup())
        return;
    QString error;
    const Database::Step step = m_db.savepoint(
        [&](QSqlDatabase&, QString* stepError) { return writeMarks(stepError); }, &error);
    if (step != Database::Step::Kept) { // left for a transaction of their own
        qWarning().noquote() << "outbox: cannot mark events sent in the group:" << error;
        return;
    }
    for (const auto& [seq, streamSeq] : std::as_const(m_acked))
        m_markedInGroup.append(seq);
    m_acked.clear();
    m_markTimer.stop();
}

void OutboxRelay::groupEnded(bool committed)
{
    if (m_markedInGroup.isEmpty())
        return;
    for (const qint64 seq : std::as_const(m_markedInGroup))
        m_awaitingMark.remove(seq);
    m_markedInGroup.clear();
    if (!committed) {
        m_after = 0; // the rows are unsent again: published again, dropped by the stream
        m_writesCaughtUp.reset();
    }
    reconcile();
    checkFlushed();
}

void OutboxRelay::markSent()
{
    if (m_acked.isEmpty())
        return;
    if (m_db.inGroup()) { // the group's end carries them (ServiceHost::endGroup)
        scheduleMarks();
        return;
    }
    QString error;
    const bool ok = m_db.transaction(
        [&](QSqlDatabase&, QString* workError) { return writeMarks(workError); }, &error);
    const auto acked = std::exchange(m_acked, {});
    for (const auto& [seq, streamSeq] : acked)
        m_awaitingMark.remove(seq);
    if (!ok) {
        // Not lost: the rows stay unsent and are republished later; the stream drops the
        // repeats by Nats-Msg-Id.
        qWarning().noquote() << "outbox: cannot mark events sent:" << error;
        m_after = 0;
    }
    reconcile(); // if one waits for the publishes in flight to settle
    checkFlushed();
    if (ok)
        poke();
}

void OutboxRelay::flush(std::chrono::milliseconds timeout)
{
    m_flushing = true;
    m_flushDeadline.start(ms(timeout), this);
    m_retry.stop();
    if (m_markTimer.isActive())
        scheduleMarks(); // now
    pump();
    checkFlushed();
}

void OutboxRelay::checkFlushed()
{
    if (!m_flushing || !m_inFlight.isEmpty() || !m_acked.isEmpty() || !m_markedInGroup.isEmpty())
        return;
    qint64 unsent = 0;
    QString error;
    if (!countUnsent(m_db, &unsent, &error) || unsent > 0)
        return;
    m_flushing = false;
    m_flushDeadline.stop();
    Q_EMIT flushed(true);
}

void OutboxRelay::purgeOldRows()
{
    // In batches, each its own short statement: a large backlog of old rows does not hold
    // the database's write lock (SQLite) for long.
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-m_options.keepSentDays);
    QString error;
    int deleted = 0;
    {
        auto query = m_db.run(
            QStringLiteral("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox "
                           "WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY sent_at LIMIT ?)"),
            {SqlDialect::utcTimestamp(cutoff), m_options.purgeBatch}, &error);
        if (!query) {
            qWarning().noquote() << "outbox: cannot purge old sent events:" << error;
            return;
        }
        deleted = query->numRowsAffected();
    }
    if (deleted >= m_options.purgeBatch)
        QTimer::singleShot(0, this, &OutboxRelay::purgeOldRows);
}

void OutboxRelay::timerEvent(QTimerEvent* event)
{
    const int id = event->timerId();
    if (id == m_poll.timerId()) {
        m_after = 0; // rows that committed out of order, below the cursor
        pump();
    } else if (id == m_retry.timerId()) {
        m_retry.stop();
        pump();
    } else if (id == m_markTimer.timerId()) {
        m_markTimer.stop();
        markSent();
    } else if (id == m_purge.timerId()) {
        purgeOldRows();
    } else if (id == m_flushDeadline.timerId()) {
        m_flushDeadline.stop();
        if (m_flushing) {
            m_flushing = false;
            Q_EMIT flushed(false);
        }
    } else {
        QObject::timerEvent(event);
    }
}

} // namespace openopd::host
