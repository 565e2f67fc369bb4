#pragma once

// The standalone clinic (`openopd --standalone`): a local nats-server with JetStream and
// accounts, the identity service, the nats-server auth agent and the backend services, all
// children of the app, as scripts/run-clinic.sh runs them. Everything is asynchronous on the
// GUI thread (signals and timers, never a blocking wait), which also keeps the children's
// parent-death signal tied to the app's lifetime (see clinic_process.h).
//
// start(): checks (demo marker, programs, ports), the data directory, then on a first run
// firstAdminNeeded() and createFirstAdmin(); then fresh service passwords
// (`openopd-nats-auth init`, kept in memory only and handed to each child on stdin), the
// nats-server config, nats-server, and once its port answers the services. ready() when every
// child said so, failed() with a message naming the component and its log otherwise.
// stop(): SIGTERM to the services (10 s, then SIGKILL), then to nats-server (clean JetStream
// shutdown; 10 s, then SIGKILL); stopped() when all are gone.

#include "core/standalone/clinic_process.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <vector>

class QTcpSocket;

namespace openopd::app {

struct ClinicOptions
{
    QString dataDir;         // empty: clinic::defaultDataDir()
    bool demo = false;       // --demo-data: demo staff, patients and stock (marked)
    quint16 natsPort = 4222; // 0: any free port. Monitoring (8222) only on 4222.
    QString appDir;          // where the app is: the programs are looked for from here
};

class ClinicSupervisor final : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, WaitingForFirstAdmin, Starting, Ready, Stopping, Stopped, Failed };
    Q_ENUM(State)

    explicit ClinicSupervisor(ClinicOptions options, QObject* parent = nullptr);
    ~ClinicSupervisor() override;
    Q_DISABLE_COPY_MOVE(ClinicSupervisor)

    void start();
    // After firstAdminNeeded(): creates the admin (password on the program's stdin), then
    // starts the clinic; firstAdminFailed() lets the user try again.
    void createFirstAdmin(const QString& name, const QString& password);
    void stop();

    State state() const { return m_state; }
    QString dataDir() const { return m_options.dataDir; }
    QString logDir() const;
    QString natsUrl() const;
    // The pids of the running children (for tests and diagnostics).
    QList<qint64> childPids() const;

Q_SIGNALS:
    void progress(const QString& text);
    void firstAdminNeeded();
    void firstAdminFailed(const QString& message);
    void firstAdminCreated(const QString& name);
    void ready(const QString& natsUrl);
    void failed(const QString& message);
    // After ready: a component stopped on its own (message names it and its log).
    void componentStopped(const QString& message);
    void stopped();

private:
    bool checkBeforeStart();
    bool findPrograms();
    bool choosePorts();
    bool prepareDataDir();
    void initNatsAuth();
    bool writeNatsConfig();
    void startNats();
    void pollNatsPort();
    void startServices();
    void onChildReady();
    ClinicProcess::Spec spec(const QString& name, const QStringList& arguments) const;
    using EndHandler = std::function<void(ClinicProcess* child, bool ok)>;
    // Starts a child; whenEnded runs when it ends, unless the clinic is stopping.
    ClinicProcess* startChild(ClinicProcess::Spec spec, EndHandler whenEnded);
    void onChildEnded(ClinicProcess* child, bool ok, const EndHandler& whenEnded);
    // A long-running child ended: a failure while starting, a notice once ready.
    void onComponentEnded(ClinicProcess* child);
    void failedWhileStarting(ClinicProcess* child);
    QString describeEnd(ClinicProcess* child) const;
    void fail(const QString& message);
    void stopServices();
    void stopNats();
    void finishStop();
    QString natsDir() const;
    bool othersRunning() const;
    void armDeadline(int ms, const std::function<void()>& onTimeout);

    enum class StopPhase { None, Services, Nats };

    ClinicOptions m_options;
    State m_state = State::Idle;
    QHash<QString, QString> m_programs;     // name -> path
    QHash<QString, QByteArray> m_passwords; // svc.<name> -> password, until every child has it
    quint16 m_monitorPort = 0;
    std::vector<ClinicProcess*> m_children; // owned (QObject children), in start order
    QPointer<ClinicProcess> m_nats;
    QTimer m_deadline; // startup, then each stop phase
    QTimer m_portPoll;
    QPointer<QTcpSocket> m_probe;
    StopPhase m_stopPhase = StopPhase::None;
    int m_readyCount = 0;
    int m_serviceCount = 0;
};

} // namespace openopd::app
