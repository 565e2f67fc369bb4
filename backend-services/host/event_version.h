#pragma once

// The schema version ("v") of an event, read before the event is handled: a consumer leaves
// events newer than it understands for a newer instance (event_consumer.h).

#include <QByteArray>

namespace openopd::host {

// The schema version an event payload carries as "v" (1 when absent, 0 when the payload is
// not a JSON object: such an event is its handler's to judge).
//
// Every consumer asks this of every event, and the handler then parses the event anyway: so
// the top level is scanned for "v" without building a document (a full parse was about 5 %
// of audit's CPU under load). A version above knownVersion, the rare case that decides
// something without the handler, is confirmed by a full parse; below it, a payload that is
// malformed elsewhere still fails in its handler's decoder, as before.
int eventSchemaVersion(const QByteArray& payload, int knownVersion);

// The same by a full parse (QJsonDocument): the reference the scan must agree with.
int eventSchemaVersionParsed(const QByteArray& payload);

} // namespace openopd::host
