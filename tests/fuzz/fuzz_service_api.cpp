// fuzz_service_api: the $SRV builders (host/micro_json.h) against the client's decoders
// (bus/service_discovery.h). Two directions:
//   byte 0 even: the rest is a PING / INFO / STATS reply; what decodes is built again with the
//                host's builder and must decode to the same values;
//   byte 0 odd:  the rest is the builders' inputs (names, version, id, metadata, endpoints,
//                counters, start time); whatever the host accepts (validateConfig, and the
//                limits below that the host's own values keep) must decode to what went in.

#include "bus/service_discovery.h"
#include "fuzz_check.h"
#include "host/micro_json.h"

#include <QJsonDocument>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>

using namespace openopd;

namespace {

constexpr qint64 kMaxCount = qint64{1} << 53;

QByteArray bytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject toJson(const bus::ServiceMetadata& metadata)
{
    QJsonObject object;
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        object.insert(it.key(), it.value());
    return object;
}

host::ServiceIdentity identityOf(const bus::ServicePing& ping)
{
    return {ping.name, ping.id, ping.version, toJson(ping.metadata)};
}

bool sameIdentity(const bus::ServicePing& a, const bus::ServicePing& b)
{
    return a.name == b.name && a.id == b.id && a.version == b.version && a.metadata == b.metadata;
}

void rebuild(int verb, const QByteArray& body)
{
    if (verb == 0) {
        const auto ping = bus::decodeServicePing(body);
        if (!ping)
            return;
        const auto again = bus::decodeServicePing(bytes(host::pingResponse(identityOf(*ping))));
        FUZZ_CHECK(again.ok() && sameIdentity(*again, *ping));
    } else if (verb == 1) {
        const auto info = bus::decodeServiceInfo(body);
        if (!info)
            return;
        QList<host::EndpointRecord> records;
        for (const auto& e : info->endpoints) {
            host::EndpointRecord record;
            record.name = e.name, record.subject = e.subject, record.queueGroup = e.queueGroup;
            record.metadata = toJson(e.metadata);
            records.append(record);
        }
        const auto again = bus::decodeServiceInfo(
            bytes(host::infoResponse(identityOf(info->identity), info->description, records)));
        FUZZ_CHECK(again.ok() && sameIdentity(again->identity, info->identity));
        FUZZ_CHECK(again->description == info->description);
        FUZZ_CHECK(again->endpoints.size() == info->endpoints.size());
        for (qsizetype i = 0; i < records.size(); ++i) {
            const auto& a = again->endpoints.at(i);
            const auto& b = info->endpoints.at(i);
            FUZZ_CHECK(a.name == b.name && a.subject == b.subject && a.queueGroup == b.queueGroup &&
                       a.metadata == b.metadata);
        }
    } else {
        const auto stats = bus::decodeServiceStats(body);
        if (!stats)
            return;
        QList<host::EndpointRecord> records;
        for (const auto& e : stats->endpoints) {
            host::EndpointRecord record;
            record.name = e.name, record.subject = e.subject, record.queueGroup = e.queueGroup;
            record.numRequests = e.numRequests, record.numErrors = e.numErrors;
            record.lastError = e.lastError, record.processingTimeNs = e.processingTimeNs;
            records.append(record);
        }
        const auto again = bus::decodeServiceStats(
            bytes(host::statsResponse(identityOf(stats->identity), stats->startedText, records)));
        FUZZ_CHECK(again.ok() && sameIdentity(again->identity, stats->identity));
        FUZZ_CHECK(again->started == stats->started && again->startedText == stats->startedText);
        for (qsizetype i = 0; i < records.size(); ++i) {
            const auto& a = again->endpoints.at(i);
            FUZZ_CHECK(a.numRequests == records.at(i).numRequests &&
                       a.processingTimeNs == records.at(i).processingTimeNs &&
                       a.averageProcessingTimeNs == records.at(i).averageProcessingTimeNs());
        }
    }
}

QString text(FuzzedDataProvider& in, std::size_t max)
{
    return QString::fromStdString(in.ConsumeRandomLengthString(max));
}

QJsonObject metadata(FuzzedDataProvider& in)
{
    QJsonObject object;
    const int count = in.ConsumeIntegralInRange(0, 3);
    for (int i = 0; i < count; ++i) {
        const QString key = text(in, 16);
        if (in.ConsumeBool())
            object.insert(key, text(in, 32));
        else
            object.insert(key, in.ConsumeIntegral<int>()); // refused by validateMetadata
    }
    return object;
}

// Within what the decoders accept and the host's own values keep (names from code, hex ids).
bool keepsLimits(const host::MicroServiceConfig& config, const QString& id,
                 const QList<host::EndpointRecord>& endpoints)
{
    if (config.name.size() > 256 || config.version.size() > 256 || config.description.size() > 4096)
        return false;
    if (id.trimmed().isEmpty() || id.size() > 256)
        return false;
    for (const auto& e : endpoints)
        if (e.name.trimmed().isEmpty() || e.name.size() > 256 || e.subject.trimmed().isEmpty() ||
            e.subject.size() > 1024 || e.queueGroup.size() > 256 || e.lastError.size() > 4096 ||
            !host::validateMetadata(e.metadata, e.name).isEmpty())
            return false;
    return true;
}

void build(FuzzedDataProvider& in)
{
    host::MicroServiceConfig config;
    config.name = text(in, 24);
    config.version = in.ConsumeBool() ? QStringLiteral("0.1.0") : text(in, 24);
    config.description = text(in, 64);
    config.metadata = metadata(in);
    const QString id = text(in, 40);
    QList<host::EndpointRecord> endpoints;
    const int count = in.ConsumeIntegralInRange(0, 4);
    for (int i = 0; i < count; ++i) {
        host::EndpointRecord e;
        e.name = text(in, 24), e.subject = text(in, 48), e.queueGroup = text(in, 8);
        e.metadata = metadata(in);
        e.numRequests = in.ConsumeIntegralInRange<qint64>(0, kMaxCount);
        e.numErrors = in.ConsumeIntegralInRange<qint64>(0, e.numRequests);
        e.processingTimeNs = in.ConsumeIntegralInRange<qint64>(0, kMaxCount);
        e.lastError = text(in, 32);
        endpoints.append(e);
    }
    const std::chrono::system_clock::time_point started{
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(in.ConsumeIntegral<qint64>()))};
    const QString startedText = host::formatRfc3339Nano(started);
    const QByteArray subject = host::controlSubject(QStringLiteral("INFO"), config.name, id);
    FUZZ_CHECK(subject.startsWith("$SRV.INFO"));

