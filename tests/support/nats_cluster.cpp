#include "support/nats_cluster.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace openopd::testing {

namespace {

// Runs the event loop for ms (asynchronous clients on this thread keep working).
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitFor(const std::function<bool()>& check, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!check()) {
        if (deadline.hasExpired())
            return false;
        spin(100);
    }
    return true;
}

QJsonObject json(const QByteArray& body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace

NatsCluster::NatsCluster(int nodes, QString extraConfig) : m_extraConfig(std::move(extraConfig))
{
    for (int i = 0; i < nodes; ++i) {
        m_nodes.push_back(std::make_unique<NatsServer>());
        m_routePorts.append(0);
        m_monitorPorts.append(0);
        m_nodeConfigs.append(QString());
    }
}

NatsCluster::~NatsCluster()
{
    stop();
}

void NatsCluster::setNodeConfig(int node, QString config)
{
    m_nodeConfigs[node] = std::move(config);
}

QString NatsCluster::directory(int node)
{
    return this->node(node).directory();
}

QString NatsCluster::nodeConfig(int node) const
{
    QString routes;
    for (int i = 0; i < size(); ++i)
        if (i != node)
            routes += u"    \"nats-route://127.0.0.1:%1\"\n"_s.arg(m_routePorts.at(i));
    QString config = u"cluster {\n  name: openopd_test\n  listen: 127.0.0.1:%1\n  routes: [\n%2"
                     u"  ]\n}\nhttp: 127.0.0.1:%3\n"_s.arg(m_routePorts.at(node))
                         .arg(routes)
                         .arg(m_monitorPorts.at(node));
    if (!m_extraConfig.isEmpty())
        config += m_extraConfig + u'\n';
    if (!m_nodeConfigs.at(node).isEmpty())
        config += m_nodeConfigs.at(node) + u'\n';
    return config;
}

bool NatsCluster::startNode(int node)
{
    m_error.clear();
    // Route and monitoring ports are fixed before any node starts: every config names them.
    for (int i = 0; i < size(); ++i) {
        if (m_routePorts.at(i) == 0)
            m_routePorts[i] = findFreeTcpPort();
        if (m_monitorPorts.at(i) == 0)
            m_monitorPorts[i] = findFreeTcpPort();
        if (m_routePorts.at(i) == 0 || m_monitorPorts.at(i) == 0) {
            m_error = u"cannot find free TCP ports on 127.0.0.1"_s;
            return false;
        }
    }
    NatsServer& server = this->node(node);
    server.setExtraConfig(nodeConfig(node));
    if (!server.start()) {
        m_error = u"node %1: %2"_s.arg(node + 1).arg(server.errorString());
        return false;
    }
    return true;
}

bool NatsCluster::start(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (int i = 0; i < size(); ++i)
        if (!startNode(i))
            return false;
    for (int i = 0; i < size(); ++i) {
        if (!waitForRoutes(i, static_cast<int>(deadline.remainingTime())))
            return false;
    }
    for (int i = 0; i < size(); ++i)
        if (!waitForHealthy(i, static_cast<int>(deadline.remainingTime())))
            return false;
    return true;
}

void NatsCluster::stop()
{
    for (auto& server : m_nodes)
        server->stop();
}

void NatsCluster::kill(int node)
{
    this->node(node).kill();
}

void NatsCluster::stopNode(int node)
{
    this->node(node).stop();
}

bool NatsCluster::restart(int node)
{
    stopNode(node);
    return startNode(node);
}

bool NatsCluster::isRunning(int node) const
{
    return m_nodes.at(static_cast<std::size_t>(node))->isRunning();
}

bool NatsCluster::isRouted(int node) const
{
    int others = 0;
    for (int i = 0; i < size(); ++i)
        others += i != node && isRunning(i) ? 1 : 0;
    const QJsonObject routez = json(monitor(node, "/routez"));
    return !routez.isEmpty() && routez.value(u"num_routes"_s).toInt() >= others;
}

bool NatsCluster::isHealthy(int node) const
{
    // /healthz is ok once the node's JetStream is current with the meta leader; /jsz names it.
    if (json(monitor(node, "/healthz")).value(u"status"_s).toString() != u"ok"_s)
        return false;
    const QJsonObject meta = json(monitor(node, "/jsz")).value(u"meta_cluster"_s).toObject();
    return !meta.value(u"leader"_s).toString().isEmpty();
}

bool NatsCluster::waitForRoutes(int node, int timeoutMs)
{
    if (waitFor([&] { return isRouted(node); }, std::max(timeoutMs, 0)))
        return true;
    m_error = u"node %1 is not routed to the other nodes within %2 ms: %3\n%4"_s.arg(node + 1)
                  .arg(timeoutMs)
                  .arg(QString::fromUtf8(monitor(node, "/routez")), log(node).right(3000));
    return false;
}

bool NatsCluster::waitForHealthy(int node, int timeoutMs)
{
    if (waitFor([&] { return isHealthy(node); }, std::max(timeoutMs, 0)))
        return true;
    m_error = u"node %1: JetStream not healthy within %2 ms: %3 %4\n%5"_s.arg(node + 1)
                  .arg(timeoutMs)
                  .arg(QString::fromUtf8(monitor(node, "/healthz")),
                       QString::fromUtf8(monitor(node, "/jsz")), log(node).right(3000));
    return false;
}

QString NatsCluster::url(int node) const
{
    return m_nodes.at(static_cast<std::size_t>(node))->url();
}

QStringList NatsCluster::urlList() const
{
    QStringList list;
    for (int i = 0; i < size(); ++i)
        list.append(url(i));
    return list;
}

QString NatsCluster::urls() const
{
    return urlList().join(u',');
}

qint64 NatsCluster::processId(int node) const
{
    return m_nodes.at(static_cast<std::size_t>(node))->processId();
}

QList<qint64> NatsCluster::processIds() const
{
    QList<qint64> ids;
    for (int i = 0; i < size(); ++i)
        ids.append(processId(i));
    return ids;
}

QString NatsCluster::log(int node) const
{
    return m_nodes.at(static_cast<std::size_t>(node))->log();
}

quint16 NatsCluster::monitorPort(int node) const
{
    return m_monitorPorts.at(node);
}

QByteArray NatsCluster::monitor(int node, const QByteArray& path) const
{
    if (m_monitorPorts.at(node) == 0 || !isRunning(node))
        return {};
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_monitorPorts.at(node));
    if (!socket.waitForConnected(1000))
        return {};
    socket.write("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray response;
    QDeadlineTimer deadline(3000);
    // HTTP/1.0: the server closes the connection after the body.
    while (socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        socket.waitForReadyRead(100);
        response += socket.readAll();
    }
    response += socket.readAll();
    const qsizetype body = response.indexOf("\r\n\r\n");
    return body < 0 ? QByteArray() : response.mid(body + 4);
}

} // namespace openopd::testing
