#pragma once

// What the NATS Service API (ADR-32, nats.go/micro) accepts as a service or endpoint name and
// as a version: shared by the service side (host/micro_json) and the client's decoders
// (service_discovery), so both hold the same rule.

#include <QRegularExpression>

namespace openopd::bus::micro {

// nats.go/micro: nameRegexp = `^[A-Za-z0-9\-_]+$`.
inline const QRegularExpression& nameRegex()
{
    static const QRegularExpression regex(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_-]+"))); // no final \n
    return regex;
}

// The regular expression suggested by semver.org, as used by nats.go/micro (semVerRegexp) and
// the jsm.go schemas.
inline const QRegularExpression& semVerRegex()
{
    static const QRegularExpression regex(QRegularExpression::anchoredPattern(QStringLiteral(
        R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
        R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
        R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)")));
    return regex;
}

} // namespace openopd::bus::micro
