// Issue 12, backups of one service and of the streams, and every refusal: a backup taken
// online from SQLite and from PostgreSQL (pg_dump) restores whole; a restore never writes
// into a target that has data, and a file that is not a whole backup of this service
// (truncated, altered, another service's, another kind, not a backup at all) is refused
// before anything is written. openopd-streams refuses an existing snapshot file, a damaged
// snapshot and a stream that exists. A single server's snapshot restores onto a 3-node
// cluster with three replicas.

#include "backup_support.h"
#include "bus/connection.h"
#include "bus/nats_library.h"
#include "service/service_process.h"
#include "support/nats_cluster.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace openopd;
using namespace openopd::testing;
using namespace openopd::testing::backup;

namespace {

const QString kRegistration = QStringLiteral(OPENOPD_REGISTRATION_BIN);
const QString kAudit = QStringLiteral(OPENOPD_AUDIT_BIN);
const QString kStreams = QStringLiteral(OPENOPD_STREAMS_BIN);

QByteArray sha256Of(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Rows per table of a PostgreSQL database (public schema), for comparing two databases.
QMap<QString, qint64> tableRows(const QString& url)
{
    QMap<QString, qint64> rows;
    const QUrl parsed(url);
    const QString name = u"rows-"_qs + parsed.path().mid(1);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port());
        db.setUserName(parsed.userName());
        db.setDatabaseName(parsed.path().mid(1));
        if (db.open()) {
            QSqlQuery tables(db);
            QStringList names;
            if (tables.exec(
                    QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")))
                while (tables.next())
                    names << tables.value(0).toString();
            for (const QString& table : std::as_const(names)) {
                QSqlQuery count(db);
                // Table names come from the catalog, not from input.
                if (count.exec(u"SELECT COUNT(*) FROM \""_qs + table + u'"') && count.next())
                    rows.insert(table, count.value(0).toLongLong());
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

} // namespace

class TestBackupService : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    NatsServer m_nats;
    QTemporaryDir m_dir;
    std::unique_ptr<ServiceProcess> m_registration;

    QString path(const QString& name) const { return m_dir.filePath(name); }
    QString sourceDir() const { return path(QStringLiteral("registration")); }
    QString goodBackup() const { return path(QStringLiteral("registration.backup")); }

    // A restore of file into a fresh directory that must be refused with a message
    // containing `why`, leaving the directory uncreated.
    void refusedRestore(const QString& executable, const QString& file, const QString& why)
    {
        static int n = 0;
        const QString target = path(QStringLiteral("refused-%1").arg(++n));
        const ToolRun run = runTool(executable, {QStringLiteral("--data-dir"), target,
                                                 QStringLiteral("--restore-from"), file});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(why), qPrintable(run.output));
        QVERIFY2(run.output.contains(u"nothing was written"), qPrintable(run.output));
        QVERIFY2(!QFileInfo::exists(target), qPrintable(target + u" was created"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_library.emplace();
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_nats.start(), qPrintable(m_nats.errorString()));
        m_registration = std::make_unique<ServiceProcess>(
            kRegistration,
            QStringList{QStringLiteral("--nats-url"), m_nats.url(), QStringLiteral("--data-dir"),
                        sourceDir(), QStringLiteral("--insecure-no-auth"),
                        QStringLiteral("--seed-demo")});
        QVERIFY2(m_registration->start({}, 60000), qPrintable(m_registration->log()));
    }

    void sqliteBackupIsOnlineAndRestoresWhole()
    {
        const ToolRun backup =
            runTool(kRegistration, {QStringLiteral("--data-dir"), sourceDir(),
                                    QStringLiteral("--backup-to"), goodBackup()});
        QVERIFY2(backup.exitCode == 0, qPrintable(backup.output));
        QVERIFY(m_registration->isRunning());
        QCOMPARE(QFileInfo(goodBackup()).permissions() & (QFile::ReadOther | QFile::ReadGroup),
                 QFile::Permissions());
        const QString target = path(QStringLiteral("restored"));
        const ToolRun restore =
            runTool(kRegistration, {QStringLiteral("--data-dir"), target,
                                    QStringLiteral("--restore-from"), goodBackup()});
        QVERIFY2(restore.exitCode == 0, qPrintable(restore.output));
        // The restored database runs: the service starts on it and is ready.
        ServiceProcess restored(kRegistration, {QStringLiteral("--nats-url"), m_nats.url(),
                                                QStringLiteral("--data-dir"), target,
                                                QStringLiteral("--insecure-no-auth")});
        QVERIFY2(restored.start({}, 60000), qPrintable(restored.log()));
        QCOMPARE(restored.terminate(), 0);
    }

    void aBackupNeverOverwritesNorInventsADatabase()
    {
        const QByteArray before = sha256Of(goodBackup());
        ToolRun run = runTool(kRegistration, {QStringLiteral("--data-dir"), sourceDir(),
                                              QStringLiteral("--backup-to"), goodBackup()});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(u"already exists"), qPrintable(run.output));
        QCOMPARE(sha256Of(goodBackup()), before);

        const QString empty = path(QStringLiteral("no-database-here"));
        run = runTool(kRegistration, {QStringLiteral("--data-dir"), empty,
                                      QStringLiteral("--backup-to"), path(u"x.backup"_qs)});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(u"there is no database"), qPrintable(run.output));
        QVERIFY(!QFileInfo::exists(path(u"x.backup"_qs)));
        QVERIFY(!QFileInfo::exists(empty));

        run = runTool(kRegistration, {QStringLiteral("--backup-to"), path(u"a"_qs),
                                      QStringLiteral("--restore-from"), goodBackup()});
        QCOMPARE(run.exitCode, 2);
    }

    void aTargetWithDataIsRefused()
    {
        const QString target = path(QStringLiteral("restored"));
        const QString file = target + u"/registration.sqlite";
        const QByteArray before = sha256Of(file);
        QVERIFY(!before.isEmpty());
        const ToolRun run =
            runTool(kRegistration, {QStringLiteral("--data-dir"), target,
                                    QStringLiteral("--restore-from"), goodBackup()});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(u"the target already has data"), qPrintable(run.output));
        QCOMPARE(sha256Of(file), before);
    }

    void aFileThatIsNotAWholeBackupOfThisServiceIsRefused()
    {
        const QByteArray good = readFile(goodBackup());
        QVERIFY(good.size() > 1000);
        const QString truncated = path(QStringLiteral("truncated.backup"));
        QVERIFY(writeFile(truncated, good.left(good.size() - 100)));
        refusedRestore(kRegistration, truncated, QStringLiteral("truncated"));

        QByteArray altered = good;
        altered[altered.size() - 5000] = char(altered.at(altered.size() - 5000) ^ 0x01);
        const QString damaged = path(QStringLiteral("damaged.backup"));
        QVERIFY(writeFile(damaged, altered));
        refusedRestore(kRegistration, damaged, QStringLiteral("SHA-256"));

        refusedRestore(kAudit, goodBackup(), QStringLiteral("not of 'audit'"));

        const QString text = path(QStringLiteral("notes.txt"));
        QVERIFY(writeFile(text, "registration database, Monday\n"));
        refusedRestore(kRegistration, text, QStringLiteral("not an OpenOPD backup file"));

        QByteArray header = good;
        header.replace("\"kind\":\"sqlite\"", "\"kind\":\"pg_dump\"");
        const QString otherKind = path(QStringLiteral("other-kind.backup"));
        QVERIFY(writeFile(otherKind, header));
        refusedRestore(kRegistration, otherKind, QStringLiteral("expected sqlite"));
    }

    void postgresBackupWithPgDumpRestoresWhole()
    {
        PostgresServer postgres;
        if (PostgresServer::binDir().isEmpty())
            QSKIP("PostgreSQL is not installed");
        QVERIFY2(postgres.start(), qPrintable(postgres.errorString()));
        QVERIFY2(postgres.createDatabase(QStringLiteral("reg_source")),
                 qPrintable(postgres.errorString()));
        QVERIFY2(postgres.createDatabase(QStringLiteral("reg_copy")),
                 qPrintable(postgres.errorString()));
        const QString source = postgres.connectionUrl(QStringLiteral("reg_source"));
        const QString copy = postgres.connectionUrl(QStringLiteral("reg_copy"));
        ServiceProcess service(kRegistration,
                               {QStringLiteral("--nats-url"), m_nats.url(), QStringLiteral("--db"),
                                source, QStringLiteral("--insecure-no-auth"),
                                QStringLiteral("--instance"), QStringLiteral("pg")});
        QVERIFY2(service.start({QStringLiteral("--seed-demo")}, 60000), qPrintable(service.log()));

        const QString file = path(QStringLiteral("registration-pg.backup"));
        ToolRun run = runTool(
            kRegistration, {QStringLiteral("--db"), source, QStringLiteral("--backup-to"), file});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        qInfo("pg_dump backup: %lld bytes in %lld ms", fileSize(file), run.elapsedMs);
        QVERIFY(service.isRunning());
        QCOMPARE(service.terminate(), 0); // the source stays as it was backed up
        const QMap<QString, qint64> before = tableRows(source);
        QVERIFY(before.value(QStringLiteral("patients")) > 0);

        // A SQLite backup is no PostgreSQL backup.
        run = runTool(kRegistration, {QStringLiteral("--db"), copy,
                                      QStringLiteral("--restore-from"), goodBackup()});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(u"expected pg_dump"), qPrintable(run.output));
        QVERIFY(tableRows(copy).isEmpty());

        run = runTool(kRegistration,
                      {QStringLiteral("--db"), copy, QStringLiteral("--restore-from"), file});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        qInfo("pg_restore: %lld ms", run.elapsedMs);
        QCOMPARE(tableRows(copy), before);

        run = runTool(kRegistration,
                      {QStringLiteral("--db"), copy, QStringLiteral("--restore-from"), file});
        QCOMPARE(run.exitCode, 3);
        QVERIFY2(run.output.contains(u"the target already has data"), qPrintable(run.output));
        QCOMPARE(tableRows(copy), before);

        ServiceProcess restored(kRegistration,
                                {QStringLiteral("--nats-url"), m_nats.url(), QStringLiteral("--db"),
                                 copy, QStringLiteral("--insecure-no-auth")});
        QVERIFY2(restored.start({}, 60000), qPrintable(restored.log()));
        QCOMPARE(restored.terminate(), 0);
    }

