// openopd-nats-auth: the nats-server authorization of a clinic (docs/security.md).
//
//   openopd-nats-auth init --dir DIR [--no-jetstream]
//       writes DIR/accounts.conf (fresh service passwords, bcrypt hashes only) and an empty
//       DIR/staff-users.conf; prints "svc.<service> <password>" per line on stdout.
//   openopd-nats-auth agent --nats-url URL --users-file FILE (--pid-file F | --nats-pid N)
//       [--password-stdin] [--interval-ms 2000] [--tls-ca FILE] [--session-inboxes]
//       keeps FILE equal to the identity service's sessions and reloads nats-server.
//   openopd-nats-auth matrix
//       prints the role x subject table of docs/security.md.

#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "bus/nats_library.h"
#include "host/json_log.h"
#include "host/signal_watcher.h"
#include "nats-auth/nats_auth_agent.h"
#include "nats-auth/nats_auth_config.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QTextStream>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

using namespace openopd;

namespace {

int fail(const QString& message)
{
    std::fprintf(stderr, "openopd-nats-auth: %s\n", qPrintable(message));
    return 2;
}

QString usage()
{
    return QStringLiteral(
        "usage: openopd-nats-auth init --dir DIR [--no-jetstream]\n"
        "       openopd-nats-auth agent --nats-url URL --users-file FILE\n"
        "                         (--pid-file F | --nats-pid N) [--password-stdin]\n"
        "                         [--interval-ms 2000] [--tls-ca FILE] [--session-inboxes]\n"
        "                         [--monitor-url http://127.0.0.1:8222]\n"
        "       openopd-nats-auth matrix\n");
}

int runInit(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption dir(QStringLiteral("dir"),
                                 QStringLiteral("Where to write accounts.conf."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption noJetStream(QStringLiteral("no-jetstream"),
                                         QStringLiteral("Leave JetStream off in SERVICES."));
    parser.addOptions({dir, noJetStream});
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (!parser.isSet(dir))
        return fail(QStringLiteral("init needs --dir DIR"));
    const QString directory = parser.value(dir);
    if (!QDir().mkpath(directory))
        return fail(QStringLiteral("cannot create ") + directory);

    QList<natsauth::UserEntry> services;
    QByteArray lines;
    for (const QString& service : natsauth::serviceNames()) {
        const QString user = access::serviceUserName(service);
        const QByteArray password = access::randomSecret();
        const std::optional<QByteArray> hash = access::bcryptHash(password);
        if (!hash)
            return fail(QStringLiteral("bcrypt failed"));
        services.append({user, *hash});
        lines += user.toUtf8() + ' ' + password + '\n';
    }
    natsauth::AccountsOptions options;
    options.jetStream = !parser.isSet(noJetStream);
    QString error;
    if (!natsauth::writeFileAtomically(directory + QStringLiteral("/accounts.conf"),
                                       natsauth::renderAccounts(services, options), &error) ||
        !natsauth::writeFileAtomically(directory + QStringLiteral("/staff-users.conf"),
                                       natsauth::renderStaffUsers({}), &error))
        return fail(error);
    std::fwrite(lines.constData(), 1, static_cast<size_t>(lines.size()), stdout);
    std::fflush(stdout);
    return 0;
}

int runAgent(const QCoreApplication& app, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption url(QStringLiteral("nats-url"), QStringLiteral("NATS server URL."),
                                 QStringLiteral("URL"), QStringLiteral("nats://127.0.0.1:4222"));
    const QCommandLineOption usersFile(QStringLiteral("users-file"),
                                       QStringLiteral("The staff-users.conf to keep."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption pidFile(QStringLiteral("pid-file"),
                                     QStringLiteral("nats-server's pid_file."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption natsPid(QStringLiteral("nats-pid"),
                                     QStringLiteral("nats-server's process id."),
                                     QStringLiteral("PID"));
    const QCommandLineOption passwordStdin(
        QStringLiteral("password-stdin"),
        QStringLiteral("Read svc.nats-auth's password from the first line of stdin "
                       "(else $OPENOPD_NATS_PASSWORD)."));
    const QCommandLineOption interval(QStringLiteral("interval-ms"),
                                      QStringLiteral("Poll interval."), QStringLiteral("MS"),
                                      QStringLiteral("2000"));
    const QCommandLineOption caFile(QStringLiteral("tls-ca"),
                                    QStringLiteral("CA file for a TLS server."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption sessionInboxes(
        QStringLiteral("session-inboxes"),
        QStringLiteral("Each session may read replies under _INBOX.<session id>.> only "
                       "(clients must use that inbox prefix)."));
    const QCommandLineOption monitorUrl(
        QStringLiteral("monitor-url"),
        QStringLiteral("On a cluster node: its monitoring endpoint (http://127.0.0.1:8222); the "
                       "node is reloaded when a route to another node comes up."),
        QStringLiteral("URL"));
    parser.addOptions({url, usersFile, pidFile, natsPid, passwordStdin, interval, caFile,
                       sessionInboxes, monitorUrl});
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (!parser.isSet(usersFile))
        return fail(QStringLiteral("agent needs --users-file FILE"));
    if (parser.isSet(pidFile) == parser.isSet(natsPid))
        return fail(QStringLiteral("agent needs exactly one of --pid-file F and --nats-pid N"));
    bool ok = true;
    natsauth::AgentOptions options;
    options.usersFile = parser.value(usersFile);
    options.pidFile = parser.value(pidFile);
    if (parser.isSet(natsPid))
        options.natsPid = parser.value(natsPid).toLongLong(&ok);
    if (!ok || (parser.isSet(natsPid) && options.natsPid <= 0))
        return fail(QStringLiteral("--nats-pid needs a process id"));
    const int intervalMs = parser.value(interval).toInt(&ok);
    if (!ok || intervalMs < 100)
        return fail(QStringLiteral("--interval-ms needs a number >= 100"));
    options.interval = std::chrono::milliseconds(intervalMs);
    options.staffUsers.sessionInboxes = parser.isSet(sessionInboxes);
    if (parser.isSet(monitorUrl)) {
        options.monitorUrl = QUrl(parser.value(monitorUrl), QUrl::StrictMode);
        if (!options.monitorUrl.isValid() || options.monitorUrl.scheme() != u"http" ||
            options.monitorUrl.host().isEmpty() || options.monitorUrl.hasQuery())
            return fail(QStringLiteral("--monitor-url needs http://HOST:PORT (the node's "
                                       "monitoring endpoint), not \"%1\"")
                            .arg(parser.value(monitorUrl)));
    }

    QString password;
    if (parser.isSet(passwordStdin)) {
        std::string line;
        std::getline(std::cin, line);
        password = QString::fromStdString(line).trimmed();
    } else {
        password = qEnvironmentVariable("OPENOPD_NATS_PASSWORD");
    }
    if (password.isEmpty())
        return fail(QStringLiteral("no password (use --password-stdin)"));

    host::installJsonLog(QString::fromLatin1(natsauth::kAgentService),
                         QString::number(app.applicationPid()));
    bus::NatsLibrary library;
    bus::ConnectionOptions connectionOptions;
    connectionOptions.servers = parser.value(url).split(u',', Qt::SkipEmptyParts);
    connectionOptions.name = QStringLiteral("nats-auth-agent");
    // The only inbox identity may answer (and this user may read) in SERVICES.
    connectionOptions.inboxPrefix = QByteArray(natsauth::kAgentInboxPrefix);
    connectionOptions.user = access::serviceUserName(QString::fromLatin1(natsauth::kAgentService));
    connectionOptions.password = password;
    if (parser.isSet(caFile)) {
        connectionOptions.tls.enabled = true;
        connectionOptions.tls.caFile = parser.value(caFile);
    }
    bus::Connection connection(connectionOptions);
    QObject::connect(&connection, &bus::Connection::errorOccurred, [](const bus::BusError& error) {
        host::logEvent(
            QtWarningMsg, QStringLiteral("bus error"),
            {QString::fromUtf8(error.subject), {}, {{QStringLiteral("error"), error.toString()}}});
    });
    host::SignalWatcher signals({SIGTERM, SIGINT});
    QObject::connect(&signals, &host::SignalWatcher::terminationRequested, [&connection](int) {
        host::logEvent(QtInfoMsg, QStringLiteral("agent stopping"));
        connection.close();
        QCoreApplication::quit();
    });
    natsauth::Agent agent(connection, options);
    agent.start();
    connection.open();
    host::logEvent(QtInfoMsg, QStringLiteral("agent started"),
                   {{},
                    {},
                    {{QStringLiteral("users_file"), options.usersFile},
                     {QStringLiteral("interval_ms"), intervalMs}}});
    return QCoreApplication::exec();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("openopd-nats-auth"));
    QStringList arguments = QCoreApplication::arguments();
    const QString command = arguments.value(1);
    arguments.removeAt(qMin<qsizetype>(1, arguments.size() - 1)); // QCommandLineParser skips [0]
    if (command == QStringLiteral("init"))
        return runInit(arguments);
    if (command == QStringLiteral("agent"))
        return runAgent(app, arguments);
    if (command == QStringLiteral("matrix")) {
        const QByteArray table = natsauth::renderRoleMatrix().toUtf8();
        std::fwrite(table.constData(), 1, static_cast<size_t>(table.size()), stdout);
        return 0;
    }
    if (command == QStringLiteral("--help") || command == QStringLiteral("-h")) {
        std::fputs(qPrintable(usage()), stdout);
        return 0;
    }
    std::fputs(qPrintable(usage()), stderr);
    return 2;
}
