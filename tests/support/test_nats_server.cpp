// Proves the test support itself: the throw-away nats-server and the TLS test certificates.
#include "support/nats_server.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using openopd::testing::NatsServer;
using openopd::testing::TestCertificates;

namespace {

// Connects to 127.0.0.1:port and returns the server's first protocol line (INFO {...}), or
// an empty array if nothing accepted the connection.
QByteArray readInfoLine(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return {};
    QDeadlineTimer deadline(5000);
    while (!socket.canReadLine() && !deadline.hasExpired())
        socket.waitForReadyRead(100);
    return socket.readLine().trimmed();
}

bool accepts(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(2000);
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Runs `openssl args...`; returns exit code (or -1) and the merged output in *output.
int openssl(const QStringList& args, QString* output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(u"openssl"_s, args);
    if (!process.waitForFinished(30'000))
        return -1;
    *output = QString::fromLocal8Bit(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

// A minimal NATS client over TLS: plain INFO, TLS upgrade, CONNECT + PING, expects PONG.
// Returns an empty string on success, otherwise what went wrong.
QString natsTlsPing(quint16 port, const TestCertificates& certs, bool presentClientCert)
{
    QSslSocket socket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(QSslCertificate::fromPath(certs.caCert));
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    if (presentClientCert) {
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(certs.clientCert);
        if (chain.isEmpty())
            return u"cannot load the client certificate"_s;
        config.setLocalCertificate(chain.first());
        QSslKey key(readFile(certs.clientKey), QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            return u"cannot load the client key"_s;
        config.setPrivateKey(key);
    }
    socket.setSslConfiguration(config);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(3000))
        return u"connect: "_s + socket.errorString();
    QDeadlineTimer deadline(5000);
    while (!socket.canReadLine() && !deadline.hasExpired())
        socket.waitForReadyRead(100);
    const QByteArray info = socket.readLine();
    if (!info.startsWith("INFO ") || !info.contains("\"tls_required\":true"))
        return u"unexpected INFO: "_s + QString::fromUtf8(info);

    socket.startClientEncryption();
    if (!socket.waitForEncrypted(5000))
        return u"TLS handshake: "_s + socket.errorString();
    socket.write(
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":true}\r\nPING\r\n");
    QByteArray received;
    deadline = QDeadlineTimer(5000);
    while (!received.contains("PONG") && !deadline.hasExpired()) {
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.waitForReadyRead(100);
        received += socket.readAll();
    }
    if (!received.contains("PONG"))
        return u"no PONG; got: "_s + QString::fromUtf8(received) + u" / "_s + socket.errorString();
    return {};
}

} // namespace

class TestNatsServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void freePortHelpers();
    void startAcceptsConnections();
    void killAndRestartKeepPortAndStore();
    void stopAndRestartWhileClientConnected();
    void extraConfigIsAppended();
    void badConfigFailsWithServerOutput();
    void pauseAndResume();
    void certificatesVerify();
    void tlsServerWithCertificates();
};

void TestNatsServer::freePortHelpers()
{
    const quint16 port = openopd::testing::findFreeTcpPort();
    QVERIFY(port != 0);
    QVERIFY(!accepts(port));
    const QString url = openopd::testing::findFreeTcpPortUrl();
    QVERIFY2(url.startsWith(u"nats://127.0.0.1:"_s), qPrintable(url));
    QVERIFY(url.section(u':', -1).toUShort() != 0);
}

void TestNatsServer::startAcceptsConnections()
{
    NatsServer server;
    QVERIFY(!server.isRunning());
    QCOMPARE(server.port(), quint16(0));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(server.isRunning());
    QVERIFY(server.port() != 0);
    QVERIFY(server.processId() > 0);
    QCOMPARE(server.url(), u"nats://127.0.0.1:"_s + QString::number(server.port()));
    QCOMPARE(server.tlsUrl(), u"tls://127.0.0.1:"_s + QString::number(server.port()));
    QVERIFY(server.start()); // already running: no-op

    const QByteArray info = readInfoLine(server.port());
    QVERIFY2(info.startsWith("INFO {"), info.constData());
    QVERIFY2(info.contains("\"jetstream\":true"), info.constData());
    const QByteArray name = "\"server_name\":\"test_" + QByteArray::number(server.port()) + '"';
    QVERIFY2(info.contains(name), info.constData());

    const QString config = QString::fromUtf8(readFile(server.configPath()));
    QVERIFY2(config.contains(u"listen: 127.0.0.1:"_s + QString::number(server.port())),
             qPrintable(config));
    QVERIFY2(config.contains(u"store_dir: \""_s + server.storeDir() + u'"'), qPrintable(config));
    QVERIFY(config.contains(u"max_memory_store: 256MB"_s));
    QVERIFY(config.contains(u"max_file_store: 1GB"_s));
    QVERIFY(QFileInfo(server.storeDir()).isDir());
    QVERIFY(server.log().contains(u"Server is ready"_s));

    const QString dir = QFileInfo(server.configPath()).absolutePath();
    const quint16 port = server.port();
    server.stop();
    QVERIFY(!server.isRunning());
    QCOMPARE(server.processId(), qint64(0));
    QVERIFY(!accepts(port));
    QVERIFY(QFileInfo::exists(dir)); // kept until destruction, for restart()
}

void TestNatsServer::killAndRestartKeepPortAndStore()
{
    NatsServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const quint16 port = server.port();
    const QString store = server.storeDir();
    QVERIFY(QFileInfo(store + u"/jetstream"_s).isDir()); // created by the server
    QFile marker(store + u"/marker"_s);
    QVERIFY(marker.open(QIODevice::WriteOnly));
    marker.close();

    server.kill();
    QVERIFY(!server.isRunning());
    QVERIFY(!accepts(port));

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    QVERIFY(server.isRunning());
    QCOMPARE(server.port(), port);
    QCOMPARE(server.storeDir(), store);
    QVERIFY(QFileInfo::exists(store + u"/marker"_s));
    QVERIFY(readInfoLine(port).startsWith("INFO {"));
    QCOMPARE(server.log().count(u"Server is ready"_s), 2);
}

void TestNatsServer::stopAndRestartWhileClientConnected()
{
    // A client connected while the server goes away leaves the server side of that
    // connection in TIME_WAIT on the listening port: restart must cope.
    NatsServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    const quint16 port = server.port();
    for (int round = 0; round < 2; ++round) {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(3000));
        QVERIFY(client.waitForReadyRead(3000));
        if (round == 0)
            server.stop();
        else
            server.kill();
        QVERIFY2(server.restart(), qPrintable(server.errorString()));
        QCOMPARE(server.port(), port);
        QVERIFY(accepts(port));
    }
}

void TestNatsServer::extraConfigIsAppended()
{
    const QString snippet = u"authorization { token: \"abc\" }"_s;
    NatsServer server(snippet);
    QCOMPARE(server.extraConfig(), snippet);
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(QString::fromUtf8(readFile(server.configPath())).contains(snippet));
    const QByteArray info = readInfoLine(server.port());
    QVERIFY2(info.contains("\"auth_required\":true"), info.constData());
}

void TestNatsServer::badConfigFailsWithServerOutput()
{
    NatsServer server(u"this is { not a valid config"_s);
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!server.start());
    QVERIFY(timer.elapsed() < 10'000); // fails fast when the server exits
    QVERIFY(!server.isRunning());
    QVERIFY2(server.errorString().contains(u"nats-server exited"_s),
             qPrintable(server.errorString()));
    QVERIFY2(server.errorString().contains(server.configPath()) ||
                 server.errorString().contains(u"rror"_s),
             qPrintable(server.errorString()));
}

void TestNatsServer::pauseAndResume()
{
    NatsServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QVERIFY(server.pause());
    {
        // The kernel still accepts the connection, but the server says nothing.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(2000));
        QVERIFY(!socket.waitForReadyRead(300));
        QVERIFY(server.resume());
        QVERIFY(socket.waitForReadyRead(3000));
        QVERIFY(socket.readAll().startsWith("INFO "));
    }
    QVERIFY(server.pause());
    server.stop(); // resumes, then terminates
    QVERIFY(!server.isRunning());
}

void TestNatsServer::certificatesVerify()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestCertificates certs;
    QString error;
    QVERIFY2(certs.generate(dir.filePath(u"certs"_s), &error), qPrintable(error));
    for (const QString& file :
         {certs.caCert, certs.serverCert, certs.serverKey, certs.clientCert, certs.clientKey}) {
        QVERIFY2(QFileInfo(file).isAbsolute() && QFileInfo(file).size() > 0, qPrintable(file));
    }

    QString output;
    QCOMPARE(openssl({u"verify"_s, u"-CAfile"_s, certs.caCert, certs.serverCert}, &output), 0);
    QVERIFY2(output.contains(u"OK"_s), qPrintable(output));
    QCOMPARE(openssl({u"verify"_s, u"-CAfile"_s, certs.caCert, u"-purpose"_s, u"sslserver"_s,
                      u"-verify_ip"_s, u"127.0.0.1"_s, certs.serverCert},
                     &output),
             0);
    QCOMPARE(openssl({u"verify"_s, u"-CAfile"_s, certs.caCert, u"-purpose"_s, u"sslserver"_s,
                      u"-verify_hostname"_s, u"localhost"_s, certs.serverCert},
                     &output),
             0);
    QCOMPARE(openssl({u"verify"_s, u"-CAfile"_s, certs.caCert, u"-purpose"_s, u"sslclient"_s,
                      certs.clientCert},
                     &output),
             0);
    // The client certificate is not a server certificate.
    QVERIFY(openssl({u"verify"_s, u"-CAfile"_s, certs.caCert, u"-purpose"_s, u"sslserver"_s,
                     certs.clientCert},
                    &output) != 0);

    // Keys match their certificates.
    QString certKey, keyKey;
    QCOMPARE(openssl({u"x509"_s, u"-in"_s, certs.serverCert, u"-noout"_s, u"-pubkey"_s}, &certKey),
             0);
    QCOMPARE(openssl({u"pkey"_s, u"-in"_s, certs.serverKey, u"-pubout"_s}, &keyKey), 0);
    QCOMPARE(certKey, keyKey);

    const QString tls = certs.serverTlsConfig(true);
    QVERIFY(tls.contains(certs.serverCert));
    QVERIFY(tls.contains(u"verify: true"_s));
    QVERIFY(!certs.serverTlsConfig(false).contains(u"verify"_s));
}

void TestNatsServer::tlsServerWithCertificates()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    TestCertificates certs;
    QString error;
    QVERIFY2(certs.generate(dir.path(), &error), qPrintable(error));

    NatsServer server(certs.serverTlsConfig(/*verifyClients=*/true));
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    QString result = natsTlsPing(server.port(), certs, /*presentClientCert=*/true);
    QVERIFY2(result.isEmpty(), qPrintable(result));
    // Without a client certificate the server refuses the connection.
    result = natsTlsPing(server.port(), certs, /*presentClientCert=*/false);
    QVERIFY2(!result.isEmpty(), "TLS connection without client certificate was accepted");
    QVERIFY2(result.startsWith(u"TLS handshake"_s) || result.startsWith(u"no PONG"_s),
             qPrintable(result));
}

QTEST_GUILESS_MAIN(TestNatsServer)
#include "test_nats_server.moc"
