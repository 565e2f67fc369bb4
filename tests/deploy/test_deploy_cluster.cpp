// The shipped packaging/cluster files, used the way docs/deployment.md tells an operator to,
// on loopback ports in a temporary directory: the clinic CA (scripts/make-clinic-certs.sh),
// a certificate per node (make-node-cert.sh), the accounts and secrets made once
// (init-secrets.sh) and copied to the other nodes, one nats-server.conf per node
// (render-node.sh; `nats-server -t` accepts each), PostgreSQL roles and databases
// (setup-postgres.sh), cluster.env filled in from cluster.env.example, and the auth agents and
// services started by openopd-service-run with the environment and the credentials
// directory their systemd units give them. Then: the three nodes are routed with a JetStream
// meta leader; OPD_EVENTS is created with 3 replicas by the services; two registration
// instances answer; after the node leading OPD_EVENTS is SIGKILLed, the stream still takes a
// publish and audit processes it.

#include "bus/bus_test_util.h"
#include "bus/jetstream.h"
#include "bus/nats_library.h"
#include "bus/service_discovery.h"
#include "deploy/deploy_util.h"
#include "protocol/event_envelope.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <optional>
#include <vector>

using namespace openopd;
using namespace openopd::testing;
using namespace openopd::testing::deploy;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

const QString kPackaging = QStringLiteral(OPENOPD_SOURCE_DIR "/packaging/cluster/");
constexpr std::size_t kNodes = 3;
constexpr QFile::Permissions kGroupOrOther = QFile::ReadGroup | QFile::WriteGroup |
                                             QFile::ExeGroup | QFile::ReadOther |
                                             QFile::WriteOther | QFile::ExeOther;

struct Node
{
    QString name;
    quint16 clientPort = 0, clusterPort = 0, monitorPort = 0;
    std::unique_ptr<Child> server, agent;
};

} // namespace

