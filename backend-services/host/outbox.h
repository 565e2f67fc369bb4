#pragma once

// The transactional outbox: a service writes its state change and the event announcing it
// in one database transaction; OutboxRelay publishes the event afterwards. A crash between
// the commit and the publish therefore loses nothing (the row waits), and a crash between
// the publish and marking the row sent duplicates nothing (the republish carries the same
// Nats-Msg-Id, which the stream drops).

#include "host/database.h"

#include <QByteArray>
#include <QString>

namespace openopd::host {

struct OutboxEvent
{
    QString eventId;    // unique; becomes the Nats-Msg-Id
    QByteArray subject; // opd.events.<aggregate>.<event>
    QByteArray payload; // the encoded event
};

// Call inside Database::transaction(): adds the event to the outbox. A repeated event id is
// an error (the caller reused an id), not a silent no-op.
bool enqueueEvent(Database& db, const OutboxEvent& event, QString* error);

// Unsent events, oldest first, after the given outbox sequence number.
struct OutboxRow
{
    qint64 seq = 0;
    OutboxEvent event;
};
bool loadUnsent(Database& db, qint64 afterSeq, int limit, QList<OutboxRow>* rows, QString* error);
bool countUnsent(Database& db, qint64* count, QString* error);

} // namespace openopd::host
