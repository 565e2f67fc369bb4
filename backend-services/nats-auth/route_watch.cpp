#include "nats-auth/route_watch.h"

#include "host/json_log.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <algorithm>
#include <utility>

namespace openopd::natsauth {

std::optional<QSet<QString>> parseRoutez(const QByteArray& body, QString* error, QString* serverId)
{
    auto fail = [&](const QString& why) -> std::optional<QSet<QString>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    if (!object.value(QLatin1StringView("server_id")).isString())
        return fail(QStringLiteral("no \"server_id\": not a /routez answer"));
    if (serverId)
        *serverId = object.value(QLatin1StringView("server_id")).toString();
    const QJsonValue routes = object.value(QLatin1StringView("routes"));
    QSet<QString> out;
    if (routes.isUndefined() || routes.isNull())
        return out; // no route up (nats-server leaves the array out)
    if (!routes.isArray())
        return fail(QStringLiteral("\"routes\" is not an array"));
    for (const QJsonValue& value : routes.toArray()) {
        const QJsonObject route = value.toObject();
        const QJsonValue remote = route.value(QLatin1StringView("remote_id"));
        const QJsonValue rid = route.value(QLatin1StringView("rid"));
        if (!remote.isString() || !rid.isDouble())
            return fail(QStringLiteral("a route without string \"remote_id\" and number \"rid\""));
        out.insert(remote.toString() + u'/' + QString::number(rid.toInteger()));
    }
    return out;
}

QStringList joinedRoutes(const QSet<QString>& before, const QSet<QString>& now)
{
    QStringList joined;
    for (const QString& route : now)
        if (!before.contains(route))
            joined.append(route);
    std::sort(joined.begin(), joined.end());
    return joined;
}

int nodeRank(const QString& serverId, const QSet<QString>& routes)
{
    QSet<QString> lower;
    for (const QString& route : routes) {
        const QString remote = route.section(u'/', 0, 0);
        if (remote < serverId)
            lower.insert(remote); // a node with two routes counts once
    }
    return static_cast<int>(lower.size());
}

RouteWatch::RouteWatch(QUrl monitor, std::chrono::milliseconds interval, QObject* parent)
    : QObject(parent), m_routez(std::move(monitor))
{
    m_routez.setPath(m_routez.path().chopped(m_routez.path().endsWith(u'/') ? 1 : 0) +
                     QStringLiteral("/routez"));
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &RouteWatch::poll);
    connect(&m_network, &QNetworkAccessManager::finished, this, &RouteWatch::onReply);
}

void RouteWatch::start()
{
    m_timer.start();
    poll();
}

void RouteWatch::poll()
{
    if (m_inFlight)
        return;
    m_inFlight = true;
    QNetworkRequest request(m_routez);
    request.setTransferTimeout(static_cast<int>(std::max(m_timer.interval(), 1000)));
    m_network.get(request);
}

void RouteWatch::onReply(QNetworkReply* reply)
{
    reply->deleteLater();
    m_inFlight = false;
    QString error;
    QString serverId;
    std::optional<QSet<QString>> routes;
    if (reply->error() != QNetworkReply::NoError)
        error = reply->errorString();
    else
        routes = parseRoutez(reply->readAll(), &error, &serverId);
    if (!routes) {
        // The node is down or restarting: its routes are all new when it is back.
        m_routes.clear();
        if (error != m_lastError)
            host::logEvent(
                QtWarningMsg, QStringLiteral("cannot read the node's routes"),
                {{},
                 {},
                 {{QStringLiteral("url"), m_routez.toString()}, {QStringLiteral("error"), error}}});
        m_lastError = error;
        return;
    }
    m_lastError.clear();
    const QStringList joined = joinedRoutes(m_routes, *routes);
    m_routes = *routes;
    // A new server id: the node started since the last look (or this is the first look);
    // it may have no route yet, so this holds until routes join.
    if (serverId != m_serverId)
        m_startedSinceJoin = true;
    m_serverId = serverId;
    if (joined.isEmpty())
        return;
    const bool nodeStarted = std::exchange(m_startedSinceJoin, false);
    Q_EMIT routesJoined(joined, nodeRank(m_serverId, m_routes), nodeStarted);
}

} // namespace openopd::natsauth
