#include "host/micro_json.h"

#include "bus/micro_names.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace openopd::host {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::host::MicroService", text);
}

using bus::micro::nameRegex;
using bus::micro::semVerRegex;

QJsonObject identityObject(const ServiceIdentity& identity, const char* type)
{
    return QJsonObject{
        {QStringLiteral("type"), QString::fromLatin1(type)},
        {QStringLiteral("name"), identity.name},
        {QStringLiteral("id"), identity.id},
        {QStringLiteral("version"), identity.version},
        // Go marshals a nil map as null; AddService makes it {} and so do we: always an object.
        {QStringLiteral("metadata"), identity.metadata},
    };
}

} // namespace

bool isValidServiceName(const QString& name)
{
    return nameRegex().match(name).hasMatch();
}

bool isValidSemVer(const QString& version)
{
    return semVerRegex().match(version).hasMatch();
}

QString validateMetadata(const QJsonObject& metadata, const QString& what)
{
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        if (!it.value().isString())
            return tr("%1: metadata value \"%2\" must be a string").arg(what, it.key());
    return {};
}

QString validateConfig(const MicroServiceConfig& config)
{
    if (!isValidServiceName(config.name))
        return tr("name: \"%1\" must be non-empty and use only A-Z, a-z, 0-9, - and _")
            .arg(config.name);
    if (!isValidSemVer(config.version))
        return tr("version: \"%1\" is not a SemVer 2.0 version").arg(config.version);
    return validateMetadata(config.metadata, QStringLiteral("metadata"));
}

QJsonObject pingResponse(const ServiceIdentity& identity)
{
    return identityObject(identity, kPingResponseType);
}

QJsonObject infoResponse(const ServiceIdentity& identity, const QString& description,
                         const QList<EndpointRecord>& endpoints)
{
    QJsonObject info = identityObject(identity, kInfoResponseType);
    info.insert(QStringLiteral("description"), description);
    QJsonArray list; // never null: Go makes an empty slice
    for (const EndpointRecord& e : endpoints)
        list.append(QJsonObject{
            {QStringLiteral("name"), e.name},
            {QStringLiteral("subject"), e.subject},
            {QStringLiteral("queue_group"), e.queueGroup},
            {QStringLiteral("metadata"), e.metadata},
        });
    info.insert(QStringLiteral("endpoints"), list);
    return info;
}

QJsonObject statsResponse(const ServiceIdentity& identity, const QString& started,
                          const QList<EndpointRecord>& endpoints)
{
    QJsonObject stats = identityObject(identity, kStatsResponseType);
    stats.insert(QStringLiteral("started"), started);
    QJsonArray list;
    for (const EndpointRecord& e : endpoints)
        // No "data": Go omits it (omitempty) unless a StatsHandler is configured.
        list.append(QJsonObject{
            {QStringLiteral("name"), e.name},
            {QStringLiteral("subject"), e.subject},
            {QStringLiteral("queue_group"), e.queueGroup},
            {QStringLiteral("num_requests"), e.numRequests},
            {QStringLiteral("num_errors"), e.numErrors},
            {QStringLiteral("last_error"), e.lastError},
            {QStringLiteral("processing_time"), e.processingTimeNs},
            {QStringLiteral("average_processing_time"), e.averageProcessingTimeNs()},
        });
    stats.insert(QStringLiteral("endpoints"), list);
    return stats;
}

QString formatRfc3339Nano(std::chrono::system_clock::time_point when)
{
    using namespace std::chrono;
    const auto sinceEpoch = duration_cast<nanoseconds>(when.time_since_epoch());
    auto secs = duration_cast<seconds>(sinceEpoch);
    auto nanos = (sinceEpoch - secs).count();
    if (nanos < 0) { // before 1970: keep the fraction positive
        secs -= seconds(1);
        nanos += 1000000000;
    }
    QString text = QDateTime::fromSecsSinceEpoch(secs.count(), Qt::UTC)
                       .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss"));
    if (nanos != 0) {
        QString fraction = QStringLiteral("%1").arg(nanos, 9, 10, QLatin1Char('0'));
        while (fraction.endsWith(u'0'))
            fraction.chop(1);
        text += u'.' + fraction;
    }
    return text + u'Z';
}

QByteArray controlSubject(const QString& verb, const QString& name, const QString& id)
{
    QByteArray subject = QByteArray(kServiceApiPrefix) + '.' + verb.toUtf8();
    if (!name.isEmpty())
        subject += '.' + name.toUtf8();
    if (!name.isEmpty() && !id.isEmpty())
        subject += '.' + id.toUtf8();
    return subject;
}

} // namespace openopd::host
