#pragma once

// `openopd-nats-auth agent`: keeps nats-server's staff-users.conf equal to the identity
// service's list of signed-in sessions. It asks opd.identity.internal.nats_users every
// interval and whenever opd.identity.internal.changed arrives; when the rendered file
// differs from the file on disk, it replaces the file atomically and sends SIGHUP to
// nats-server, which reloads the users (and closes connections of users that are gone).
// On a cluster node it also reloads its node when a route to another node comes up
// (route_watch.h says why).

#include "bus/connection.h"
#include "nats-auth/nats_auth_config.h"
#include "nats-auth/route_watch.h"

#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <memory>
#include <optional>

namespace openopd::natsauth {

struct AgentOptions
{
    QString usersFile;
    QString pidFile;    // read at each reload (nats-server's pid_file) ...
    qint64 natsPid = 0; // ... or a fixed pid
    std::chrono::milliseconds interval{2000};
    std::chrono::milliseconds requestTimeout{5000};
    StaffUsersOptions staffUsers; // e.g. per-session reply inboxes
    QUrl monitorUrl;              // the node's monitoring endpoint, on a cluster: route watch
};

// The reply of opd.identity.internal.nats_users: {"v":1,"version":N,"users":[{"user":…,
// "password_hash":…, "expires_at":…}]} (expires_at optional). nullopt (and *error) when it
// is not that shape.
struct NatsUsersReply
{
    qint64 version = 0;
    QList<UserEntry> users;
};
std::optional<NatsUsersReply> parseNatsUsersReply(const QByteArray& body, QString* error);

class Agent final : public QObject
{
    Q_OBJECT
public:
    Agent(bus::Connection& connection, AgentOptions options, QObject* parent = nullptr);

    void start();
    int reloads() const { return m_reloads; }

Q_SIGNALS:
    // The users file was rewritten (and nats-server signalled, if reloaded is true).
    void usersWritten(int users, bool reloaded);
    // Routes to other nodes came up and nats-server was signalled (if reloaded is true).
    void routesReloaded(const QStringList& routes, bool reloaded);

private:
    void poll();
    void onReply(bus::Result<bus::Message> reply);
    // Writes the users of list that have not expired (if the file differs) and reloads.
    void apply(const NatsUsersReply& list);
    bool reloadServer();
    void startRouteWatch();
    void onRoutesJoined(const QStringList& routes, int rank, bool nodeStarted);
    void onRoutesSettled();

    bus::Connection& m_connection;
    AgentOptions m_options;
    QTimer m_timer;
    bool m_inFlight = false;
    bool m_pollAgain = false;
    int m_reloads = 0;
    bool m_reloadPending = false;              // the file changed but nats-server was not signalled
    QString m_lastError;                       // the last request failure logged
    std::optional<NatsUsersReply> m_lastUsers; // identity's last answer
    std::unique_ptr<RouteWatch> m_routeWatch;  // on a cluster node
    QTimer m_settled;                          // the second reload after routes joined
};

} // namespace openopd::natsauth