    void streamSnapshotsAreCheckedBeforeARestore()
    {
        const QString dir = path(QStringLiteral("streams"));
        QVERIFY(QDir().mkpath(dir));
        const QStringList server{QStringLiteral("--nats-url"), m_nats.url()};
        ToolRun run = runTool(kStreams, server + QStringList{QStringLiteral("--snapshot-to"), dir});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        run = runTool(kStreams, server + QStringList{QStringLiteral("--snapshot-to"), dir});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"already exists"), qPrintable(run.output));

        // A damaged OPD_EVENTS snapshot: refused before anything reaches the server, so the
        // good one restores afterwards (a restore refuses streams that exist).
        NatsServer fresh;
        QVERIFY2(fresh.start(), qPrintable(fresh.errorString()));
        const QStringList freshServer{QStringLiteral("--nats-url"), fresh.url()};
        const QString damagedDir = path(QStringLiteral("streams-damaged"));
        QVERIFY(QDir().mkpath(damagedDir));
        QByteArray events = readFile(dir + u"/OPD_EVENTS.jsbackup");
        events.chop(1);
        QVERIFY(writeFile(damagedDir + u"/OPD_EVENTS.jsbackup", events));
        QVERIFY(QFile::copy(dir + u"/OPD_DLQ.jsbackup", damagedDir + u"/OPD_DLQ.jsbackup"));
        run = runTool(kStreams,
                      freshServer + QStringList{QStringLiteral("--restore-from"), damagedDir});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"truncated") && run.output.contains(u"nothing was restored"),
                 qPrintable(run.output));

        run = runTool(kStreams, freshServer + QStringList{QStringLiteral("--restore-from"), dir});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        QVERIFY2(run.output.contains(u"OPD_EVENTS: restored"), qPrintable(run.output));
        run = runTool(kStreams, freshServer + QStringList{QStringLiteral("--restore-from"), dir});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.output.contains(u"OPD_EVENTS already exists"), qPrintable(run.output));
        fresh.stop();
    }

    void streamsRestoreOntoAClusterWithThreeReplicas()
    {
        // The snapshot of the single server above, onto a 3-node cluster (the clustered
        // restore goes through the meta leader): three replicas, every message.
        const QString dir = path(QStringLiteral("streams"));
        QVERIFY(QFileInfo::exists(dir + u"/OPD_EVENTS.jsbackup"));
        NatsCluster cluster(3);
        QVERIFY2(cluster.start(), qPrintable(cluster.errorString()));
        const ToolRun run = runTool(kStreams, {QStringLiteral("--nats-url"), cluster.urls(),
                                               QStringLiteral("--restore-from"), dir,
                                               QStringLiteral("--replicas"), QStringLiteral("3")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.output));
        qInfo("%s", qPrintable(run.output.trimmed()));

        bus::ConnectionOptions options;
        options.servers = cluster.urlList();
        bus::Connection client(options);
        client.open();
        QVERIFY(QTest::qWaitFor([&] { return client.state() == bus::Connection::State::Connected; },
                                10000));
        QJsonObject info;
        QObject context;
        client.request("$JS.API.STREAM.INFO.OPD_EVENTS", {}, bus::RequestOptions{}, &context,
                       [&](bus::Result<bus::Message> reply) {
                           if (reply)
                               info = QJsonDocument::fromJson(reply->data).object();
                       });
        QVERIFY(QTest::qWaitFor([&] { return !info.isEmpty(); }, 10000));
        QCOMPARE(info.value(u"config"_qs).toObject().value(u"num_replicas"_qs).toInt(), 3);
        QCOMPARE(info.value(u"cluster"_qs).toObject().value(u"replicas"_qs).toArray().size(),
                 qsizetype(2));
        const qint64 messages =
            info.value(u"state"_qs).toObject().value(u"messages"_qs).toInteger();
        QVERIFY(messages > 0);
        client.close();

        // And a snapshot of the R3 stream (answered by its leader) holds them all.
        const QString again = path(QStringLiteral("streams-from-cluster"));
        QVERIFY(QDir().mkpath(again));
        const ToolRun snapshot = runTool(kStreams, {QStringLiteral("--nats-url"), cluster.urls(),
                                                    QStringLiteral("--snapshot-to"), again});
        QVERIFY2(snapshot.exitCode == 0, qPrintable(snapshot.output));
        QVERIFY2(snapshot.output.contains(QStringLiteral("OPD_EVENTS: %1 messages").arg(messages)),
                 qPrintable(snapshot.output));
        cluster.stop();
    }

    void cleanupTestCase()
    {
        if (m_registration)
            m_registration->terminate();
        m_nats.stop();
    }
};

QTEST_GUILESS_MAIN(TestBackupService)
#include "test_backup_service.moc"
