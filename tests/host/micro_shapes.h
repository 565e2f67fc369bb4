#pragma once

// Checks a $SRV reply against the shapes nats.go/micro produces and the jsm.go schemas
// (schemas/micro/v1/{ping,info,stats}_response.json) require. Returns "" or what is wrong.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace openopd::testing {

QString checkString(const QJsonObject& o, const QString& key, bool nonEmpty = true);
// Every value of key is a JSON object of strings.
QString checkStringMap(const QJsonObject& o, const QString& key);
// Every occurrence of key in the raw JSON text is an integer (Go decodes int64 and
// time.Duration: no fraction, no exponent).
QString checkInteger(const QByteArray& raw, const QJsonObject& o, const QString& key);
// type, name (pattern), id, version (SemVer), metadata.
QString checkIdentity(const QJsonObject& o, const QString& type);
// The whole reply to "PING", "INFO" or "STATS".
QString checkShape(const QString& verb, const QByteArray& raw, const QJsonObject& o);

} // namespace openopd::testing
