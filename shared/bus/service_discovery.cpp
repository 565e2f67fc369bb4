#include "bus/service_discovery.h"

#include "bus/json_reader.h"
#include "bus/micro_names.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTimer>

namespace openopd::bus {
namespace {

// Limits generous enough for any real service, small enough to refuse garbage.
constexpr qsizetype kMaxName = 256;
constexpr qsizetype kMaxText = 4096;
constexpr qsizetype kMaxSubject = 1024;
constexpr qsizetype kMaxEndpoints = 1000;
constexpr qint64 kMaxCount = qint64{1} << 53; // exact in a JSON number

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::bus::ServiceDiscovery", text);
}

using bus::micro::nameRegex;
using bus::micro::semVerRegex;

// Go's time.Time JSON: RFC 3339 with 0 to 9 fraction digits.
const QRegularExpression& rfc3339Regex()
{
    static const QRegularExpression regex(QRegularExpression::anchoredPattern(QStringLiteral(
        R"((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))")));
    return regex;
}

ServiceMetadata readMetadata(JsonReader& reader, const QJsonObject& object, const QString& name)
{
    ServiceMetadata metadata;
    const QJsonValue value = object.value(name);
    if (!reader.ok() || value.isNull())
        return metadata;
    if (value.isUndefined()) {
        reader.fail(name, tr("is required"));
        return metadata;
    }
    if (!value.isObject()) {
        reader.fail(name, tr("must be an object of strings"));
        return metadata;
    }
    const QJsonObject map = value.toObject();
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it.value().isString()) {
            reader.fail(name + u'.' + it.key(), tr("must be a string"));
            return {};
        }
        metadata.insert(it.key(), it.value().toString());
    }
    return metadata;
}

QString readMatching(JsonReader& reader, const QString& name, const QRegularExpression& regex,
                     const QString& what)
{
    const QString text = reader.requiredString(name, kMaxName);
    if (reader.ok() && !regex.match(text).hasMatch())
        reader.fail(name, what);
    return text;
}

ServicePing readIdentity(JsonReader& reader, const QJsonObject& object, const char* type)
{
    const QString actual = reader.requiredString(QStringLiteral("type"), kMaxName);
    if (reader.ok() && actual != QLatin1String(type))
        reader.fail(QStringLiteral("type"), tr("must be \"%1\"").arg(QLatin1String(type)));
    ServicePing ping;
    ping.name = readMatching(reader, QStringLiteral("name"), nameRegex(),
                             tr("must use only A-Z, a-z, 0-9, - and _"));
    ping.id = reader.requiredString(QStringLiteral("id"), kMaxName);
    ping.version = readMatching(reader, QStringLiteral("version"), semVerRegex(),
                                tr("must be a SemVer 2.0 version"));
    ping.metadata = readMetadata(reader, object, QStringLiteral("metadata"));
    return ping;
}

// The endpoints array; null reads as empty (Go's nil slice).
QJsonArray readEndpointArray(JsonReader& reader, const QJsonObject& object)
{
    if (reader.ok() && object.contains(QStringLiteral("endpoints")) &&
        object.value(QStringLiteral("endpoints")).isNull())
        return {};
    return reader.requiredArray(QStringLiteral("endpoints"), kMaxEndpoints);
}

template <class T, class F> Result<T> decodeObject(const QByteArray& json, F read)
{
    Result<QJsonObject> object = parseJsonObject(json);
    if (!object)
        return object.error();
    JsonReader reader(object.value());
    T value = read(reader, object.value());
    if (!reader.ok())
        return reader.error();
    return value;
}

} // namespace

Result<ServicePing> decodeServicePing(const QByteArray& json)
{
    return decodeObject<ServicePing>(json, [](JsonReader& reader, const QJsonObject& object) {
        return readIdentity(reader, object, "io.nats.micro.v1.ping_response");
    });
}

Result<ServiceInfo> decodeServiceInfo(const QByteArray& json)
{
    return decodeObject<ServiceInfo>(json, [](JsonReader& reader, const QJsonObject& object) {
        ServiceInfo info;
        info.identity = readIdentity(reader, object, "io.nats.micro.v1.info_response");
        info.description = reader.requiredString(QStringLiteral("description"), kMaxText, 0);
        const QJsonArray endpoints = readEndpointArray(reader, object);
        for (qsizetype i = 0; i < endpoints.size() && reader.ok(); ++i) {
            JsonReader e = reader.element(endpoints, QStringLiteral("endpoints"), i);
            ServiceEndpointInfo endpoint;
            endpoint.name = e.requiredString(QStringLiteral("name"), kMaxName);
            endpoint.subject = e.requiredString(QStringLiteral("subject"), kMaxSubject);
            endpoint.queueGroup = e.requiredString(QStringLiteral("queue_group"), kMaxName, 0);
            endpoint.metadata =
                readMetadata(e, endpoints.at(i).toObject(), QStringLiteral("metadata"));
            info.endpoints.append(endpoint);
        }
        return info;
    });
}

