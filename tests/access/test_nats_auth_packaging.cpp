// The packaged nats-server configurations with what `openopd-nats-auth init` and
// scripts/make-clinic-certs.sh write, the way a launcher uses them: the config copied next
// to the generated accounts.conf, store dir and pid file (and the certificates) from the
// environment. Only the fixed ports are replaced by free ones. Also: run-clinic.sh refuses a
// data directory a --demo run marked when started without --demo.

#include "access_test_util.h"
#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "support/nats_server.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace openopd;
using namespace Qt::StringLiterals;

namespace {

QString quotedValue(const QString& path)
{
    return u"\""_s + path + u"\""_s;
}

} // namespace

class TestNatsAuthPackaging : public QObject
{
    Q_OBJECT

private:
    std::optional<bus::NatsLibrary> m_library;

    // init --dir dir; returns "svc.x" -> password.
    static QHash<QString, QString> init(const QString& dir)
    {
        QProcess process;
        process.start(QStringLiteral(OPENOPD_NATS_AUTH_EXE), {u"init"_s, u"--dir"_s, dir});
        QHash<QString, QString> passwords;
        if (!process.waitForFinished(10000) || process.exitCode() != 0)
            return passwords;
        for (const QByteArray& line : process.readAllStandardOutput().trimmed().split('\n')) {
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() == 2)
                passwords.insert(QString::fromLatin1(parts[0]), QString::fromLatin1(parts[1]));
        }
        return passwords;
    }

    // The packaged config with its ports replaced, written to dir/nats-server.conf.
    static bool copyConfig(const QString& name, const QString& dir, quint16 port, quint16 http)
    {
        QFile source(QStringLiteral(OPENOPD_SOURCE_DIR "/packaging/nats/") + name);
        if (!source.open(QIODevice::ReadOnly))
            return false;
        QByteArray text = source.readAll();
        const QByteArray listen = "listen: 127.0.0.1:" + QByteArray::number(port);
        const QByteArray monitor = "http: 127.0.0.1:" + QByteArray::number(http);
        text.replace("listen: 127.0.0.1:4222", listen);
        text.replace("listen: 0.0.0.0:4222", listen);
        text.replace("http: 127.0.0.1:8222", monitor);
        QFile target(dir + u"/nats-server.conf"_s);
        return target.open(QIODevice::WriteOnly) && target.write(text) == text.size();
    }

    static bool startServer(QProcess& server, const QString& dir, const QProcessEnvironment& extra,
                            QByteArray* log)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"OPENOPD_NATS_STORE_DIR"_s, quotedValue(dir));
        environment.insert(u"OPENOPD_NATS_PID_FILE"_s, quotedValue(dir + u"/nats-server.pid"_s));
        for (const QString& key : extra.keys())
            environment.insert(key, extra.value(key));
        server.setProcessEnvironment(environment);
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(testing::NatsServer::executable(), {u"-c"_s, dir + u"/nats-server.conf"_s});
        if (!server.waitForStarted(5000))
            return false;
        const bool ready = QTest::qWaitFor(
            [&] {
                *log += server.readAll();
                return log->contains("Server is ready") || server.state() == QProcess::NotRunning;
            },
            15000);
        return ready && log->contains("Server is ready");
    }

    static void stopServer(QProcess& server)
    {
        server.terminate();
        if (!server.waitForFinished(10000))
            server.kill();
    }

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        m_library.emplace();
    }

    // run-clinic.sh refuses to start a clinic without --demo on a data directory a --demo
    // run marked: demo staff (known password) must never end up in a real clinic unnoticed.
    void runClinicRefusesDemoDataWithoutDemo()
    {
        QTemporaryDir home;
        QVERIFY(QDir(home.path()).mkpath(u"OpenOPD"_s));
        QFile marker(home.filePath(u"OpenOPD/DEMO-DATA"_s));
        QVERIFY(marker.open(QIODevice::WriteOnly));
        marker.write("demo data loaded 2026-01-01T00:00:00Z by run-clinic.sh --demo\n");
        marker.close();
        QProcess script;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(u"XDG_DATA_HOME"_s, home.path());
        environment.insert(u"OPENOPD_NO_BUILD"_s, u"1"_s);
        script.setProcessEnvironment(environment);
        script.setProcessChannelMode(QProcess::MergedChannels);
        script.start(u"bash"_s, {QStringLiteral(OPENOPD_SOURCE_DIR "/scripts/run-clinic.sh")});
        QVERIFY(script.waitForFinished(30000));
        const QByteArray output = script.readAll();
        QCOMPARE(script.exitCode(), 1);
        QVERIFY2(output.contains("holds demo data"), output.constData());
        QVERIFY2(output.contains("mv "), output.constData());
        QVERIFY2(!output.contains("starting"), output.constData()); // nothing was started
    }

    void standaloneConfig()
    {
        QTemporaryDir dir;
        const QHash<QString, QString> passwords = init(dir.path());
        QCOMPARE(passwords.size(), natsauth::serviceNames().size());
        const quint16 port = testing::findFreeTcpPort();
        QVERIFY(copyConfig(u"standalone.conf"_s, dir.path(), port, testing::findFreeTcpPort()));
        QProcess server;
        QByteArray log;
        QVERIFY2(startServer(server, dir.path(), {}, &log), log.constData());
        QFile pidFile(dir.filePath(u"nats-server.pid"_s));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        QCOMPARE(pidFile.readAll().trimmed().toLongLong(), server.processId());
        QVERIFY(log.contains("JetStream"));

        const QString url = u"nats://127.0.0.1:%1"_s.arg(port);
        bus::ConnectionOptions options = testing::optionsFor(url);
        options.user = u"svc.audit"_s;
        options.password = passwords.value(u"svc.audit"_s);
        QVERIFY(testing::connectTo(options));
        options.user = QString::fromLatin1(natsauth::kSignInUser);
        options.password = QString::fromLatin1(natsauth::kSignInPassword);
        QVERIFY(testing::connectTo(options));
        // Nobody without a user.
        bus::ConnectionOptions anonymous = testing::optionsFor(url);
        anonymous.retryOnFailedConnect = false;
        anonymous.maxReconnect = 0;
        QVERIFY(!testing::connectTo(anonymous, 1500));
        stopServer(server);
    }

    void clinicTlsConfig()
    {
        QTemporaryDir dir;
        QProcess certs;
        certs.setProcessChannelMode(QProcess::MergedChannels);
        certs.start(u"bash"_s, {QStringLiteral(OPENOPD_SOURCE_DIR "/scripts/make-clinic-certs.sh"),
                                dir.filePath(u"certs"_s), u"opd-server"_s, u"10.0.0.5"_s,
                                u"--client"_s, u"desk1"_s});
        QVERIFY(certs.waitForFinished(30000));
        const QByteArray certsOutput = certs.readAll();
        QVERIFY2(certs.exitCode() == 0, certsOutput.constData());
        for (const char* name : {"ca-key.pem", "server-key.pem", "client-desk1-key.pem"})
            QCOMPARE(
                QFile(dir.filePath(u"certs/"_s + QLatin1StringView(name))).permissions() &
                    (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                QFile::Permissions());

        const QHash<QString, QString> passwords = init(dir.path());
        QVERIFY(!passwords.isEmpty());
        const quint16 port = testing::findFreeTcpPort();
        QVERIFY(copyConfig(u"clinic-tls.conf"_s, dir.path(), port, testing::findFreeTcpPort()));
        QProcessEnvironment tls;
        tls.insert(u"OPENOPD_NATS_CERT_FILE"_s, quotedValue(dir.filePath(u"certs/server.pem"_s)));
        tls.insert(u"OPENOPD_NATS_KEY_FILE"_s,
                   quotedValue(dir.filePath(u"certs/server-key.pem"_s)));
        tls.insert(u"OPENOPD_NATS_CA_FILE"_s, quotedValue(dir.filePath(u"certs/ca.pem"_s)));
        QProcess server;
        QByteArray log;
        QVERIFY2(startServer(server, dir.path(), tls, &log), log.constData());

        // TLS with the clinic CA, by the loopback address in the certificate.
        bus::ConnectionOptions options = testing::optionsFor(u"tls://127.0.0.1:%1"_s.arg(port));
        options.tls.enabled = true;
        options.tls.caFile = dir.filePath(u"certs/ca.pem"_s);
        options.user = u"svc.registration"_s;
        options.password = passwords.value(u"svc.registration"_s);
        QVERIFY(testing::connectTo(options));
        // The same without TLS is refused.
        bus::ConnectionOptions plain = testing::optionsFor(u"nats://127.0.0.1:%1"_s.arg(port));
        plain.user = options.user;
        plain.password = options.password;
        plain.retryOnFailedConnect = false;
        plain.maxReconnect = 0;
        QVERIFY(!testing::connectTo(plain, 2000));
        // TLS without trusting the clinic CA is refused too.
        bus::ConnectionOptions untrusted = options;
        untrusted.tls.caFile.clear();
        untrusted.retryOnFailedConnect = false;
        untrusted.maxReconnect = 0;
        QVERIFY(!testing::connectTo(untrusted, 2000));
        stopServer(server);
    }
};

QTEST_GUILESS_MAIN(TestNatsAuthPackaging)
#include "test_nats_auth_packaging.moc"
