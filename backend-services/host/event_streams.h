#pragma once

// The JetStream streams every service relies on. Created (or updated) idempotently by each
// service at start, so the first service up on a fresh server sets them up.

#include "bus/connection.h"

#include <QJsonObject>
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

// Ensures both streams; done(error) runs once (error.isError() false on success).
void ensureOpdStreams(bus::Connection& connection, const StreamSizing& sizing, QObject* context,
                      std::function<void(const bus::BusError&)> done);

} // namespace openopd::host
