#pragma once

// The NATS Service API ("micro", ADR-32) wire shapes, as pure functions. Field names, types and
// `type` strings follow the official Go client, nats.go/micro/service.go (structs Ping, Info,
// EndpointInfo, Stats, EndpointStats, ServiceIdentity; nameRegexp, semVerRegexp) and the JSON
// schemas `nats micro` validates against, nats-io/jsm.go schemas/micro/v1/{ping,info,stats}_
// response.json. Durations are Go time.Duration (integer nanoseconds); `started` is Go's
// time.Time JSON (RFC 3339 with up to nine fraction digits, trailing zeros trimmed, UTC "Z").

#include <QJsonObject>
#include <QList>
#include <QString>
#include <chrono>

namespace openopd::host {

inline constexpr char kPingResponseType[] = "io.nats.micro.v1.ping_response";
inline constexpr char kInfoResponseType[] = "io.nats.micro.v1.info_response";
inline constexpr char kStatsResponseType[] = "io.nats.micro.v1.stats_response";
inline constexpr char kDefaultQueueGroup[] = "q";
inline constexpr char kServiceApiPrefix[] = "$SRV";

struct MicroServiceConfig
{
    QString name;         // the service's kind, shared by its instances: ^[A-Za-z0-9_-]+$
    QString version;      // SemVer 2.0
    QString description;  // free text, may be empty
    QJsonObject metadata; // string -> string, immutable once the service exists
};

// One endpoint as INFO and STATS report it.
struct EndpointRecord
{
    QString name;
    QString subject;
    QString queueGroup = QString::fromLatin1(kDefaultQueueGroup);
    QJsonObject metadata;
    qint64 numRequests = 0;
    qint64 numErrors = 0;
    QString lastError; // "<code>:<description>" like Go's serviceError; "" when none
    qint64 processingTimeNs = 0;

    // Go: ProcessingTime / NumRequests, truncated; 0 without requests.
    qint64 averageProcessingTimeNs() const
    {
        return numRequests > 0 ? processingTimeNs / numRequests : 0;
    }
};

struct ServiceIdentity
{
    QString name;
    QString id;
    QString version;
    QJsonObject metadata;
};

bool isValidServiceName(const QString& name);
bool isValidSemVer(const QString& version);
// Empty when valid, else a translated message naming the bad field.
QString validateConfig(const MicroServiceConfig& config);
QString validateMetadata(const QJsonObject& metadata, const QString& what);

QJsonObject pingResponse(const ServiceIdentity& identity);
QJsonObject infoResponse(const ServiceIdentity& identity, const QString& description,
                         const QList<EndpointRecord>& endpoints);
QJsonObject statsResponse(const ServiceIdentity& identity, const QString& started,
                          const QList<EndpointRecord>& endpoints);

// Go's time.Time JSON for a UTC instant: "2006-01-02T15:04:05.999999999Z" (fraction trimmed).
QString formatRfc3339Nano(std::chrono::system_clock::time_point when);

// "$SRV.<VERB>", "$SRV.<VERB>.<name>", "$SRV.<VERB>.<name>.<id>" (empty parts left out).
QByteArray controlSubject(const QString& verb, const QString& name = {}, const QString& id = {});

} // namespace openopd::host
