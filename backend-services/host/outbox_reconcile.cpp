#include "host/outbox_reconcile.h"

#include "bus/jetstream.h"
#include "host/sql_dialect.h"

#include <QDebug>
#include <QTimer>

namespace openopd::host {
namespace {
constexpr int kNoMessageFound = 10037; // JSNoMessageFoundErr
enum RowState { Pending, Intact, Lost, TooOld };
} // namespace

QByteArray msgIdFromHeaders(const QByteArray& headers)
{
    for (const QByteArray& line : headers.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 &&
            line.left(colon).trimmed().compare("Nats-Msg-Id", Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

OutboxReconciler::OutboxReconciler(Database& db, bus::Connection& bus, Options options,
                                   QObject* parent)
    : QObject(parent), m_db(db), m_bus(bus), m_options(std::move(options))
{}

void OutboxReconciler::run()
{
    if (m_running)
        return;
    m_running = true;
    m_first = true;
    m_intactRun = 0;
    m_requeued = 0;
    m_checked = 0;
    m_error.clear();
    m_since = QDateTime::currentDateTimeUtc().addSecs(
        -std::chrono::duration_cast<std::chrono::seconds>(m_options.window).count());
    bus::jetStreamApi(m_bus, QByteArrayLiteral("STREAM.INFO.") + m_options.stream, {}, this,
                      [this](bus::Result<QJsonObject> info) {
                          if (!info) {
                              m_error = info.error().toString();
                              finish(false);
                              return;
                          }
                          onStreamInfo(*info);
                      });
}

void OutboxReconciler::onStreamInfo(const QJsonObject& info)
{
    const QJsonObject state = info.value(QStringLiteral("state")).toObject();
    m_firstSeq = static_cast<quint64>(state.value(QStringLiteral("first_seq")).toInteger());
    m_lastSeq = static_cast<quint64>(state.value(QStringLiteral("last_seq")).toInteger());
    loadPage();
}

void OutboxReconciler::loadPage()
{
    QString sql = QStringLiteral("SELECT seq, stream_seq, event_id FROM outbox "
                                 "WHERE stream_seq IS NOT NULL AND sent_at IS NOT NULL "
                                 "AND sent_at >= ? ");
    QVariantList values{SqlDialect::utcTimestamp(m_since)};
    if (!m_first) {
        sql += QStringLiteral("AND (stream_seq < ? OR (stream_seq = ? AND seq < ?)) ");
        values << m_belowStreamSeq << m_belowStreamSeq << m_belowSeq;
    }
    sql += QStringLiteral("ORDER BY stream_seq DESC, seq DESC LIMIT ?");
    values << m_options.pageSize;
    m_page.clear();
    {
        auto query = m_db.run(sql, values, &m_error);
        if (!query) {
            finish(false);
            return;
        }
        while (query->next())
            m_page.append({query->value(0).toLongLong(), query->value(1).toLongLong(),
                           query->value(2).toString()});
    }
    if (m_page.isEmpty()) {
        finish(true);
        return;
    }
    m_first = false;
    m_belowStreamSeq = m_page.last().streamSeq;
    m_belowSeq = m_page.last().seq;
    checkPage();
}

void OutboxReconciler::checkPage()
{
    m_state = QList<int>(m_page.size(), Pending);
    m_pending = 0;
    for (int i = 0; i < m_page.size(); ++i) {
        const auto streamSeq = static_cast<quint64>(m_page[i].streamSeq);
        if (streamSeq > m_lastSeq) {
            m_state[i] = Lost; // beyond the stream's end: no lookup needed
        } else if (streamSeq < m_firstSeq) {
            m_state[i] = TooOld; // removed by the stream's limits, not lost
        } else {
            ++m_pending;
            bus::jetStreamApi(
                m_bus, QByteArrayLiteral("STREAM.MSG.GET.") + m_options.stream,
                {{QStringLiteral("seq"), m_page[i].streamSeq}}, this,
                [this, i](bus::Result<QJsonObject> reply) { onLookup(i, std::move(reply)); });
        }
    }
    if (m_pending == 0)
        settlePage();
}

void OutboxReconciler::onLookup(int index, bus::Result<QJsonObject> reply)
{
    if (reply) {
        const QJsonObject message = reply->value(QStringLiteral("message")).toObject();
        const QByteArray headers =
            QByteArray::fromBase64(message.value(QStringLiteral("hdrs")).toString().toLatin1());
        m_state[index] =
            msgIdFromHeaders(headers) == m_page[index].eventId.toUtf8() ? Intact : Lost;
    } else if (reply.error().code == kNoMessageFound) {
        m_state[index] = Lost;
    } else if (m_error.isEmpty()) {
        m_error = reply.error().toString();
    }
    if (--m_pending == 0)
        settlePage();
}

void OutboxReconciler::settlePage()
{
    if (!m_error.isEmpty()) {
        finish(false);
        return;
    }
    bool done = false; // a run of intact rows, or rows older than the stream holds
    QList<OutboxRowRef> lost;
    for (int i = 0; i < m_page.size() && !done; ++i) {
        ++m_checked;
        if (m_state[i] == Lost) {
            lost.append(m_page[i]);
            m_intactRun = 0;
        } else if (m_state[i] == TooOld || ++m_intactRun >= m_options.confirmRun) {
            done = true;
        }
    }
    if (!lost.isEmpty()) {
        const bool ok = m_db.transaction(
            [&](QSqlDatabase&, QString* error) {
                // Only if the row is still as read: a relay may have republished it meanwhile.
                QSqlQuery update = m_db.prepare(
                    QStringLiteral("UPDATE outbox SET sent_at = NULL, stream_seq = NULL "
                                   "WHERE seq = ? AND stream_seq = ?"),
                    error);
                for (const OutboxRowRef& row : std::as_const(lost))
                    if (!Database::exec(update, {row.seq, row.streamSeq}, error))
                        return false;
                return true;
            },
            &m_error);
        if (!ok) {
            finish(false);
            return;
        }
        m_requeued += static_cast<int>(lost.size());
        for (const OutboxRowRef& row : std::as_const(lost))
            qWarning().noquote() << "outbox: event" << row.eventId << "is no longer at sequence"
                                 << row.streamSeq << "of" << QString::fromUtf8(m_options.stream)
                                 << "(lost in an unclean stop of nats-server?); republishing it";
    }
    if (done || m_page.size() < m_options.pageSize)
        finish(true);
    else
        QTimer::singleShot(0, this, &OutboxReconciler::loadPage);
}

void OutboxReconciler::finish(bool complete)
{
    if (!complete)
        qWarning().noquote() << "outbox: cannot compare the sent events with the stream:"
                             << m_error;
    else
        qInfo().noquote() << "outbox: checked" << m_checked << "recent sent events against"
                          << QString::fromUtf8(m_options.stream) << "(last sequence" << m_lastSeq
                          << "):" << m_requeued << "lost";
    m_running = false;
    m_page.clear();
    Q_EMIT finished(m_requeued, complete);
}

} // namespace openopd::host
