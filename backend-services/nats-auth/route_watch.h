#pragma once

// Watches this node's routes (nats-server's /routez monitoring endpoint) and says when a
// route came up that was not there at the last look: another node started, restarted or
// reconnected after a network cut.
//
// Why the auth agent needs it: nats-server 2.9.10 re-creates its accounts at every reload
// (each sign-in reloads the node). The reply subjects of cross-account requests (staff ->
// services: _R_.<prefix>.>) get a new prefix at each reload, and the node announces it only
// to the routes up at that moment; a node that connects later is sent the first, stale
// prefix. Replies from services on that node to staff on this one are then dropped until
// this node reloads again (measured: tests/access/test_nats_auth_routes.cpp). Fixed upstream
// after 2.9.10; the agent reloads its node when a route joins, which re-announces the live
// prefix to every connected node. That first reload runs on every node at about the same
// moment (each agent sees the join within one interval), and test_opd_cluster_faults saw
// answers of one service instance lost for minutes after it; a later reload of the staff
// node healed them. So each agent (but that of a node that has just started, whose streams
// are catching up) reloads its node once more when the routes have settled,
// at a time set by the node's rank among the routed nodes, so that no two nodes reload then
// at once (Agent::onRoutesJoined).

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <optional>

namespace openopd::natsauth {

// The routes in a /routez body, each as "<remote server id>/<route connection id>" (a node
// that restarts has a new server id; a route that reconnects, a new connection id).
// nullopt (and *error) when the body is not a /routez answer.
// serverId (if given) receives this node's own server id.
std::optional<QSet<QString>> parseRoutez(const QByteArray& body, QString* error,
                                         QString* serverId = nullptr);

// The routes of now that were not in before, sorted.
QStringList joinedRoutes(const QSet<QString>& before, const QSet<QString>& now);

// This node's place (0-based) among itself and the nodes its routes lead to, ordered by
// server id: the same order on every node of a fully routed cluster.
int nodeRank(const QString& serverId, const QSet<QString>& routes);

class RouteWatch final : public QObject
{
    Q_OBJECT
public:
    // monitor: the node's monitoring base URL, e.g. http://127.0.0.1:8222.
    RouteWatch(QUrl monitor, std::chrono::milliseconds interval, QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    // Routes that came up since the last look (all of them at the first look); rank: this
    // node's nodeRank() with the routes up now; nodeStarted: the node has a new server id
    // (it started since the last look, or this is the first look).
    void routesJoined(const QStringList& routes, int rank, bool nodeStarted);

private:
    void poll();
    void onReply(QNetworkReply* reply);

    QUrl m_routez;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    bool m_inFlight = false;
    QSet<QString> m_routes;
    QString m_serverId;              // at the last look
    bool m_startedSinceJoin = false; // a new server id seen since routes last joined
    QString m_lastError;             // logged once per kind of failure
};

} // namespace openopd::natsauth
