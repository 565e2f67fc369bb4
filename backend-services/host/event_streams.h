#pragma once

// The JetStream streams every service relies on. Created by the first service up on a fresh
// server. A stream that exists is left as it is: the operator owns its settings (replicas,
// limits, ages) from then on, and a service start only warns about what the platform needs
// and does not find (its subjects, file storage, discard new, a duplicate window).

#include "bus/connection.h"

#include <QJsonObject>
#include <QStringList>
#include <functional>

namespace openopd::host {

inline constexpr char kEventsStream[] = "OPD_EVENTS";
inline constexpr char kEventsSubjects[] = "opd.events.>";
inline constexpr char kDeadLetterStream[] = "OPD_DLQ";
inline constexpr char kDeadLetterPrefix[] = "opd.dlq.";

struct StreamSizing
{
    int replicas = 1;      // 3 on a hospital's JetStream cluster
    qint64 maxBytes = -1;  // -1: bounded by the server's max_file_store
    int maxAgeDays = 3650; // clinical events are kept for years
    // Window in which a repeated Nats-Msg-Id is dropped. It must cover an outbox relay's
    // restart after a crash; consumers are idempotent beyond it anyway.
    int duplicateWindowMinutes = 120;
};

// OPD_EVENTS on opd.events.>: file storage, limits retention, discard *new* when full so a
// full stream is a publish error (the outbox keeps the event), never a silent loss.
QJsonObject eventsStreamConfig(const StreamSizing& sizing = {});
// OPD_DLQ on opd.dlq.>: messages that kept failing, with the reason in headers.
QJsonObject deadLetterStreamConfig(const StreamSizing& sizing = {});

// What an existing stream's configuration lacks that the platform relies on, one line each
// (empty: nothing). Settings an operator may choose freely (replicas, max_bytes, max_age,
// max_msgs, description) are not compared.
QStringList streamConfigProblems(const QJsonObject& wanted, const QJsonObject& actual);

// Ensures both streams: creates a missing one with the given sizing; an existing one is not
// changed (problems are logged as warnings). done(error) runs once (error.isError() false on
// success).
void ensureOpdStreams(bus::Connection& connection, const StreamSizing& sizing, QObject* context,
                      std::function<void(const bus::BusError&)> done);

} // namespace openopd::host
