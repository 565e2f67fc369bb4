#pragma once

// Synchronous-looking (event-loop-waiting) JetStream queries for tests.

#include "bus/connection.h"

#include <QJsonObject>

namespace openopd::testing {

// The JSON reply of $JS.API.<suffix>, or an empty object (and a warning) on failure.
QJsonObject jetStreamQuery(bus::Connection& bus, const QByteArray& suffix,
                           const QJsonObject& body = {});
// Messages stored in a stream on one subject (wildcards allowed); -1 on failure.
qint64 streamCount(bus::Connection& bus, const QString& stream, const QString& subject);
// Header block and data of the last message on subject, decoded; empty on failure.
struct StoredMessage
{
    QByteArray headers; // raw "NATS/1.0\r\nKey: value\r\n..." block
    QByteArray data;
};
StoredMessage lastMessage(bus::Connection& bus, const QString& stream, const QString& subject);
// A request whose reply is a JSON object; empty object on any error.
QJsonObject callJson(bus::Connection& bus, const QByteArray& subject, const QJsonObject& body,
                     int timeoutMs = 5000);

} // namespace openopd::testing
