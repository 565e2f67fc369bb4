#pragma once

// Everything a backend service shares, wired together: command line, JSON logs, database
// with migrations, NATS connection, the OPD streams, the outbox relay, the ADR-32 service
// API, durable consumers, and a graceful shutdown on SIGTERM/SIGINT. A service's main():
//
//   QCoreApplication app(argc, argv);
//   bus::NatsLibrary nats;
//   host::ServiceHost host({"registration", "1.0.0", "Patients, visits and tokens"});
//   if (auto exitCode = host.configure(app.arguments())) return *exitCode;
//   Registration service(host);            // keeps a reference, no global state
//   return host.run(&Registration::addMigrations, [&] { return service.start(); });

#include "host/database.h"
#include "host/event_consumer.h"
#include "host/event_streams.h"
#include "host/fault_points.h"
#include "host/micro_service.h"
#include "host/migrations.h"
#include "host/outbox_relay.h"
#include "host/reply_gate.h"
#include "host/request_log.h"
#include "host/service_options.h"

#include <QCommandLineOption>
#include <QObject>
#include <memory>
#include <optional>

namespace openopd::host {

class SignalWatcher;

// Options every service has besides the common connection and database ones.
inline constexpr char kSeedDemoOption[] = "seed-demo";  // load the service's demo data
inline constexpr char kAckWaitOption[] = "ack-wait-ms"; // hidden: consumers' ack wait (tests)
inline constexpr char kInsecureNoAuthOption[] = "insecure-no-auth"; // actor from the body

struct ServiceDefinition
{
    QString name;    // ^[A-Za-z0-9_-]+$, also the database file's name
    QString version; // SemVer
    QString description;
    QJsonObject metadata;
    QList<QCommandLineOption> extraOptions; // the service's own, e.g. --generate-patients
    // What --seed-demo loads, for --help (translated); empty: the service has no demo data.
    QString demoData;
};

class ServiceHost final : public QObject
{
    Q_OBJECT
public:
    explicit ServiceHost(ServiceDefinition definition, QObject* parent = nullptr);
    ~ServiceHost() override;
    Q_DISABLE_COPY_MOVE(ServiceHost)

    // Parses the command line. std::nullopt: carry on; a value: exit with it now (help and
    // version are printed to stdout, an error naming the option to stderr).
    std::optional<int> configure(const QStringList& arguments);

    // Opens the database and applies the host's and the service's migrations, connects to
    // NATS, ensures the streams, starts the outbox relay, then calls onReady() to register
    // endpoints and consumers (false from it stops the service with exit code 1). Runs the
    // event loop until shutdown and returns the exit code.
    int run(const std::function<void(Migrations&)>& addMigrations,
            const std::function<bool()>& onReady);

    const ParsedCommandLine& commandLine() const { return m_commandLine; }
    const ServiceOptions& options() const { return m_commandLine.options; }
    // --seed-demo was given: a service with demo data loads it in its onReady().
    bool seedDemoRequested() const
    {
        return m_commandLine.isSet(QString::fromLatin1(kSeedDemoOption));
    }
    bus::Connection& bus() { return *m_bus; }
    Database& database() { return *m_database; }
    MicroService& micro() { return *m_micro; }
    OutboxRelay& outbox() { return *m_relay; }
    const FaultPoints& faults() const { return m_faults; }

    // A state change and its outbox events, committed with every other change made in this
    // event-loop turn (group commit: one COMMIT, one fsync, for a burst of requests). True:
    // the change is in the open group; the service's answers are held until the group is
    // committed (then the relay is poked), and a group that fails to commit turns each held
    // success into a 503. False with *error: this change alone was rolled back.
    // When the handler serving a command with a request id calls it, the id is claimed in
    // the same savepoint as work (request_log.h); a repeat then gets the stored answer.
    bool commit(const Database::Work& work, QString* error);
    // Commands' request ids and answers; a service may mark its own subjects as commands.
    RequestLog& requestLog() { return *m_requestLog; }
    // A durable consumer, started now if the host is ready, else when it becomes ready.
    // --ack-wait-ms, when given, overrides options.ackWait.
    EventConsumer* addConsumer(EventConsumerOptions options, EventConsumer::Handler handler);

    // Graceful stop: stop taking requests, finish those in flight, stop consumers, flush the
    // outbox, close the connection, quit with exitCode. Also what SIGTERM/SIGINT do.
    void shutdown(int exitCode = 0);

Q_SIGNALS:
    void ready();

private:
    bool readPasswordFromStdin();
    bool openDatabase(const std::function<void(Migrations&)>& addMigrations);
    void connectBus();
    void onConnected();
    void becomeReady();
    void announceReadyWhenSubscribed();
    void afterRequestsDrained();
    void endGroup();
    void onGroupEnded(bool committed, const QString& error);
    // Deletes request log rows past their retention, a batch at a time.
    void sweepRequestLog();
    // Fault point db-lost-before-commit: terminates this service's PostgreSQL connection.
    void loseDatabaseConnection();

    ServiceDefinition m_definition;
    ParsedCommandLine m_commandLine;
    FaultPoints m_faults;
    StreamSizing m_streamSizing;
    CallerPolicy m_callerPolicy = CallerPolicy::Verify;
    std::optional<std::chrono::milliseconds> m_consumerAckWait;
    ReplyGate m_replyGate{[this] { return m_database && m_database->inGroup(); }};
    std::unique_ptr<Database> m_database;
    std::unique_ptr<RequestLog> m_requestLog;
    bool m_databaseLost = false; // the fault point fired
    bus::Connection* m_bus = nullptr;
    MicroService* m_micro = nullptr;
    OutboxRelay* m_relay = nullptr;
    SignalWatcher* m_signals = nullptr;
    QList<EventConsumer*> m_consumers;
    std::function<bool()> m_onReady;
    bool m_ready = false;
    bool m_streamsEnsured = false;
    bool m_shuttingDown = false;
    bool m_flushStarted = false;
    int m_exitCode = 0;
};

} // namespace openopd::host