class TestDeployCluster : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    QTemporaryDir m_root;
    PostgresServer m_postgres;
    std::vector<Node> m_nodes;
    std::vector<std::unique_ptr<Child>> m_services;
    QString m_killed; // the node SIGKILLed by the last test

    QString path(const QString& relative) const { return m_root.filePath(relative); }
    QString nodeDir(std::size_t i) const { return path(m_nodes[i].name); }
    QString secret(const QString& file) const
    {
        return readText(path(u"secrets/"_s + file)).trimmed();
    }
    QString natsUrls() const
    {
        QStringList urls;
        for (const Node& node : m_nodes)
            urls.append(u"tls://127.0.0.1:%1"_s.arg(node.clientPort));
        return urls.join(u',');
    }
    QProcessEnvironment postgresClient() const
    {
        QProcessEnvironment environment;
        environment.insert(u"PGHOST"_s, u"127.0.0.1"_s);
        environment.insert(u"PGPORT"_s, QString::number(m_postgres.port()));
        environment.insert(u"PGUSER"_s, u"postgres"_s);
        environment.insert(u"PATH"_s,
                           PostgresServer::binDir() + u':' + qEnvironmentVariable("PATH"));
        return environment;
    }
    RunResult psql(const QString& user, const QString& database, const QProcessEnvironment& extra)
    {
        QProcessEnvironment environment = postgresClient();
        environment.insert(extra);
        return run(u"psql"_s,
                   {u"-X"_s, u"-w"_s, u"-U"_s, user, u"-d"_s, database, u"-c"_s, u"SELECT 1"_s},
                   environment);
    }

    // A service connection as svc.<service> to every node, over TLS with the clinic CA.
    std::unique_ptr<bus::Connection> connectAs(const QString& service)
    {
        bus::ConnectionOptions options = optionsFor({});
        options.servers = natsUrls().split(u',');
        options.tls.enabled = true;
        options.tls.caFile = path(u"ca/ca.pem"_s);
        options.user = u"svc."_s + service;
        options.password = secret(service + u".nats"_s);
        return connectTo(options, 20000);
    }

    // The environment and credentials directory systemd gives the unit, from the shipped
    // unit file: EnvironmentFile= (this node's cluster.env), LoadCredential= (copies of the
    // secrets the unit names, under the names it gives them), StateDirectory=.
    std::unique_ptr<Child> unitProcess(std::size_t node, const QString& unitFile,
                                       const QString& instance, const QString& childName,
                                       QString* error)
    {
        const QString unit = readText(kPackaging + u"systemd/"_s + unitFile);
        const auto expand = [&](QString text) { return text.replace(u"%i"_s, instance); };
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(
            parseEnvironmentFile(readText(path(u"etc/%1/cluster.env"_s.arg(m_nodes[node].name)))));
        const QString credentials = path(u"run/%1/credentials"_s.arg(childName));
        QDir().mkpath(credentials);
        for (const QString& load : unitValues(unit, u"LoadCredential"_s)) {
            const QString id = load.section(u':', 0, 0);
            const QString source = expand(load.section(u':', 1));
            if (!source.startsWith(u"/etc/openopd/secrets/"_s)) {
                *error = u"LoadCredential from outside /etc/openopd/secrets: "_s + load;
                return nullptr;
            }
            const QString copy = path(u"secrets/"_s + QFileInfo(source).fileName());
            if (!QFile::copy(copy, credentials + u'/' + id)) {
                *error = u"no secret %1 for LoadCredential=%2"_s.arg(copy, load);
                return nullptr;
            }
        }
        environment.insert(u"CREDENTIALS_DIRECTORY"_s, credentials);
        const QString state = path(u"run/%1/state"_s.arg(childName));
        QDir().mkpath(state);
        environment.insert(u"STATE_DIRECTORY"_s, state);
        environment.insert(u"OPENOPD_INSTANCE"_s, childName.section(u'@', 1));
        const QStringList exec = expand(unitValues(unit, u"ExecStart"_s).value(0)).split(u' ');
        if (exec.size() != 2 || !exec[0].endsWith(u"/openopd-service-run"_s)) {
            *error = u"unexpected ExecStart in "_s + unitFile;
            return nullptr;
        }
        return std::make_unique<Child>(childName, kPackaging + u"openopd-service-run"_s,
                                       exec.mid(1), environment);
    }

    QString diagnostics()
    {
        QString text;
        for (Node& node : m_nodes) {
            if (node.server)
                text += u"\n--- "_s + node.name + u'\n' + tail(node.server->log(), 12);
            if (node.agent)
                text += u"\n--- agent "_s + node.name + u'\n' + tail(node.agent->log(), 5);
        }
        for (auto& service : m_services)
            text += u"\n--- "_s + service->name() + u'\n' + tail(service->log(), 12);
        return text;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        m_library.emplace();
        QVERIFY(m_root.isValid());
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        // The programs where cluster.env's OPENOPD_BIN_DIR says they are installed.
        QVERIFY(QDir().mkpath(path(u"bin"_s)));
        for (const auto& [name, target] :
             {std::pair{u"openopd-registration"_s, QStringLiteral(OPENOPD_REGISTRATION_BIN)},
              std::pair{u"openopd-audit"_s, QStringLiteral(OPENOPD_AUDIT_BIN)},
              std::pair{u"openopd-identity"_s, QStringLiteral(OPENOPD_IDENTITY_BIN)},
              std::pair{u"openopd-nats-auth"_s, QStringLiteral(OPENOPD_NATS_AUTH_BIN)}})
            QVERIFY(QFile::link(target, path(u"bin/"_s + name)));
        for (std::size_t i = 0; i < kNodes; ++i) {
            Node node;
            node.name = u"n%1"_s.arg(i + 1);
            node.clientPort = findFreeTcpPort();
            node.clusterPort = findFreeTcpPort();
            node.monitorPort = findFreeTcpPort();
            m_nodes.push_back(std::move(node));
        }
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << diagnostics();
    }

    void cleanupTestCase()
    {
        for (auto& service : m_services)
            service->terminate(30000);
        for (Node& node : m_nodes) {
            if (node.agent)
                node.agent->terminate(10000);
            if (node.server)
                node.server->terminate(30000);
        }
    }

    // Certificates, the secrets made once and copied, one valid config per node.
    void nodeConfigsFromTheShippedScripts()
    {
        RunResult result =
            run(u"bash"_s, {QStringLiteral(OPENOPD_SOURCE_DIR "/scripts/make-clinic-certs.sh"),
                            path(u"ca"_s)});
        QVERIFY2(result.exitCode == 0, result.output.constData());
        for (std::size_t i = 0; i < kNodes; ++i) {
            result = run(u"bash"_s, {kPackaging + u"make-node-cert.sh"_s, path(u"ca"_s),
                                     nodeDir(i) + u"/tls"_s, u"127.0.0.1"_s, u"localhost"_s});
            QVERIFY2(result.exitCode == 0, result.output.constData());
            QCOMPARE(QFile(nodeDir(i) + u"/tls/node-key.pem"_s).permissions() & kGroupOrOther,
                     QFile::Permissions());
        }

        const QStringList initSecrets{kPackaging + u"init-secrets.sh"_s,
                                      u"--nats-dir"_s,
                                      nodeDir(0) + u"/nats"_s,
                                      u"--secrets-dir"_s,
                                      path(u"secrets"_s),
                                      u"--nats-auth"_s,
                                      path(u"bin/openopd-nats-auth"_s)};
        result = run(u"bash"_s, initSecrets);
        QVERIFY2(result.exitCode == 0, result.output.constData());
        for (const QString& file : {u"registration.nats"_s, u"consultation.nats"_s,
                                    u"pharmacy.nats"_s, u"discharge.nats"_s, u"audit.nats"_s,
                                    u"identity.nats"_s, u"nats-auth.nats"_s, u"route.secret"_s}) {
            QVERIFY2(secret(file).size() >= 32, qPrintable(file));
            QCOMPARE(QFile(path(u"secrets/"_s + file)).permissions() & kGroupOrOther,
                     QFile::Permissions());
        }
        // A second run would change every password under running services: refused.
        const QString before = secret(u"registration.nats"_s);
        result = run(u"bash"_s, initSecrets);
        QVERIFY(result.exitCode != 0);
        QVERIFY2(result.output.contains("exists"), result.output.constData());
        QCOMPARE(secret(u"registration.nats"_s), before);

        for (std::size_t i = 0; i < kNodes; ++i) {
            if (i > 0) { // the same accounts everywhere (docs/deployment.md)
                QVERIFY(QDir().mkpath(nodeDir(i) + u"/nats"_s));
                for (const QString& file : {u"accounts.conf"_s, u"staff-users.conf"_s})
                    QVERIFY(QFile::copy(nodeDir(0) + u"/nats/"_s + file,
                                        nodeDir(i) + u"/nats/"_s + file));
            }
            QStringList peers;
            for (std::size_t j = 0; j < kNodes; ++j)
                if (j != i)
                    peers.append(u"127.0.0.1:%1"_s.arg(m_nodes[j].clusterPort));
            const Node& node = m_nodes[i];
            result = run(u"bash"_s, {kPackaging + u"render-node.sh"_s,
                                     u"--name"_s,
                                     node.name,
                                     u"--host"_s,
                                     u"127.0.0.1"_s,
                                     u"--peers"_s,
                                     peers.join(u','),
                                     u"--dir"_s,
                                     nodeDir(i) + u"/nats"_s,
                                     u"--pid-file"_s,
                                     nodeDir(i) + u"/nats/nats-server.pid"_s,
                                     u"--tls-dir"_s,
                                     nodeDir(i) + u"/tls"_s,
                                     u"--route-secret"_s,
                                     path(u"secrets/route.secret"_s),
                                     u"--bind"_s,
                                     u"127.0.0.1"_s,
                                     u"--client-port"_s,
                                     QString::number(node.clientPort),
                                     u"--cluster-port"_s,
                                     QString::number(node.clusterPort),
                                     u"--monitor"_s,
                                     u"127.0.0.1:%1"_s.arg(node.monitorPort),
                                     u"--max-file-store"_s,
                                     u"1GB"_s,
                                     u"--max-memory-store"_s,
                                     u"64MB"_s});
            QVERIFY2(result.exitCode == 0, result.output.constData());
            const QString config = nodeDir(i) + u"/nats/nats-server.conf"_s;
            // It holds the route password: its owner only.
            QCOMPARE(QFile(config).permissions() & kGroupOrOther, QFile::Permissions());
            QVERIFY(readText(config).contains(secret(u"route.secret"_s)));
            result = run(NatsServer::executable(), {u"-t"_s, u"-c"_s, config});
            QVERIFY2(result.exitCode == 0 && result.output.contains("is valid"),
                     result.output.constData());
        }
    }

    void nodesFormAClusterWithJetStream()
    {
        QVERIFY(!m_nodes[0].name.isEmpty());
        for (std::size_t i = 0; i < kNodes; ++i) {
            Node& node = m_nodes[i];
            node.server = std::make_unique<Child>(
                node.name, NatsServer::executable(),
                QStringList{u"-c"_s, nodeDir(i) + u"/nats/nats-server.conf"_s},
                QProcessEnvironment::systemEnvironment());
            QVERIFY2(node.server->start("Server is ready", 20000),
                     qPrintable(tail(node.server->log())));
        }
        // docs/deployment.md's checks: /routez shows the two other nodes, /jsz a meta leader
        // of a three-node JetStream cluster, /healthz is ok.
        for (Node& node : m_nodes) {
            QVERIFY2(
                QTest::qWaitFor(
                    [&] {
                        const QJsonObject routez = monitoringJson(node.monitorPort, u"/routez"_s);
                        const QJsonObject meta = monitoringJson(node.monitorPort, u"/jsz"_s)
                                                     .value(u"meta_cluster"_s)
                                                     .toObject();
                        const QJsonObject health = monitoringJson(node.monitorPort, u"/healthz"_s);
                        return health.value(u"status"_s).toString() == u"ok"_s &&
                               routez.value(u"num_routes"_s).toInt() ==
                                   static_cast<int>(kNodes) - 1 &&
                               meta.value(u"cluster_size"_s).toInt() == static_cast<int>(kNodes) &&
                               !meta.value(u"leader"_s).toString().isEmpty();
                    },
                    60000),
                qPrintable(node.name + u": no cluster"_s + diagnostics()));
        }
    }

    // One role and database per service; a role reaches its own database only, with the
    // password from its .pgpass file.
    void postgresRolesAndDatabases()
    {
        const QStringList setup{kPackaging + u"setup-postgres.sh"_s, u"--secrets-dir"_s,
                                path(u"secrets"_s)};
        RunResult result = run(u"bash"_s, setup, postgresClient());
        QVERIFY2(result.exitCode == 0, result.output.constData());
        const QString auditPgpass = secret(u"audit.pgpass"_s);
        QVERIFY(auditPgpass.startsWith(u"*:*:openopd_audit:openopd_audit:"_s));
        QCOMPARE(QFile(path(u"secrets/audit.pgpass"_s)).permissions() & kGroupOrOther,
                 QFile::Permissions());
        // Idempotent: a second run keeps the passwords.
        result = run(u"bash"_s, setup, postgresClient());
        QVERIFY2(result.exitCode == 0, result.output.constData());
        QCOMPARE(secret(u"audit.pgpass"_s), auditPgpass);

        // Passwords from now on (the test server trusts everyone by default), as a real one.
        QVERIFY(writeText(m_postgres.dataDir() + u"/pg_hba.conf"_s,
                          u"local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                          "host all all 127.0.0.1/32 scram-sha-256\n"_s));
        result = run(u"psql"_s, {u"-X"_s, u"-c"_s, u"SELECT pg_reload_conf()"_s}, postgresClient());
        QVERIFY2(result.exitCode == 0, result.output.constData());
        QProcessEnvironment withPgpass;
        withPgpass.insert(u"PGPASSFILE"_s, path(u"secrets/audit.pgpass"_s));
        result = psql(u"openopd_audit"_s, u"openopd_audit"_s, withPgpass);
        QVERIFY2(result.exitCode == 0, result.output.constData());
        QProcessEnvironment noPassword;
        noPassword.insert(u"PGPASSFILE"_s, path(u"no-such-file"_s));
        result = psql(u"openopd_audit"_s, u"openopd_audit"_s, noPassword);
        QVERIFY2(result.exitCode != 0, result.output.constData());
        QProcessEnvironment auditPassword;
        auditPassword.insert(u"PGPASSWORD"_s, auditPgpass.section(u':', 4));
        result = psql(u"openopd_audit"_s, u"openopd_registration"_s, auditPassword);
        QVERIFY2(result.exitCode != 0 && result.output.contains("permission denied"),
                 result.output.constData());
    }

    // The first administrator, with the command docs/deployment.md gives (step 7).
    void firstAdministratorAsTheGuideSays()
    {
        QProcessEnvironment environment;
        environment.insert(u"PGPASSFILE"_s, path(u"secrets/identity.pgpass"_s));
        const RunResult result =
            run(path(u"bin/openopd-identity"_s),
                {u"--db"_s,
                 u"postgresql://openopd_identity@127.0.0.1:%1/openopd_identity"_s.arg(
                     m_postgres.port()),
                 u"--data-dir"_s, path(u"admin"_s), u"--create-admin"_s, u"admin"_s},
                environment, 60000, "a-long-admin-password\n");
        QVERIFY2(result.exitCode == 0, result.output.constData());
    }

    // cluster.env from the shipped example; agents and services as their units start them.
    void servicesStartAsTheUnitsSay()
    {
        QVERIFY(m_nodes[0].server && m_nodes[0].server->isRunning());
        const QString example = readText(kPackaging + u"cluster.env.example"_s);
        QVERIFY(!example.isEmpty());
        for (std::size_t i = 0; i < kNodes; ++i) {
            QString error;
            const QString text = fillEnvironmentFile(
                example,
                {{u"OPENOPD_NATS_URLS"_s, natsUrls()},
                 {u"OPENOPD_TLS_CA"_s, nodeDir(i) + u"/tls/ca.pem"_s},
                 {u"OPENOPD_PG_HOST"_s, u"127.0.0.1"_s},
                 {u"OPENOPD_PG_PORT"_s, QString::number(m_postgres.port())},
                 {u"OPENOPD_BIN_DIR"_s, path(u"bin"_s)},
                 {u"OPENOPD_AGENT_NATS_URL"_s, u"tls://127.0.0.1:%1"_s.arg(m_nodes[i].clientPort)},
                 {u"OPENOPD_NATS_DIR"_s, nodeDir(i) + u"/nats"_s},
                 {u"OPENOPD_NATS_PID_FILE"_s, nodeDir(i) + u"/nats/nats-server.pid"_s},
                 {u"OPENOPD_NATS_MONITOR_URL"_s,
                  u"http://127.0.0.1:%1"_s.arg(m_nodes[i].monitorPort)}},
                &error);
            QVERIFY2(!text.isEmpty(), qPrintable(error));
            QVERIFY(QDir().mkpath(path(u"etc/"_s + m_nodes[i].name)));
            QVERIFY(writeText(path(u"etc/%1/cluster.env"_s.arg(m_nodes[i].name)), text));
        }
        for (std::size_t i = 0; i < kNodes; ++i) {
            QString error;
            m_nodes[i].agent = unitProcess(i, u"openopd-nats-auth-agent.service"_s, {},
                                           u"nats-auth-agent@"_s + m_nodes[i].name, &error);
            QVERIFY2(m_nodes[i].agent, qPrintable(error));
            QVERIFY2(m_nodes[i].agent->start("agent started", 30000),
                     qPrintable(tail(m_nodes[i].agent->log())));
        }
        // Two registration instances (hosts n1 and n2) and audit (n3), each the way
        // openopd@<service>.service starts it.
        for (const auto& [node, service] : {std::pair{std::size_t{0}, u"registration"_s},
                                            std::pair{std::size_t{1}, u"registration"_s},
                                            std::pair{std::size_t{2}, u"audit"_s}}) {
            QString error;
            auto child = unitProcess(node, u"openopd@.service"_s, service,
                                     service + u'@' + m_nodes[node].name, &error);
            QVERIFY2(child, qPrintable(error));
            m_services.push_back(std::move(child));
            QVERIFY2(m_services.back()->start("\"msg\":\"ready", 120000),
                     qPrintable(tail(m_services.back()->log(), 30)));
        }

        // The services created the streams with three replicas, spread over the nodes.
        const QJsonObject jsz = monitoringJson(m_nodes[0].monitorPort,
                                               u"/jsz?accounts=true&streams=true&config=true"_s);
        for (const QString& stream : {u"OPD_EVENTS"_s, u"OPD_DLQ"_s}) {
            const QJsonObject detail = streamDetail(jsz, stream);
            QVERIFY2(!detail.isEmpty(), qPrintable(stream + u" missing: "_s +
                                                   QString::fromUtf8(QJsonDocument(jsz).toJson())));
            QCOMPARE(detail.value(u"config"_s).toObject().value(u"num_replicas"_s).toInt(), 3);
            const QJsonObject cluster = detail.value(u"cluster"_s).toObject();
            QVERIFY(!cluster.value(u"leader"_s).toString().isEmpty());
            QCOMPARE(cluster.value(u"replicas"_s).toArray().size(), qsizetype(kNodes) - 1);
        }
        // Both registration instances answer; each agent is connected to its own node.
        auto connection = connectAs(u"audit"_s);
        QVERIFY(connection);
        std::optional<bus::Discovery<bus::ServicePing>> pings;
        bus::discoverPing(
            *connection, u"registration"_s, 1500ms, this,
            [&](bus::Discovery<bus::ServicePing> found) { pings = std::move(found); });
        QTRY_VERIFY_WITH_TIMEOUT(pings.has_value(), 10000);
        QCOMPARE(pings->services.size(), 2);
        QVERIFY(pings->services[0].id != pings->services[1].id);
        for (const Node& node : m_nodes) {
            const QJsonObject connz = monitoringJson(node.monitorPort, u"/connz?auth=true"_s);
            bool agent = false;
            for (const QJsonValue& client : connz.value(u"connections"_s).toArray())
                agent = agent || (client.toObject().value(u"authorized_user"_s).toString() ==
                                      u"svc.nats-auth"_s &&
                                  client.toObject().value(u"tls_version"_s).toString().size() > 0);
            QVERIFY2(agent, qPrintable(node.name + u": no agent over TLS"_s));
        }
    }

    // The node that leads OPD_EVENTS dies (SIGKILL, its agent with it): the stream elects a
    // new leader among the other two and takes a publish, which audit then processes.
    void streamTakesAPublishAfterANodeIsKilled()
    {
        QCOMPARE(m_services.size(), std::size_t(3));
        const QJsonObject jsz = monitoringJson(m_nodes[0].monitorPort,
                                               u"/jsz?accounts=true&streams=true&config=true"_s);
        m_killed = streamDetail(jsz, u"OPD_EVENTS"_s)
                       .value(u"cluster"_s)
                       .toObject()
                       .value(u"leader"_s)
                       .toString();
        Node* victim = nullptr;
        for (Node& node : m_nodes)
            if (node.name == m_killed)
                victim = &node;
        QVERIFY2(victim, qPrintable(u"no node leads OPD_EVENTS: "_s + m_killed));
        victim->agent->kill();
        victim->server->kill();
        qInfo("SIGKILLed %s, the leader of OPD_EVENTS", qPrintable(m_killed));

        auto connection = connectAs(u"registration"_s);
        QVERIFY(connection);
        protocol::AnyEvent event;
        event.id = protocol::newId();
        event.type = u"patient.registered"_s;
        event.occurredAt = protocol::nowUtc();
        event.actor = {u"deploy-test"_s, u"Deployment test"_s, protocol::StaffRole::Reception};
        const QByteArray data = QJsonDocument(event.toJson()).toJson(QJsonDocument::Compact);
        // Retried with the same Nats-Msg-Id while the stream elects its new leader.
        std::optional<bus::Result<bus::PublishAck>> ack;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60000) {
            std::optional<bus::Result<bus::PublishAck>> reply;
            bus::publishDurable(*connection, "opd.events.patient.registered", data,
                                event.id.toUtf8(), this,
                                [&](bus::Result<bus::PublishAck> r) { reply = std::move(r); });
            QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), 15000);
            if (reply->ok()) {
                ack = std::move(reply);
                break;
            }
            qInfo("publish not taken yet: %s", qPrintable(reply->error().toString()));
            QTest::qWait(500);
        }
        QVERIFY2(ack.has_value(), qPrintable(diagnostics()));
        QCOMPARE((*ack)->stream, u"OPD_EVENTS"_s);
        qInfo("OPD_EVENTS took the publish %lld ms after the kill (sequence %llu)", timer.elapsed(),
              static_cast<unsigned long long>((*ack)->sequence));

        // audit processed it (its consumers' counters are the data of $SRV.STATS).
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                std::optional<bus::Result<bus::Message>> stats;
                connection->request("$SRV.STATS.audit", {}, {}, this,
                                    [&](bus::Result<bus::Message> r) { stats = std::move(r); });
                if (!QTest::qWaitFor([&] { return stats.has_value(); }, 6000) || !stats->ok())
                    return false;
                const QJsonObject counters =
                    QJsonDocument::fromJson((*stats)->data).object().value(u"data"_s).toObject();
                return counters.value(u"consumers"_s)
                           .toObject()
                           .value(u"audit-log"_s)
                           .toObject()
                           .value(u"processed"_s)
                           .toInteger() >= 1;
            }(),
            60000);
        // The registration instances whose node died moved to another: both still answer.
        std::optional<bus::Discovery<bus::ServicePing>> pings;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                pings.reset();
                bus::discoverPing(
                    *connection, u"registration"_s, 1000ms, this,
                    [&](bus::Discovery<bus::ServicePing> found) { pings = std::move(found); });
                return QTest::qWaitFor([&] { return pings.has_value(); }, 5000) &&
                       pings->services.size() == 2;
            }(),
            60000);
        for (auto& service : m_services)
            QVERIFY2(service->isRunning(), qPrintable(service->name()));
    }
};

QTEST_GUILESS_MAIN(TestDeployCluster)
#include "test_deploy_cluster.moc"
