#include "fault_run.h"

#include "flow_support.h"

#include <QEventLoop>
#include <QTimer>
#include <QUuid>

namespace openopd::testing {

using namespace protocol;
using flow::reception;

bool isTransient(const bus::BusError& error)
{
    return error.kind != bus::BusError::Kind::ServiceError || error.code >= 500;
}

int FaultRunResult::pharmacyVisits(const FaultRunSettings& s) const
{
    if (s.pharmacyEvery <= 0)
        return 0;
    int n = 0;
    for (auto it = visits.cbegin(); it != visits.cend(); ++it)
        n += it.key() % s.pharmacyEvery == 0 ? 1 : 0;
    return n;
}

QString FaultRunResult::summary() const
{
    return QStringLiteral(
               "%1 s: %2 patients, %3 visits opened, %4 consulted, %5 dispensed, "
               "%6 discharged; %7 kills; %8 requests, %9 transient errors, %10 "
               "resolved after a lost reply, %11 orphaned calls resumed, %12 repeats with the "
               "same request id; %13 anomalies")
        .arg(static_cast<double>(elapsedMs) / 1000.0, 0, 'f', 1)
        .arg(patients.size())
        .arg(visits.size())
        .arg(consulted.size())
        .arg(dispensed.size())
        .arg(discharged.size())
        .arg(kills.size())
        .arg(requests)
        .arg(transientErrors)
        .arg(resolvedAfterLostReply)
        .arg(orphansResumed)
        .arg(sameIdRepeats)
        .arg(anomalies.size());
}

FaultRun::FaultRun(OpdCluster& cluster, StaffDesk& desk, FaultRunSettings settings)
    : m_cluster(cluster), m_desk(desk), m_settings(std::move(settings)),
      m_random(m_settings.seed ^ 0x5bd1e995U), m_chaos(m_settings.seed),
      m_natsChaos(m_settings.seed ^ 0x9e3779b9U)
{}

QString FaultRun::patientName(int index)
{
    return QStringLiteral("Kwame Fault-Run %1").arg(index, 4, 10, QLatin1Char('0'));
}

QString FaultRun::nationalId(quint32 seed, int index)
{
    return QStringLiteral("FR-%1-%2").arg(seed).arg(index, 4, 10, QLatin1Char('0'));
}

int FaultRun::indexFromName(const QString& name)
{
    if (!name.startsWith(QStringLiteral("Kwame Fault-Run ")))
        return -1;
    bool ok = false;
    const int index = name.section(u' ', -1).toInt(&ok);
    return ok ? index : -1;
}

void FaultRun::after(int ms, std::function<void()> f)
{
    QTimer::singleShot(ms, this, std::move(f));
}

int FaultRun::retryDelay()
{
    return 100 + static_cast<int>(m_random() % 200);
}

void FaultRun::anomaly(const QString& what)
{
    qWarning().noquote() << "fault run anomaly:" << what;
    m_result.anomalies.append(what);
}

bool FaultRun::isDone() const
{
    return m_receptionDone == m_settings.receptionLanes &&
           m_result.discharged.size() >= m_result.visits.size();
}

QList<StaffRef> laneStaff(const FaultRunSettings& settings)
{
    QList<StaffRef> staff;
    for (int lane = 0; lane < settings.receptionLanes; ++lane)
        staff.append(flow::reception(lane + 1));
    for (int lane = 0; lane < settings.doctorLanes; ++lane)
        staff.append(FaultRun::doctorOf(lane));
    return staff;
}

StaffRef FaultRun::doctorOf(int lane)
{
    return {QStringLiteral("dr.fault%1").arg(lane), QStringLiteral("Dr Fault %1").arg(lane),
            StaffRole::Doctor};
}

bool FaultRun::run()
{
    m_clock.start();
    m_orphanCheck = QList<bool>(m_settings.doctorLanes, false);
    m_idlePolls = QList<int>(m_settings.doctorLanes, 0);
    for (int lane = 0; lane < m_settings.receptionLanes; ++lane)
        receptionNext(lane);
    for (int lane = 0; lane < m_settings.doctorLanes; ++lane)
        doctorNext(lane);
    pharmacyPoll();
    dischargePoll();
    scheduleKill();
    scheduleNatsKill();
    // A plain event loop (not QTest::qWaitFor, which sleeps 10 ms between rounds), checked
    // every 100 ms; progress on stderr every 5 s.
    QEventLoop loop;
    QTimer check;
    QElapsedTimer progress;
    progress.start();
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (progress.elapsed() > 5000) {
            progress.restart();
            m_result.elapsedMs = m_clock.elapsed();
            qInfo().noquote() << "fault run:" << m_result.summary();
        }
        if (isDone() || m_clock.elapsed() > m_settings.deadlineMs)
            loop.quit();
    });
    check.start(100);
    loop.exec();
    check.stop();
    const bool finished = isDone();
    m_stopped = true;
    m_result.finished = finished;
    m_result.elapsedMs = m_clock.elapsed();
    restoreEverything();
    return finished && m_result.anomalies.isEmpty();
}

