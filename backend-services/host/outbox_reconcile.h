#pragma once

// After an unclean stop of nats-server the stream may have lost events it had acknowledged:
// nats-server 2.9 fsyncs JetStream only every two minutes, while the outbox (SQLite FULL,
// PostgreSQL) already marked them sent. The reconciler compares the service's own recent sent
// rows with the stream and marks the lost ones unsent again, so the relay republishes them
// (their Nats-Msg-Id drops whatever the stream still holds).
//
// Several services publish into OPD_EVENTS, so a service can only check its own rows: each
// sent row keeps the stream sequence its publish was acknowledged with, and the message at
// that sequence must carry the row's event id. A lost tail means every row above some
// sequence is gone (or its sequence now holds another message, published after the restart),
// so the rows are checked newest first, until a run of rows is found intact or the rows are
// older than the window.

#include "bus/connection.h"
#include "host/database.h"

#include <QDateTime>
#include <QObject>
#include <chrono>

namespace openopd::host {

struct OutboxRowRef
{
    qint64 seq = 0;
    qint64 streamSeq = 0;
    QString eventId;
};

class OutboxReconciler final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QByteArray stream = QByteArrayLiteral("OPD_EVENTS");
        // Intact rows in a row that end the check. Must exceed the relay's publishes in
        // flight: acks that arrive after a reconnect are intact rows above the lost ones.
        int confirmRun = 257;
        std::chrono::hours window{48}; // sent rows older than this are not checked
        int pageSize = 64;             // rows (and message lookups in flight) per round
    };

    OutboxReconciler(Database& db, bus::Connection& bus, Options options,
                     QObject* parent = nullptr);

    // Starts a check; finished() follows once. Ignored while one is running.
    void run();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    // requeued: rows marked unsent again. complete false: the check stopped on an error
    // (logged); what it found up to then is requeued.
    void finished(int requeued, bool complete);

private:
    void onStreamInfo(const QJsonObject& info);
    void loadPage();
    void checkPage();
    void onLookup(int index, bus::Result<QJsonObject> reply);
    void settlePage();
    void finish(bool complete);

    Database& m_db;
    bus::Connection& m_bus;
    Options m_options;
    bool m_running = false;
    QDateTime m_since;
    quint64 m_firstSeq = 0;
    quint64 m_lastSeq = 0;
    // Keyset of the next page: rows below (streamSeq, seq).
    qint64 m_belowStreamSeq = 0;
    qint64 m_belowSeq = 0;
    bool m_first = true;
    QList<OutboxRowRef> m_page;
    QList<int> m_state; // per page row: 0 pending, 1 intact, 2 lost, 3 too old
    int m_pending = 0;
    int m_intactRun = 0;
    int m_requeued = 0;
    int m_checked = 0;
    QString m_error;
};

// The Nats-Msg-Id in a header block ("NATS/1.0\r\nName: value\r\n..."); empty when none.
QByteArray msgIdFromHeaders(const QByteArray& headers);

} // namespace openopd::host
