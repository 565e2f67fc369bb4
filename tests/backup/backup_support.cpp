#include "backup_support.h"

#include "access/secret_hash.h"
#include "bus/connection.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <csignal>

namespace openopd::testing::backup {

ToolRun runTool(const QString& program, const QStringList& arguments,
                const QByteArray& standardInput, int timeoutMs)
{
    ToolRun run;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer timer;
    timer.start();
    process.start(program, arguments);
    if (!process.waitForStarted(10000)) {
        run.output = process.errorString();
        return run;
    }
    if (!standardInput.isEmpty())
        process.write(standardInput);
    process.closeWriteChannel();
    const bool finished =
        QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs);
    run.elapsedMs = timer.elapsed();
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    run.output = QString::fromUtf8(process.readAll());
    if (finished && process.exitStatus() == QProcess::NormalExit)
        run.exitCode = process.exitCode();
    return run;
}

QByteArray backupUserEntry(const QString& user, const QByteArray& bcryptHash)
{
    // Snapshot and restore of the two OPD streams and nothing else: no delete, no purge, no
    // messages of its own.
    QByteArray publish;
    for (const char* stream : {"OPD_EVENTS", "OPD_DLQ"}) {
        const QByteArray s(stream);
        publish += "\"$JS.API.STREAM.INFO." + s + "\", \"$JS.API.STREAM.SNAPSHOT." + s +
                   "\", \"$JS.API.STREAM.RESTORE." + s + "\", \"$JS.SNAPSHOT.ACK." + s +
                   ".>\", \"$JS.SNAPSHOT.RESTORE." + s + ".>\", ";
    }
    publish.chop(2);
    return "      {user: \"" + user.toUtf8() + "\", password: \"" + bcryptHash +
           "\", permissions: {publish: [" + publish + "], subscribe: [\"_INBOX.>\"]}}\n";
}

bool addBackupUser(NatsServer& nats, const QString& user, const QByteArray& password,
                   QString* error)
{
    static const QRegularExpression include(QStringLiteral("include \"([^\"]+)\""));
    const auto match = include.match(nats.extraConfig());
    if (!match.hasMatch()) {
        *error = QStringLiteral("the nats-server includes no accounts file (not secured?)");
        return false;
    }
    const QString path = QDir(nats.directory()).absoluteFilePath(match.captured(1));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = path + u": " + file.errorString();
        return false;
    }
    QByteArray accounts = file.readAll();
    file.close();
    // The first users list is the SERVICES account's (as OpdCluster adds its observer).
    const QByteArray usersList = "    users: [\n";
    const qsizetype at = accounts.indexOf(usersList);
    const auto hash = access::bcryptHash(password);
    if (at < 0 || !hash) {
        *error = QStringLiteral("unexpected accounts.conf layout");
        return false;
    }
    accounts.insert(at + usersList.size(), backupUserEntry(user, *hash));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        file.write(accounts) != accounts.size()) {
        *error = path + u": " + file.errorString();
        return false;
    }
    file.close();
    if (nats.processId() <= 0 || ::kill(pid_t(nats.processId()), SIGHUP) != 0) {
        *error = QStringLiteral("cannot signal the nats-server to reload");
        return false;
    }
    bus::ConnectionOptions options;
    options.servers = {nats.url()};
    options.user = user;
    options.password = QString::fromUtf8(password);
    options.retryOnFailedConnect = false;
    options.maxReconnect = 0;
    // The reload takes a moment: try until the server accepts the new user.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000) {
        bus::Connection probe(options);
        probe.open();
        if (QTest::qWaitFor([&] { return probe.state() == bus::Connection::State::Connected; },
                            3000))
            return true;
        QTest::qWait(200);
    }
    *error = QStringLiteral("the backup user cannot connect after the reload:\n") + nats.log();
    return false;
}

qint64 fileSize(const QString& path)
{
    const QFileInfo info(path);
    return info.exists() ? info.size() : -1;
}

} // namespace openopd::testing::backup
