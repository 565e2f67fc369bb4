#pragma once

// A busy OPD day driven through all five services while one service at a time is killed
// (SIGKILL) at random moments and restarted: reception lanes register patients and open
// visits, doctor lanes call the next patient, start and save the consultation, a pharmacist
// dispenses every n-th visit's prescription, and a discharge clerk closes every visit.
//
// Every step survives a lost reply the way a real client would: a retried create finds the
// patient among the reported duplicates (unique national id), a retried open (409) finds the
// visit in the waiting list, a lost call-next leaves a visit "called" by that doctor which the
// doctor resumes from the queue, a retried save (409) is confirmed from the patient's history,
// and a discharge whose reply was lost is confirmed by the visit leaving the pending list.
// First of all, every command carries a request id and a transient failure (timeout, 5xx,
// outcome unknown) repeats it with the same id: a service that committed the first attempt
// answers the repeat from its request log instead of acting twice (docs/protocol.md). The
// read-back paths above stay for what the ids cannot settle.

#include "bus/request_id.h"
#include "bus/typed.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "protocol/errors.h"
#include "staff_desk.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>
#include <random>

namespace openopd::testing {

// An error worth retrying: the service is down or restarting, or the reply was lost.
bool isTransient(const bus::BusError& error);

struct FaultRunSettings
{
    int visits = 1000;
    QStringList queues{QStringLiteral("fault-a"), QStringLiteral("fault-b"),
                       QStringLiteral("fault-c"), QStringLiteral("fault-d")};
    int receptionLanes = 4;
    int doctorLanes = 2;
    int pharmacyEvery = 10; // visit i with i % pharmacyEvery == 0 gets a prescription of 1 unit
    QString drugCode;       // what those visits get (from the pharmacy's stock list)
    QString drugName;
    quint32 seed = 1;
    bool chaos = true;
    // A kill every 0.5..2 s; half of them land 0..3 ms after a request was sent to the victim
    // (so that some die between their commit and their reply), the others at the timer.
    int killEveryMinMs = 500;
    int killEveryMaxMs = 2000;
    int downMinMs = 50; // down for 0.05..1.2 s before the restart
    int downMaxMs = 1200;
    int deadlineMs = 420000;
    // A clustered OpdCluster (issue 12): a NATS node SIGKILLed every natsKillEvery* ms (0:
    // never), down for natsDown* ms, the next one only once it is routed and healthy again.
    // The service kills then hit one instance (drawn) of each service in turn (identity
    // included), the services in a shuffled order each round.
    int natsKillEveryMinMs = 0;
    int natsKillEveryMaxMs = 0;
    int natsDownMinMs = 1000;
    int natsDownMaxMs = 5000;
};

struct FaultRunResult
{
    QHash<int, QString> patients;   // visit index -> patient id
    QHash<int, QString> visits;     // visit index -> visit id
    QSet<QString> consulted;        // visit ids
    QSet<QString> dispensed;        // consultation ids dispensed by a successful reply
    QSet<QString> discharged;       // visit ids
    QStringList anomalies;          // what no retry explains
    QStringList kills;              // "12.3 s: registration down 420 ms, ready after 1100 ms"
    QHash<QString, int> killCounts; // by victim: service name or "nats-server"
    int requests = 0;
    int transientErrors = 0; // timeouts, no responders, 5xx: retried
    int resolvedAfterLostReply = 0;
    int sameIdRepeats = 0; // commands repeated with their first attempt's request id
    int orphansResumed = 0;
    bool finished = false;
    qint64 elapsedMs = 0;

    int pharmacyVisits(const FaultRunSettings& s) const;
    QString summary() const;
};

// What the end checks compare with: the stream's counts per subject and the drug's
// unexpired stock before the run.
struct FaultBaseline
{
    QHash<QString, qint64> subjects;
    int stock = 0;
};

// Unexpired stock of one drug (-1 when the stock list fails).
int usableStock(bus::Connection& client, const QString& drugCode);
// Before a fault day: sets settings' drug to the one with the most stock unexpired for 30
// days (every pharmacyEvery-th visit takes one unit) and fills baseline with its stock and the
// stream's counts. False and *error when the stock list fails or there is not enough.
bool prepareFaultDay(StaffDesk& desk, bus::Connection& observer, FaultRunSettings& settings,
                     FaultBaseline& baseline, QString* error);
// The reception and doctor staff of the lanes (FaultRun::receptionOf / doctorOf), for the desk.
QList<protocol::StaffRef> laneStaff(const FaultRunSettings& settings);
// Each visit exactly once everywhere: registration's lists (discharged, one visit per patient,
// each patient once by national id), the doctor's queue empty and one consultation per
// patient, nothing pending at the pharmacy (stock down by exactly the units dispensed) or at
// discharge, OPD_EVENTS counts per subject, nothing dead-lettered, per-patient audit records
// and an intact chain covering the whole stream. The problems found (empty: none).
// Every request goes out as the staff member whose role it is (desk); the streams are read
// by the observer. Every audit record must name a member of the desk.
QStringList checkNothingLostOrDuplicated(StaffDesk& desk, bus::Connection& observer,
                                         const FaultRunSettings& settings, const FaultRunResult& r,
                                         const FaultBaseline& baseline);

// Clustered: OPD_EVENTS and OPD_DLQ have `replicas` replicas, all current, and the replicas
// agree: the stream's leader steps down until every replica has led (at most a dozen tries),
// and each leader reports the same messages per subject. The problems found; *leaders (if
// given) is how many replicas led.
QStringList checkReplicasAgree(bus::Connection& observer, int replicas, int* leaders = nullptr);

class FaultRun final : public QObject
{
    Q_OBJECT
public:
    // Each request is sent by the desk member its body names as "staff" (the lanes' own
    // receptionists and doctors, signed in), else by the member whose role it is.
    FaultRun(OpdCluster& cluster, StaffDesk& desk, FaultRunSettings settings);

