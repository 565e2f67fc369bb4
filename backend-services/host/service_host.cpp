#include "host/service_host.h"

#include "host/event_stats.h"
#include "host/host_schema.h"
#include "host/json_log.h"
#include "host/service_backup.h"
#include "host/signal_watcher.h"
#include "host/sql_dialect.h"

#include <QCoreApplication>
#include <QDebug>
#include <QMetaEnum>
#include <QTimer>
#include <cstdio>
#include <iostream>
#include <string>

namespace openopd::host {
namespace {

constexpr int kExitConfigError = 2;
constexpr int kExitStartupError = 3;
constexpr auto kDrainTimeout = std::chrono::seconds(10);
constexpr auto kFlushTimeout = std::chrono::seconds(10);
constexpr auto kStreamRetry = std::chrono::seconds(2);
constexpr auto kReadyProbeTimeout = std::chrono::seconds(5);
constexpr auto kRequestLogSweepInterval = std::chrono::minutes(10);

QList<QCommandLineOption> hostOptions(QList<QCommandLineOption> serviceOptions,
                                      const QString& demoData)
{
    QCommandLineOption faultPoint(
        QStringLiteral("fault-point"),
        QStringLiteral("Test only: kill the process at these points (comma-separated)."),
        QStringLiteral("names"));
    faultPoint.setFlags(QCommandLineOption::HiddenFromHelp);
    serviceOptions.append(faultPoint);
    serviceOptions.append(QCommandLineOption(
        QString::fromLatin1(kSeedDemoOption),
        demoData.isEmpty()
            ? QCoreApplication::translate("openopd::host::ServiceHost",
                                          "Accepted like every service's; this one has no demo "
                                          "data of its own (it is built from events).")
            : demoData));
    QCommandLineOption ackWait(
        QString::fromLatin1(kAckWaitOption),
        QStringLiteral("Test only: how long a consumer's delivery may stay unacknowledged "
                       "before the server redelivers it (default 3000)."),
        QStringLiteral("ms"));
    ackWait.setFlags(QCommandLineOption::HiddenFromHelp);
    serviceOptions.append(ackWait);
    serviceOptions.append(QCommandLineOption(
        QString::fromLatin1(kInsecureNoAuthOption),
        QCoreApplication::translate(
            "openopd::host::ServiceHost",
            "INSECURE, for tests and servers without accounts only: take the actor from the "
            "request body instead of the server's Nats-Request-Info header.")));
    serviceOptions.append(QCommandLineOption(
        QStringLiteral("stream-replicas"),
        QCoreApplication::translate("openopd::host::ServiceHost",
                                    "JetStream replicas for the OPD streams (3 on a cluster)."),
        QStringLiteral("n"), QStringLiteral("1")));
    serviceOptions.append(QCommandLineOption(
        QString::fromLatin1(kBackupToOption),
        QCoreApplication::translate("openopd::host::ServiceHost",
                                    "Back up this service's database (online, while the service "
                                    "runs) to a new file, then exit (docs/backup.md)."),
        QStringLiteral("file")));
    serviceOptions.append(QCommandLineOption(
        QString::fromLatin1(kRestoreFromOption),
        QCoreApplication::translate("openopd::host::ServiceHost",
                                    "Restore this service's database from a backup file into an "
                                    "empty --data-dir or --db, then exit (docs/backup.md)."),
        QStringLiteral("file")));
    return serviceOptions;
}

} // namespace

ServiceHost::ServiceHost(ServiceDefinition definition, QObject* parent)
    : QObject(parent), m_definition(std::move(definition))
{}

ServiceHost::~ServiceHost() = default;

std::optional<int> ServiceHost::configure(const QStringList& arguments)
{
    m_commandLine =
        parseServiceCommandLine(m_definition.name, m_definition.version, arguments,
                                hostOptions(m_definition.extraOptions, m_definition.demoData));
    switch (m_commandLine.action) {
    case ParsedCommandLine::Action::ShowHelp:
    case ParsedCommandLine::Action::ShowVersion:
        std::fputs(qPrintable(m_commandLine.message + u'\n'), stdout);
        return 0;
    case ParsedCommandLine::Action::Fail:
        std::fputs(qPrintable(m_commandLine.message + u'\n'), stderr);
        return kExitConfigError;
    case ParsedCommandLine::Action::Run:
        break;
    }
    QString faultPoints = m_commandLine.value(QStringLiteral("fault-point"));
    if (faultPoints.isEmpty())
        faultPoints = qEnvironmentVariable("OPENOPD_FAULT_POINT");
    m_faults = FaultPoints(faultPoints);
    bool ok = true;
    const QString replicasText = m_commandLine.value(QStringLiteral("stream-replicas"));
    const int replicas = replicasText.isEmpty() ? 1 : replicasText.toInt(&ok);
    if (!ok || replicas < 1 || replicas > 5) {
        std::fputs("--stream-replicas must be a number from 1 to 5\n", stderr);
        return kExitConfigError;
    }
    m_streamSizing.replicas = replicas;
    if (m_commandLine.isSet(QString::fromLatin1(kBackupToOption)) &&
        m_commandLine.isSet(QString::fromLatin1(kRestoreFromOption))) {
        std::fputs("--backup-to and --restore-from cannot be given together\n", stderr);
        return kExitConfigError;
    }
    if (m_commandLine.options.passwordFromStdin && !readPasswordFromStdin())
        return kExitConfigError;
    m_callerPolicy = m_commandLine.isSet(QString::fromLatin1(kInsecureNoAuthOption))
                         ? CallerPolicy::InsecureNoAuth
                         : CallerPolicy::Verify;
    if (const QString ackWait = m_commandLine.value(QString::fromLatin1(kAckWaitOption));
        !ackWait.isEmpty()) {
        const int ms = ackWait.toInt(&ok);
        if (!ok || ms < 100 || ms > 3600000) {
            std::fputs("--ack-wait-ms must be a number of milliseconds from 100 to 3600000\n",
                       stderr);
            return kExitConfigError;
        }
        m_consumerAckWait = std::chrono::milliseconds(ms);
    }
    return std::nullopt;
}

bool ServiceHost::readPasswordFromStdin()
{
    // One line; the launcher writes it into a pipe, so it is never in argv, a file or a log.
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) {
        std::fputs("--password-stdin: no password on standard input\n", stderr);
        return false;
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    m_commandLine.options.password = QString::fromStdString(line);
    return true;
}

bool ServiceHost::openDatabase(const std::function<void(Migrations&)>& addMigrations)
{
    const ServiceOptions& o = options();
    auto database = Database::open(o.database, o.dataDir, m_definition.name, o.instance);
    if (!database) {
        qCritical().noquote() << "cannot open the database:" << database.error().toString();
        return false;
    }
    m_database = std::move(database).value();
    m_database->setGroupEndedHandler(
        [this](bool committed, const QString& error) { onGroupEnded(committed, error); });
    Migrations migrations;
    addHostMigrations(migrations);
    addMigrations(migrations);
    const auto version = migrations.apply(*m_database);
    if (!version) {
        qCritical().noquote() << "cannot migrate" << m_database->describe() << ":"
                              << version.error().toString();
        return false;
    }
    qInfo().noquote() << "database" << m_database->describe() << "at schema version"
                      << version.value();
    m_requestLog = std::make_unique<RequestLog>(*m_database);
    if (m_faults.isArmed(QString::fromLatin1(fault::kDbLostBeforeCommit)))
        m_database->setBeforeCommitHook([this] {
            if (!m_databaseLost && m_replyGate.held() > 0)
                loseDatabaseConnection();
        });
    return true;
}

int ServiceHost::run(const std::function<void(Migrations&)>& addMigrations,
                     const std::function<bool()>& onReady)
{
    // A backup or restore is its own short-lived process: no NATS, no migrations.
    const QString backupTo = m_commandLine.value(QString::fromLatin1(kBackupToOption));
    const QString restoreFrom = m_commandLine.value(QString::fromLatin1(kRestoreFromOption));
    if (m_commandLine.isSet(QString::fromLatin1(kBackupToOption)) ||
        m_commandLine.isSet(QString::fromLatin1(kRestoreFromOption))) {
        const ServiceOptions& o = options();
        const DatabaseBackupResult result =
            restoreFrom.isEmpty()
                ? backupDatabase(o.database, o.dataDir, m_definition.name, backupTo)
                : restoreDatabase(o.database, o.dataDir, m_definition.name, restoreFrom);
        std::fputs(qPrintable(result.message + u'\n'), result.ok ? stdout : stderr);
        return result.ok ? 0 : kExitStartupError;
    }
    installJsonLog(m_definition.name, options().instance);
    m_onReady = onReady;
    if (!openDatabase(addMigrations))
        return kExitStartupError;

    m_signals = new SignalWatcher(this);
    connect(m_signals, &SignalWatcher::terminationRequested, this, [this](int signalNumber) {
        qInfo().noquote() << "signal" << signalNumber << "received: shutting down";
        shutdown(0);
    });
    connectBus();
    const int exitCode = QCoreApplication::exec();
    endGroup(); // an exit that did not come through shutdown()
    qInfo().noquote() << "stopped with exit code" << exitCode;
    return exitCode;
}

void ServiceHost::connectBus()
{
    m_bus = new bus::Connection(options().connectionOptions(), this);
    m_relay = new OutboxRelay(*m_database, *m_bus, m_faults, this);
    MicroServiceConfig config{m_definition.name, m_definition.version, m_definition.description,
                              m_definition.metadata};
    m_micro = new MicroService(*m_bus, config, this);
    m_micro->setReplySender(m_replyGate.sender());
    m_micro->setRequestLog(m_requestLog.get());
    m_micro->setCallerPolicy(m_callerPolicy);
    m_micro->setStatsData([this] { return durableEventStats(m_consumers, m_relay); });
    if (m_callerPolicy == CallerPolicy::InsecureNoAuth)
        qWarning().noquote() << "--insecure-no-auth: actors are taken from request bodies; "
                                "never run a clinic like this";
    if (!m_micro->isValid())
        qFatal("invalid service definition: %s", qPrintable(m_micro->errorString()));
    connect(m_bus, &bus::Connection::stateChanged, this, [this](bus::Connection::State state) {
        qInfo().noquote() << "NATS connection"
                          << QString::fromLatin1(
                                 QMetaEnum::fromType<bus::Connection::State>().valueToKey(
                                     static_cast<int>(state)));
        if (state == bus::Connection::State::Connected)
            onConnected();
    });
    connect(m_bus, &bus::Connection::errorOccurred, this, [](const bus::BusError& error) {
        qWarning().noquote() << "NATS:" << error.toString();
    });
    m_bus->open();
}

void ServiceHost::onConnected()
{
    if (m_streamsEnsured || m_shuttingDown)
        return;
    ensureOpdStreams(*m_bus, m_streamSizing, this, [this](const bus::BusError& error) {
        if (error.isError()) {
            qWarning().noquote() << "cannot set up the OPD streams, retrying:" << error.toString();
            QTimer::singleShot(kStreamRetry, this, [this] { onConnected(); });
            return;
        }
        m_streamsEnsured = true;
        becomeReady();
    });
}

void ServiceHost::becomeReady()
{
    if (m_ready)
        return;
    m_relay->start();
    if (m_onReady && !m_onReady()) {
        qCritical().noquote() << "the service failed to start";
        shutdown(1);
        return;
    }
    m_ready = true;
    for (EventConsumer* consumer : std::as_const(m_consumers))
        consumer->start();
    auto* sweepTimer = new QTimer(this);
    connect(sweepTimer, &QTimer::timeout, this, &ServiceHost::sweepRequestLog);
    sweepTimer->start(kRequestLogSweepInterval);
    sweepRequestLog();
    announceReadyWhenSubscribed();
}

void ServiceHost::announceReadyWhenSubscribed()
{
    // The endpoints' SUBs may still sit in nats.c's write buffer. The server handles one
    // connection's protocol in order, so a reply to our own PING, sent after them, proves it
    // has them: whoever waits for "ready" can send a request and find a responder.
    if (m_shuttingDown)
        return;
    bus::RequestOptions options;
    options.timeout = kReadyProbeTimeout;
    m_bus->request(controlSubject(QStringLiteral("PING"), m_definition.name, m_micro->id()), {},
                   options, this, [this](const bus::Result<bus::Message>& reply) {
                       if (!reply) {
                           qWarning().noquote()
                               << "own PING not answered, retrying:" << reply.error().toString();
                           QTimer::singleShot(kStreamRetry, this,
                                              &ServiceHost::announceReadyWhenSubscribed);
                           return;
                       }
                       qInfo().noquote() << "ready: serving as" << m_micro->id();
                       Q_EMIT ready();
                   });
}

bool ServiceHost::commit(const Database::Work& work, QString* error)
{
    if (!m_database->inGroup()) {
        if (!m_database->beginGroup(error))
            return false;
        // After the rest of this turn's requests (a delivery batch) have joined the group.
        QTimer::singleShot(0, this, &ServiceHost::endGroup);
    }
    switch (m_requestLog->savepoint(work, error)) {
    case Database::Step::Kept:
        return true;
    case Database::Step::Undone:
        return false;
    case Database::Step::Broken:
        break;
    }
    QString ignored; // the group is unusable: roll it back (held successes become 503s)
    m_database->endGroup(false, &ignored);
    return false;
}

void ServiceHost::endGroup()
{
    if (m_database && m_database->inGroup()) {
        if (m_relay != nullptr)
            m_relay->markSentInGroup(); // sent marks ride along: no commit of their own
        QString ignored;                // onGroupEnded() hears the outcome
        m_database->endGroup(true, &ignored);
    }
}

void ServiceHost::onGroupEnded(bool committed, const QString& error)
{
    if (m_relay != nullptr)
        m_relay->groupEnded(committed);
    if (committed) {
        m_faults.hit(QString::fromLatin1(fault::kAfterCommit));
        if (m_relay != nullptr)
            m_relay->pokeAfterCommit();
    } else {
        qWarning().noquote() << "a group of changes was rolled back:" << error;
    }
    m_replyGate.release(committed, error, !committed && m_database->commitOutcomeUnknown());
}

void ServiceHost::sweepRequestLog()
{
    if (m_shuttingDown)
        return;
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(
        -std::chrono::seconds(RequestLog::kRetention).count());
    int deleted = 0;
    QString error;
    // Read first: no group (no COMMIT, no fsync) when there is nothing to delete.
    auto due =
        m_database->run(QStringLiteral("SELECT 1 FROM request_log WHERE created_at < ? LIMIT 1"),
                        {SqlDialect::utcTimestamp(cutoff)}, &error);
    if (!due || !due->next()) {
        if (!due)
            qWarning().noquote() << "cannot sweep the request log:" << error;
        return;
    }
    due.reset();
    const bool ok = commit(
        [&](QSqlDatabase&, QString* workError) {
            deleted = m_requestLog->sweep(cutoff, RequestLog::kSweepBatch, workError);
            return deleted >= 0;
        },
        &error);
    if (!ok)
        qWarning().noquote() << "cannot sweep the request log:" << error;
    else if (deleted == RequestLog::kSweepBatch) // more to go: after this turn's requests
        QTimer::singleShot(0, this, &ServiceHost::sweepRequestLog);
}

void ServiceHost::loseDatabaseConnection()
{
    m_databaseLost = true;
    const qint64 pid = m_database->backendPid();
    auto other = Database::open(options().database, options().dataDir, m_definition.name);
    QString error;
    // Waits (up to 5 s) until the server process is gone, so the COMMIT meets a dead socket.
    if (pid == 0 || !other ||
        !(*other)->run(QStringLiteral("SELECT pg_terminate_backend(CAST(? AS integer), 5000)"),
                       {pid}, &error))
        qWarning().noquote() << "fault point" << fault::kDbLostBeforeCommit
                             << "could not terminate the connection:" << error;
    else
        qWarning().noquote() << "fault point" << fault::kDbLostBeforeCommit
                             << ": database connection terminated before COMMIT";
}

EventConsumer* ServiceHost::addConsumer(EventConsumerOptions options,
                                        EventConsumer::Handler handler)
{
    if (m_consumerAckWait)
        options.ackWait = *m_consumerAckWait;
    auto* consumer = new EventConsumer(*m_bus, *m_database, m_faults, std::move(options),
                                       std::move(handler), this);
    // Events a handler enqueued go out now rather than at the relay's next poll.
    if (m_relay != nullptr)
        connect(consumer, &EventConsumer::batchCommitted, m_relay, &OutboxRelay::pokeAfterCommit);
    connect(consumer, &EventConsumer::errorOccurred, this, [consumer](const bus::BusError& e) {
        qWarning().noquote() << "consumer" << QString::fromUtf8(consumer->options().durable) << ":"
                             << e.toString();
    });
    m_consumers.append(consumer);
    if (m_ready)
        consumer->start();
    return consumer;
}

void ServiceHost::shutdown(int exitCode)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_exitCode = exitCode;
    if (m_micro == nullptr) {
        QCoreApplication::exit(exitCode);
        return;
    }
    connect(m_micro, &MicroService::drained, this, &ServiceHost::afterRequestsDrained,
            Qt::SingleShotConnection);
    QTimer::singleShot(kDrainTimeout, this, &ServiceHost::afterRequestsDrained);
    m_micro->stop();
}

void ServiceHost::afterRequestsDrained()
{
    if (m_flushStarted) // drained and the drain timeout may both arrive
        return;
    m_flushStarted = true;
    endGroup(); // answers held for it go out before the connection closes
    for (EventConsumer* consumer : std::as_const(m_consumers))
        consumer->stop();
    connect(
        m_relay, &OutboxRelay::flushed, this,
        [this](bool complete) {
            if (!complete)
                qWarning().noquote() << "shutdown: some events are still in the outbox; they "
                                        "will be published at the next start";
            m_bus->close();
            QCoreApplication::exit(m_exitCode);
        },
        Qt::SingleShotConnection);
    m_relay->flush(kFlushTimeout);
}

} // namespace openopd::host