    if (!host::validateConfig(config).isEmpty() || !keepsLimits(config, id, endpoints))
        return;
    const host::ServiceIdentity identity{config.name, id, config.version, config.metadata};
    const auto ping = bus::decodeServicePing(bytes(host::pingResponse(identity)));
    FUZZ_CHECK(ping.ok() && ping->name == config.name && ping->id == id);
    const auto info =
        bus::decodeServiceInfo(bytes(host::infoResponse(identity, config.description, endpoints)));
    FUZZ_CHECK(info.ok() && info->endpoints.size() == endpoints.size());
    const auto stats =
        bus::decodeServiceStats(bytes(host::statsResponse(identity, startedText, endpoints)));
    FUZZ_CHECK(stats.ok() && stats->endpoints.size() == endpoints.size());
    // Go's time.Time text, read back to the millisecond (rounded down, also before 1970).
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(started.time_since_epoch());
    FUZZ_CHECK(stats->started.toMSecsSinceEpoch() == ms.count());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return -1;
    if (data[0] % 2 == 0) {
        rebuild(data[1] % 3, QByteArray(reinterpret_cast<const char*>(data + 2),
                                        static_cast<qsizetype>(size - 2)));
    } else {
        FuzzedDataProvider in(data + 1, size - 1);
        build(in);
    }
    return 0;
}
