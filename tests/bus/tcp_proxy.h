#pragma once

// A TCP proxy on 127.0.0.1 that the test controls, in front of a nats-server: it forwards
// both ways, or black-holes (keeps every socket open and silently discards what arrives, as a
// dead Wi-Fi link or an unplugged switch does), or refuses (closes every connection, as a
// crashed host does). Runs on the test's thread: the event loop must run (QTRY_*, qWait).

#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <vector>

namespace openopd::testing {

class TcpProxy
{
public:
    enum class Mode { Forward, BlackHole, Refuse };

    explicit TcpProxy(quint16 targetPort) : m_targetPort(targetPort)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] { accept(); });
    }
    ~TcpProxy() { closeAll(); }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QString url() const { return QStringLiteral("nats://127.0.0.1:%1").arg(port()); }
    int connectionCount() const { return static_cast<int>(m_pairs.size()); }

    // Forward: connections made from now on are forwarded; black-holed ones are closed (the
    // bytes they swallowed are gone, so they could not resume). Refuse: closes everything.
    void setMode(Mode mode)
    {
        if (mode != Mode::BlackHole && m_mode != Mode::Forward)
            closeAll();
        if (mode == Mode::Refuse)
            closeAll();
        m_mode = mode;
    }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
    };

    void accept()
    {
        while (QTcpSocket* client = m_server.nextPendingConnection()) {
            if (m_mode == Mode::Refuse) {
                client->abort();
                client->deleteLater();
                continue;
            }
            auto* upstream = new QTcpSocket(client);
            if (m_mode == Mode::Forward)
                upstream->connectToHost(QHostAddress::LocalHost, m_targetPort);
            m_pairs.push_back({client, upstream});
            pipe(client, upstream);
            pipe(upstream, client);
            QObject::connect(client, &QTcpSocket::disconnected, client,
                             [this, client] { drop(client); });
            QObject::connect(upstream, &QTcpSocket::disconnected, client,
                             [this, client] { drop(client); });
        }
    }

    void pipe(QTcpSocket* from, QTcpSocket* to)
    {
        QObject::connect(from, &QTcpSocket::readyRead, from, [this, from, to] {
            const QByteArray data = from->readAll();
            // A connection accepted while black-holed never reaches the server at all.
            if (m_mode == Mode::Forward && to->state() != QAbstractSocket::UnconnectedState)
                to->write(data);
        });
    }

    void drop(QTcpSocket* client)
    {
        std::erase_if(m_pairs, [client](const Pair& pair) { return pair.client == client; });
        client->abort();
        client->deleteLater();
    }

    void closeAll()
    {
        std::vector<Pair> pairs;
        pairs.swap(m_pairs);
        for (const Pair& pair : pairs)
            if (pair.client) {
                pair.client->disconnect();
                if (pair.upstream) {
                    pair.upstream->disconnect();
                    pair.upstream->abort();
                }
                pair.client->abort();
                pair.client->deleteLater();
            }
    }

    QTcpServer m_server;
    quint16 m_targetPort;
    Mode m_mode = Mode::Forward;
    std::vector<Pair> m_pairs;
};

} // namespace openopd::testing
