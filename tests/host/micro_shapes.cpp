#include "micro_shapes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>

namespace openopd::testing {

QString checkString(const QJsonObject& o, const QString& key, bool nonEmpty)
{
    if (!o.value(key).isString())
        return key + QStringLiteral(" is not a string");
    if (nonEmpty && o.value(key).toString().isEmpty())
        return key + QStringLiteral(" is empty");
    return {};
}

QString checkStringMap(const QJsonObject& o, const QString& key)
{
    if (!o.value(key).isObject())
        return key + QStringLiteral(" is not an object");
    const QJsonObject map = o.value(key).toObject();
    for (auto it = map.begin(); it != map.end(); ++it)
        if (!it.value().isString())
            return key + u'.' + it.key() + QStringLiteral(" is not a string");
    return {};
}

// Every occurrence of key in the raw JSON text is an integer (Go decodes int64 and
// time.Duration: no fraction, no exponent).
QString checkInteger(const QByteArray& raw, const QJsonObject& o, const QString& key)
{
    if (!o.value(key).isDouble())
        return key + QStringLiteral(" is not a number");
    const QRegularExpression pattern(u'"' + key + QStringLiteral(R"(":([^,}]*))"));
    static const QRegularExpression integer(QStringLiteral(R"(^-?\d+$)"));
    for (const auto& match : pattern.globalMatch(QString::fromUtf8(raw)))
        if (!integer.match(match.captured(1)).hasMatch())
            return key + QStringLiteral(" is not written as an integer: ") + match.captured(1);
    return {};
}

QString checkIdentity(const QJsonObject& o, const QString& type)
{
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9_-]+$"));
    static const QRegularExpression semver(QStringLiteral(
        R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*))"
        R"((?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?)"
        R"((?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)"));
    if (o.value(QStringLiteral("type")).toString() != type)
        return QStringLiteral("type is ") + o.value(QStringLiteral("type")).toString();
    for (const char* key : {"name", "id", "version"})
        if (QString e = checkString(o, QString::fromLatin1(key)); !e.isEmpty())
            return e;
    if (!name.match(o.value(QStringLiteral("name")).toString()).hasMatch())
        return QStringLiteral("name does not match the name pattern");
    if (!semver.match(o.value(QStringLiteral("version")).toString()).hasMatch())
        return QStringLiteral("version is not SemVer");
    return checkStringMap(o, QStringLiteral("metadata"));
}

QString checkEndpointCommon(const QJsonObject& e)
{
    for (const char* key : {"name", "subject", "queue_group"})
        if (QString error = checkString(e, QString::fromLatin1(key)); !error.isEmpty())
            return QStringLiteral("endpoint ") + error;
    if (e.value(QStringLiteral("queue_group")).toString() != QStringLiteral("q"))
        return QStringLiteral("endpoint queue_group is not q");
    return {};
}

QString checkShape(const QString& verb, const QByteArray& raw, const QJsonObject& o)
{
    if (verb == QStringLiteral("PING"))
        return checkIdentity(o, QStringLiteral("io.nats.micro.v1.ping_response"));
    const bool info = verb == QStringLiteral("INFO");
    QString error = checkIdentity(o, info ? QStringLiteral("io.nats.micro.v1.info_response")
                                          : QStringLiteral("io.nats.micro.v1.stats_response"));
    if (error.isEmpty() && info)
        error = checkString(o, QStringLiteral("description"), false);
    if (error.isEmpty() && !info) {
        error = checkString(o, QStringLiteral("started"));
        const QString started = o.value(QStringLiteral("started")).toString();
        static const QRegularExpression rfc3339(
            QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$)"));
        if (error.isEmpty() && (!rfc3339.match(started).hasMatch() ||
                                !QDateTime::fromString(started, Qt::ISODateWithMs).isValid()))
            error = QStringLiteral("started is not RFC 3339: ") + started;
    }
    if (!error.isEmpty())
        return error;
    if (!o.value(QStringLiteral("endpoints")).isArray())
        return QStringLiteral("endpoints is not an array");
    for (const QJsonValue& value : o.value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject e = value.toObject();
        error = checkEndpointCommon(e);
        if (error.isEmpty() && info)
            error = checkStringMap(e, QStringLiteral("metadata"));
        if (error.isEmpty() && !info)
            error = checkString(e, QStringLiteral("last_error"), false);
        if (!info)
            for (const char* key :
                 {"num_requests", "num_errors", "processing_time", "average_processing_time"})
                if (error.isEmpty())
                    error = checkInteger(raw, e, QString::fromLatin1(key));
        if (!error.isEmpty())
            return error;
    }
    return {};
}

} // namespace openopd::testing
