#include "nats-auth/nats_auth_agent.h"

#include "host/json_log.h"
#include "nats-auth/nats_auth_config.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace openopd::natsauth {

std::optional<NatsUsersReply> parseNatsUsersReply(const QByteArray& body, QString* error)
{
    auto fail = [&](const QString& why) -> std::optional<NatsUsersReply> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return fail(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    if (object.value(QLatin1StringView("v")).toInt() != 1)
        return fail(QStringLiteral("unknown version \"v\""));
    const QJsonValue users = object.value(QLatin1StringView("users"));
    if (!users.isArray())
        return fail(QStringLiteral("\"users\" is not an array"));
    NatsUsersReply reply;
    reply.version = object.value(QLatin1StringView("version")).toInteger();
    for (const QJsonValue& value : users.toArray()) {
        const QJsonObject user = value.toObject();
        const QJsonValue name = user.value(QLatin1StringView("user"));
        const QJsonValue hash = user.value(QLatin1StringView("password_hash"));
        if (!name.isString() || !hash.isString())
            return fail(QStringLiteral("a user without string \"user\" and \"password_hash\""));
        QDateTime expires;
        if (const QJsonValue at = user.value(QLatin1StringView("expires_at")); !at.isUndefined()) {
            expires = QDateTime::fromString(at.toString(), Qt::ISODateWithMs);
            if (!at.isString() || !expires.isValid())
                return fail(QStringLiteral("\"expires_at\" is not a timestamp"));
        }
        reply.users.append({name.toString(), hash.toString().toUtf8(), expires});
    }
    return reply;
}

Agent::Agent(bus::Connection& connection, AgentOptions options, QObject* parent)
    : QObject(parent), m_connection(connection), m_options(std::move(options))
{
    m_timer.setInterval(m_options.interval);
    connect(&m_timer, &QTimer::timeout, this, &Agent::poll);
    m_settled.setSingleShot(true);
    connect(&m_settled, &QTimer::timeout, this, &Agent::onRoutesSettled);
}

void Agent::start()
{
    m_connection.subscribe(kUsersChangedSubject, this, [this](const bus::Message&) { poll(); });
    connect(&m_connection, &bus::Connection::stateChanged, this,
            [this](bus::Connection::State state) {
                if (state == bus::Connection::State::Connected) {
                    startRouteWatch();
                    poll();
                }
            });
    m_timer.start();
    if (m_connection.state() == bus::Connection::State::Connected) {
        startRouteWatch();
        poll();
    }
}

void Agent::startRouteWatch()
{
    // Only once this agent is connected: its first look at the routes reloads the node, and
    // nats-server 2.9.10 refuses a connection whose CONNECT arrives during a reload.
    if (m_routeWatch || !m_options.monitorUrl.isValid())
        return;
    m_routeWatch = std::make_unique<RouteWatch>(m_options.monitorUrl, m_options.interval);
    connect(m_routeWatch.get(), &RouteWatch::routesJoined, this, &Agent::onRoutesJoined);
    m_routeWatch->start();
}

void Agent::onRoutesJoined(const QStringList& routes, int rank, bool nodeStarted)
{
    // Re-announces this node's reply subjects for cross-account requests to the nodes that
    // just connected (route_watch.h). Needed whether or not the users changed.
    const bool reloaded = reloadServer();
    if (!reloaded)
        m_reloadPending = true;
    host::logEvent(
        QtInfoMsg, QStringLiteral("routes joined: node reloaded"),
        {{},
         {},
         {{QStringLiteral("routes"), routes.join(u',')}, {QStringLiteral("reloaded"), reloaded}}});
    Q_EMIT routesReloaded(routes, reloaded);
    // Once more when the routes have settled: every node saw the join within one interval
    // and reloaded with the others; now each in turn, two intervals apart by rank, so that
    // each announcement reaches nodes that are not reloading themselves. A later join
    // starts the wait again. Not on a node that has just started: its streams are catching
    // up, and a reload then left a stream's replica not current for over a minute
    // (test_opd_cluster_faults); the others' second reloads reach it.
    if (nodeStarted)
        m_settled.stop();
    else
        m_settled.start(m_options.interval * (2 + 2 * rank));
}

void Agent::onRoutesSettled()
{
    const bool reloaded = reloadServer();
    if (!reloaded)
        m_reloadPending = true;
    host::logEvent(QtInfoMsg, QStringLiteral("routes settled: node reloaded again"),
                   {{}, {}, {{QStringLiteral("reloaded"), reloaded}}});
}

void Agent::poll()
{
    // Expiry goes on whatever identity and the bus do: the last list, less what expired.
    if (m_lastUsers)
        apply(*m_lastUsers);
    if (m_inFlight) {
        m_pollAgain = true;
        return;
    }
    if (m_connection.state() != bus::Connection::State::Connected)
        return;
    m_inFlight = true;
    bus::RequestOptions options;
    options.timeout = m_options.requestTimeout;
    m_connection.request(kNatsUsersSubject, QByteArrayLiteral("{\"v\":1}"), options, this,
                         [this](bus::Result<bus::Message> reply) { onReply(std::move(reply)); });
}

void Agent::onReply(bus::Result<bus::Message> reply)
{
    m_inFlight = false;
    if (!reply.ok()) {
        // Once per kind of failure (identity may be down for a while): not every interval.
        const QString error = reply.error().toString();
        if (error != m_lastError)
            host::logEvent(
                QtWarningMsg, QStringLiteral("cannot get the staff users"),
                {QString::fromLatin1(kNatsUsersSubject), {}, {{QStringLiteral("error"), error}}});
        m_lastError = error;
    } else {
        m_lastError.clear();
        QString error;
        const std::optional<NatsUsersReply> users = parseNatsUsersReply(reply->data, &error);
        if (!users)
            host::logEvent(
                QtWarningMsg, QStringLiteral("invalid staff users reply"),
                {QString::fromLatin1(kNatsUsersSubject), {}, {{QStringLiteral("error"), error}}});
        else
            m_lastUsers = *users;
    }
    if (m_lastUsers)
        apply(*m_lastUsers);
    if (m_pollAgain) {
        m_pollAgain = false;
        poll();
    }
}

void Agent::apply(const NatsUsersReply& list)
{
    // A session past its expiry is left out here too, so it ends on time even while the
    // identity service (whose sweep normally ends it) is down.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<UserEntry> live;
    for (const UserEntry& entry : list.users)
        if (!entry.expiresAt.isValid() || entry.expiresAt > now)
            live.append(entry);
    QStringList skipped;
    const QByteArray text = renderStaffUsers(live, &skipped, m_options.staffUsers);
    // Compared with the file itself, not with what this agent wrote last: a launcher that
    // re-ran `init` (which empties the file) gets the sessions back at once.
    QFile current(m_options.usersFile);
    const bool same = current.open(QIODevice::ReadOnly) && current.readAll() == text;
    if (same) {
        // The file is right but the server may never have read it (the signal failed): try
        // again, or an ended session would keep working until the next change.
        if (m_reloadPending)
            m_reloadPending = !reloadServer();
        return;
    }
    for (const QString& why : std::as_const(skipped))
        host::logEvent(QtWarningMsg, QStringLiteral("skipped a staff user"),
                       {{}, {}, {{QStringLiteral("reason"), why}}});
    QString writeError;
    if (!writeFileAtomically(m_options.usersFile, text, &writeError)) {
        host::logEvent(QtCriticalMsg, QStringLiteral("cannot write the users file"),
                       {{}, {}, {{QStringLiteral("error"), writeError}}});
        return;
    }
    const bool reloaded = reloadServer();
    m_reloadPending = !reloaded;
    const int count = static_cast<int>(live.size() - skipped.size());
    host::logEvent(QtInfoMsg, QStringLiteral("staff users written"),
                   {{},
                    {},
                    {{QStringLiteral("users"), count},
                     {QStringLiteral("expired"), static_cast<int>(list.users.size() - live.size())},
                     {QStringLiteral("version"), list.version},
                     {QStringLiteral("reloaded"), reloaded}}});
    Q_EMIT usersWritten(count, reloaded);
}

bool Agent::reloadServer()
{
    qint64 pid = m_options.natsPid;
    if (!m_options.pidFile.isEmpty()) {
        QFile file(m_options.pidFile);
        bool ok = false;
        if (file.open(QIODevice::ReadOnly))
            pid = file.readAll().trimmed().toLongLong(&ok);
        if (!ok)
            pid = 0;
    }
    if (pid <= 0) {
        host::logEvent(QtWarningMsg, QStringLiteral("no nats-server pid to reload"),
                       {{}, {}, {{QStringLiteral("pid_file"), m_options.pidFile}}});
        return false;
    }
    if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
        host::logEvent(QtWarningMsg, QStringLiteral("cannot signal nats-server"),
                       {{},
                        {},
                        {{QStringLiteral("pid"), pid},
                         {QStringLiteral("error"), QString::fromLocal8Bit(std::strerror(errno))}}});
        return false;
    }
    ++m_reloads;
    return true;
}

} // namespace openopd::natsauth