    // Runs until every opened visit is discharged or the deadline; the event loop runs.
    // Afterwards every service is running again.
    bool run();
    const FaultRunResult& result() const { return m_result; }

    static QString patientName(int index);
    static QString nationalId(quint32 seed, int index);
    static int indexFromName(const QString& name); // -1 when not one of ours

private:
    // requestId: sent as Openopd-Request-Id when not empty (a command).
    template <class Req, class Rep, class F>
    void send(const bus::Endpoint<Req, Rep>& endpoint, const Req& request, F then,
              const QByteArray& requestId = {});
    // A fresh id for a new command; the same id is passed along to its repeats.
    static QByteArray newRequestId();
    // Counts a repeat under the same id and hands the id on.
    QByteArray repeatOf(const QByteArray& requestId);
    void after(int ms, std::function<void()> f);
    int retryDelay();
    void anomaly(const QString& what);
    bool isDone() const;

    // reception
    void receptionNext(int lane);
    void createPatient(int lane, int index, const QByteArray& requestId);
    void openVisit(int lane, int index, const QString& patientId, const QByteArray& requestId);
    void findOpenVisit(int lane, int index, const QString& patientId, int attempt);
    // doctors
    void doctorNext(int lane, const QByteArray& repeatId = {});
    void checkOrphans(int lane, int queueIndex);
    void startConsultation(int lane, const protocol::QueueEntry& entry,
                           const QByteArray& requestId);
    void saveConsultation(int lane, const protocol::QueueEntry& entry, const QByteArray& requestId);
    void confirmConsulted(int lane, const protocol::QueueEntry& entry, int attempt);
    // pharmacy and discharge
    void pharmacyPoll();
    void dispenseEach(QList<protocol::PendingPrescription> list, qsizetype k,
                      const QByteArray& requestId);
    void dischargePoll();
    void dischargeEach(QList<protocol::PendingRelease> list, qsizetype k,
                       const QByteArray& requestId);
    // chaos
    void scheduleKill();
    void killOne();
    void killNow(const QString& service, int instance, const QString& how);
    void requestSent(const char* subject);
    QString nextVictim();
    int drawInstance(const QString& service);
    void scheduleNatsKill();
    void killNatsNode();
    void waitForNode(int node, qint64 killedAt, int down, qint64 restartedAt);
    void restoreEverything();

public:
    static protocol::StaffRef doctorOf(int lane);

private:
    OpdCluster& m_cluster;
    StaffDesk& m_desk;
    FaultRunSettings m_settings;
    FaultRunResult m_result;
    std::mt19937 m_random;    // retry delays
    std::mt19937 m_chaos;     // which service, when, for how long: a function of the seed
    std::mt19937 m_natsChaos; // which node, when, for how long (clustered)
    QStringList m_victims;    // clustered: this round's services still to kill
    QElapsedTimer m_clock;
    int m_nextIndex = 0;
    int m_receptionDone = 0;
    QList<bool> m_orphanCheck;
    QList<int> m_idlePolls;
    QSet<QString> m_dischargeTried; // sent at least once without a definite answer
    bool m_stopped = false;
    QString m_armed; // the service to kill right after the next request sent to it
    int m_armedInstance = 1;
    int m_armedGeneration = 0;
};

// A request whose reply (or error) goes to then(Result) on this object's thread; transient
// errors (no reply, no responders, 5xx) are counted.
template <class Req, class Rep, class F>
void FaultRun::send(const bus::Endpoint<Req, Rep>& endpoint, const Req& request, F then,
                    const QByteArray& requestId)
{
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(3000);
    if (!requestId.isEmpty())
        options.headers = {{bus::kRequestIdHeader, requestId}};
    ++m_result.requests;
    QString sender;
    if constexpr (requires { request.staff; })
        sender = request.staff.id;
    bus::request(
        m_desk.member(sender, endpoint.subjectBytes()), endpoint, request, this,
        [this, then = std::move(then)](bus::Result<Rep> reply) mutable {
            if (!reply && isTransient(reply.error()))
                ++m_result.transientErrors;
            then(std::move(reply));
        },
        options);
    requestSent(endpoint.subject);
}

} // namespace openopd::testing
