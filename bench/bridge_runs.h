#pragma once

// The bridge side of `opd-bench bridge`: a bus::Connection on the main thread, driven by a
// QEventLoop, doing what raw_nats.h does with nats.c directly.

#include "bus/connection.h"
#include "bus/contract.h"
#include "raw_nats.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <vector>

namespace openopd::bench {

// The echo endpoint answered by RawResponder (raw bytes in, the same bytes out).
inline constexpr bus::Endpoint<QByteArray, QByteArray> kEcho{"opd.bench.echo"};

// Opens a connection with default options (sendAsap on) and runs the event loop until it
// is Connected; null (and the reason on stderr) otherwise.
std::unique_ptr<bus::Connection> connectBridge(const QString& url);

// warmup + count sequential typed requests to kEcho, each issued from the previous reply's
// callback; appends the last count round trips (microseconds) to samples. False on failure.
bool bridgeRequestLoop(bus::Connection& connection, const QByteArray& payload, int warmup,
                       int count, std::vector<double>& samples);

// Connection::subscribe (capacity count + 1, so nothing is dropped) counts count messages
// sent by a PublisherThread on publisher; the handler runs on the main thread.
EventRun bridgeEventRun(bus::Connection& connection, natsConnection* publisher,
                        const std::string& subject, const QByteArray& payload, int count);

} // namespace openopd::bench