// --- reception -------------------------------------------------------------------------------

void FaultRun::receptionNext(int lane)
{
    if (m_stopped)
        return;
    if (m_nextIndex >= m_settings.visits) {
        ++m_receptionDone;
        return;
    }
    createPatient(lane, m_nextIndex++, newRequestId());
}

QByteArray FaultRun::newRequestId()
{
    return QUuid::createUuid().toByteArray(QUuid::Id128);
}

QByteArray FaultRun::repeatOf(const QByteArray& requestId)
{
    ++m_result.sameIdRepeats;
    return requestId;
}

void FaultRun::createPatient(int lane, int index, const QByteArray& requestId)
{
    CreatePatientRequest request;
    request.staff = reception(lane + 1);
    request.patient =
        flow::patientDetails(patientName(index), QDate(1950, 1, 1).addDays(index * 17),
                             nationalId(m_settings.seed, index), Sex::Male);
    send(
        kCreatePatient, request,
        [this, lane, index, request, requestId](bus::Result<CreatePatientReply> r) {
            if (!r) {
                if (isTransient(r.error()))
                    return after(retryDelay(),
                                 [=, this] { createPatient(lane, index, repeatOf(requestId)); });
                anomaly(
                    QStringLiteral("create patient %1: %2").arg(index).arg(r.error().toString()));
                return receptionNext(lane);
            }
            QString id;
            if (r->created && r->patient)
                id = r->patient->id;
            for (const Patient& duplicate : r->duplicates) // a retry: the first create committed
                if (!r->created && duplicate.details.nationalId == request.patient.nationalId)
                    id = duplicate.id;
            if (id.isEmpty()) {
                anomaly(QStringLiteral("create patient %1: not created, no duplicate with our "
                                       "national id")
                            .arg(index));
                return receptionNext(lane);
            }
            if (!r->created)
                ++m_result.resolvedAfterLostReply;
            m_result.patients.insert(index, id);
            openVisit(lane, index, id, newRequestId());
        },
        requestId);
}

void FaultRun::openVisit(int lane, int index, const QString& patientId, const QByteArray& requestId)
{
    OpenVisitRequest request;
    request.staff = reception(lane + 1);
    request.patientId = patientId;
    request.queue = m_settings.queues.at(index % m_settings.queues.size());
    request.complaint = QStringLiteral("Cough for a week");
    send(
        kOpenVisit, request,
        [=, this](bus::Result<VisitReply> r) {
            if (r) {
                m_result.visits.insert(index, r->visit.id);
                return receptionNext(lane);
            }
            if (isTransient(r.error()))
                return after(retryDelay(),
                             [=, this] { openVisit(lane, index, patientId, repeatOf(requestId)); });
            if (r.error().code == errors::kConflict) // a retry: the first open committed
                return findOpenVisit(lane, index, patientId, 0);
            anomaly(QStringLiteral("open visit %1: %2").arg(index).arg(r.error().toString()));
            receptionNext(lane);
        },
        requestId);
}

void FaultRun::findOpenVisit(int lane, int index, const QString& patientId, int attempt)
{
    WaitingListRequest request;
    request.queue = m_settings.queues.at(index % m_settings.queues.size());
    request.includeClosed = true;
    send(kWaitingList, request, [=, this](bus::Result<VisitListReply> r) {
        if (r)
            for (const Visit& visit : r->visits)
                if (visit.patientId == patientId) {
                    ++m_result.resolvedAfterLostReply;
                    m_result.visits.insert(index, visit.id);
                    return receptionNext(lane);
                }
        if (attempt < 30)
            return after(retryDelay(),
                         [=, this] { findOpenVisit(lane, index, patientId, attempt + 1); });
        anomaly(
            QStringLiteral("open visit %1: 409, but no visit of the patient is listed").arg(index));
        receptionNext(lane);
    });
}

} // namespace openopd::testing