Result<ServiceStats> decodeServiceStats(const QByteArray& json)
{
    return decodeObject<ServiceStats>(json, [](JsonReader& reader, const QJsonObject& object) {
        ServiceStats stats;
        stats.identity = readIdentity(reader, object, "io.nats.micro.v1.stats_response");
        stats.startedText = reader.requiredString(QStringLiteral("started"), kMaxName);
        if (reader.ok()) {
            const auto match = rfc3339Regex().match(stats.startedText);
            if (match.hasMatch()) {
                // Qt reads milliseconds at most: keep three fraction digits.
                const QString fraction = QString(match.captured(2) + QStringLiteral("000")).left(3);
                stats.started = QDateTime::fromString(
                    match.captured(1) + u'.' + fraction + match.captured(3), Qt::ISODateWithMs);
            }
            if (!stats.started.isValid())
                reader.fail(QStringLiteral("started"), tr("must be an RFC 3339 time"));
            stats.started = stats.started.toUTC();
        }
        const QJsonArray endpoints = readEndpointArray(reader, object);
        for (qsizetype i = 0; i < endpoints.size() && reader.ok(); ++i) {
            JsonReader e = reader.element(endpoints, QStringLiteral("endpoints"), i);
            ServiceEndpointStats s;
            s.name = e.requiredString(QStringLiteral("name"), kMaxName);
            s.subject = e.requiredString(QStringLiteral("subject"), kMaxSubject);
            s.queueGroup = e.requiredString(QStringLiteral("queue_group"), kMaxName, 0);
            s.numRequests = e.requiredInt(QStringLiteral("num_requests"), 0, kMaxCount);
            s.numErrors = e.requiredInt(QStringLiteral("num_errors"), 0, kMaxCount);
            s.lastError = e.requiredString(QStringLiteral("last_error"), kMaxText, 0);
            s.processingTimeNs = e.requiredInt(QStringLiteral("processing_time"), 0, kMaxCount);
            s.averageProcessingTimeNs =
                e.requiredInt(QStringLiteral("average_processing_time"), 0, kMaxCount);
            stats.endpoints.append(s);
        }
        return stats;
    });
}

QByteArray serviceApiSubject(ServiceVerb verb, const QString& name, const QString& id)
{
    static constexpr const char* kVerbs[] = {"PING", "INFO", "STATS"};
    QByteArray subject = QByteArrayLiteral("$SRV.") + kVerbs[static_cast<int>(verb)];
    if (!name.isEmpty())
        subject += '.' + name.toUtf8();
    if (!name.isEmpty() && !id.isEmpty())
        subject += '.' + id.toUtf8();
    return subject;
}

namespace {

// Subscribes a fresh inbox, sends the request with it as the reply subject, and hands every
// reply to done after window. A child of context: gone with it, and nothing is called.
template <class T>
void discover(Connection& connection, ServiceVerb verb, const QString& name,
              std::chrono::milliseconds window, QObject* context,
              Result<T> (*decode)(const QByteArray&), std::function<void(Discovery<T>)> done)
{
    auto* collector = new QObject(context);
    auto result = std::make_shared<Discovery<T>>();
    const QByteArray subject = serviceApiSubject(verb, name);
    const QByteArray inbox = connection.newInbox();
    auto finish = [collector, result, done] {
        collector->deleteLater(); // also ends the inbox subscription
        done(std::move(*result));
    };
    if (inbox.isEmpty() || connection.state() != Connection::State::Connected) {
        result->error = BusError::make(BusError::Kind::NotConnected,
                                       tr("not connected to the message server"), subject);
        QTimer::singleShot(0, collector, finish); // never from inside the call
        return;
    }
    connection.subscribe(inbox, collector, [result, decode](const Message& reply) {
        if (reply.status == 503)
            return; // the server's "no responders": nobody is there
        Result<T> decoded = decode(reply.data);
        if (decoded) {
            result->services.append(decoded.value());
            return;
        }
        BusError error = decoded.error();
        error.subject = reply.subject;
        result->invalid.append(error);
    });
    if (const BusError error = connection.publish(subject, {}, {}, inbox); error.isError()) {
        result->error = error;
        QTimer::singleShot(0, collector, finish);
        return;
    }
    QTimer::singleShot(window, collector, finish);
}

} // namespace

void discoverPing(Connection& connection, const QString& name, std::chrono::milliseconds window,
                  QObject* context, std::function<void(Discovery<ServicePing>)> done)
{
    discover<ServicePing>(connection, ServiceVerb::Ping, name, window, context, &decodeServicePing,
                          std::move(done));
}

void discoverInfo(Connection& connection, const QString& name, std::chrono::milliseconds window,
                  QObject* context, std::function<void(Discovery<ServiceInfo>)> done)
{
    discover<ServiceInfo>(connection, ServiceVerb::Info, name, window, context, &decodeServiceInfo,
                          std::move(done));
}

void discoverStats(Connection& connection, const QString& name, std::chrono::milliseconds window,
                   QObject* context, std::function<void(Discovery<ServiceStats>)> done)
{
    discover<ServiceStats>(connection, ServiceVerb::Stats, name, window, context,
                           &decodeServiceStats, std::move(done));
}

} // namespace openopd::bus
