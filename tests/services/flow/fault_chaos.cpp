// The fault run's chaos monkey: SIGKILL one service at a time at moments drawn from the
// seed, restart it after a random pause. On a clustered OpdCluster it kills one instance of
// each service in turn and, on its own schedule, one NATS node at a time.

#include "fault_run.h"

#include <algorithm>
#include <utility>

namespace openopd::testing {

void FaultRun::scheduleKill()
{
    if (!m_settings.chaos || m_stopped)
        return;
    std::uniform_int_distribution<int> every(m_settings.killEveryMinMs, m_settings.killEveryMaxMs);
    after(every(m_chaos), [this] { killOne(); });
}

// One service at a time on one node (the seed's draws as ever); clustered, every service
// once per round in a shuffled order, so that each one loses an instance.
QString FaultRun::nextVictim()
{
    if (!m_cluster.natsCluster()) {
        const QStringList services = OpdCluster::serviceNames();
        return services.at(
            static_cast<qsizetype>(m_chaos() % static_cast<quint32>(services.size())));
    }
    if (m_victims.isEmpty()) {
        m_victims = m_cluster.services();
        std::shuffle(m_victims.begin(), m_victims.end(), m_chaos);
    }
    return m_victims.takeFirst();
}

int FaultRun::drawInstance(const QString& service)
{
    const int instances = m_cluster.instances(service);
    return instances <= 1 ? 1 : 1 + static_cast<int>(m_chaos() % static_cast<quint32>(instances));
}

// Picks the victim; kills it now, or arms a kill for the moment a request reaches it (audit
// and identity serve no request in this run: always now).
void FaultRun::killOne()
{
    if (m_stopped || isDone())
        return;
    const QString service = nextVictim();
    const int instance = drawInstance(service);
    if (service == QStringLiteral("audit") || service == QStringLiteral("identity") ||
        m_chaos() % 2 == 0)
        return killNow(service, instance, QStringLiteral("at the timer"));
    m_armed = service;
    m_armedInstance = instance;
    const int generation = ++m_armedGeneration;
    after(1000, [this, service, instance, generation] { // nothing was sent to it meanwhile
        if (m_armed == service && m_armedGeneration == generation) {
            m_armed.clear();
            killNow(service, instance, QStringLiteral("at the timer (armed, idle)"));
        }
    });
}

void FaultRun::requestSent(const char* subject)
{
    if (m_armed.isEmpty() || m_stopped)
        return;
    const QByteArrayView s(subject);
    const bool toArmed = m_armed == QStringLiteral("pharmacy")
                             ? s.startsWith("opd.pharmacy.") || s.startsWith("opd.lab.")
                             : s.startsWith(QByteArray("opd." + m_armed.toLatin1() + '.'));
    if (!toArmed)
        return;
    const QString service = std::exchange(m_armed, QString());
    const int instance = m_armedInstance;
    const int delay = static_cast<int>(m_chaos() % 4);
    const QString how =
        QStringLiteral("%1 ms after a request to %2").arg(delay).arg(QString::fromLatin1(subject));
    after(delay, [this, service, instance, how] { killNow(service, instance, how); });
}

void FaultRun::killNow(const QString& service, int instance, const QString& how)
{
    if (m_stopped)
        return;
    std::uniform_int_distribution<int> downFor(m_settings.downMinMs, m_settings.downMaxMs);
    const int down = downFor(m_chaos);
    const qint64 at = m_clock.elapsed();
    const QString victim = m_cluster.instances(service) > 1
                               ? QStringLiteral("%1 instance %2").arg(service).arg(instance)
                               : service;
    m_cluster.killInstance(service, instance);
    after(down, [=, this] {
        if (m_stopped)
            return; // run() restarts whatever is down
        QElapsedTimer restart;
        restart.start();
        if (!m_cluster.restartInstance(service, instance)) {
            anomaly(QStringLiteral("%1 did not restart: %2").arg(victim, m_cluster.errorString()));
            return;
        }
        const QString line = QStringLiteral("%1 s: SIGKILL %2 %3, down %4 ms, ready %5 ms "
                                            "after its restart")
                                 .arg(static_cast<double>(at) / 1000.0, 0, 'f', 1)
                                 .arg(victim, how)
                                 .arg(down)
                                 .arg(restart.elapsed());
        qInfo().noquote() << "fault run:" << line;
        m_result.kills.append(line);
        ++m_result.killCounts[service];
        scheduleKill();
    });
}

// --- NATS nodes (clustered) ------------------------------------------------------------------

void FaultRun::scheduleNatsKill()
{
    if (!m_settings.chaos || m_stopped || !m_cluster.natsCluster() ||
        m_settings.natsKillEveryMaxMs <= 0)
        return;
    std::uniform_int_distribution<int> every(m_settings.natsKillEveryMinMs,
                                             m_settings.natsKillEveryMaxMs);
    after(every(m_natsChaos), [this] { killNatsNode(); });
}

void FaultRun::killNatsNode()
{
    if (m_stopped || isDone())
        return;
    NatsCluster& nats = *m_cluster.natsCluster();
    const int node = static_cast<int>(m_natsChaos() % static_cast<quint32>(nats.size()));
    std::uniform_int_distribution<int> downFor(m_settings.natsDownMinMs, m_settings.natsDownMaxMs);
    const int down = downFor(m_natsChaos);
    const qint64 at = m_clock.elapsed();
    nats.kill(node);
    after(down, [=, this] {
        if (m_stopped)
            return; // run() restarts whatever is down
        if (!m_cluster.natsCluster()->startNode(node)) {
            anomaly(QStringLiteral("nats-server node %1 did not restart: %2")
                        .arg(node + 1)
                        .arg(m_cluster.natsCluster()->errorString()));
            return;
        }
        waitForNode(node, at, down, m_clock.elapsed());
    });
}

// The next node dies only once this one is routed and its JetStream current again: two nodes
// behind at once would leave the R3 streams without a quorum (a stall, not a test of it).
void FaultRun::waitForNode(int node, qint64 killedAt, int down, qint64 restartedAt)
{
    if (m_stopped)
        return;
    NatsCluster& nats = *m_cluster.natsCluster();
    if (!nats.isRouted(node) || !nats.isHealthy(node)) {
        if (m_clock.elapsed() - restartedAt > 120000)
            return anomaly(QStringLiteral("nats-server node %1 not healthy 120 s after its "
                                          "restart")
                               .arg(node + 1));
        return after(250, [=, this] { waitForNode(node, killedAt, down, restartedAt); });
    }
    const QString line = QStringLiteral("%1 s: SIGKILL nats-server node %2, down %3 ms, routed "
                                        "and healthy %4 ms after its restart")
                             .arg(static_cast<double>(killedAt) / 1000.0, 0, 'f', 1)
                             .arg(node + 1)
                             .arg(down)
                             .arg(m_clock.elapsed() - restartedAt);
    qInfo().noquote() << "fault run:" << line;
    m_result.kills.append(line);
    ++m_result.killCounts[QStringLiteral("nats-server")];
    scheduleNatsKill();
}

// After the run: whatever the monkey left down comes back (its restart timers see m_stopped).
void FaultRun::restoreEverything()
{
    if (NatsCluster* nats = m_cluster.natsCluster())
        for (int node = 0; node < nats->size(); ++node)
            if (!((nats->isRunning(node) || nats->startNode(node)) && nats->waitForRoutes(node) &&
                  nats->waitForHealthy(node)))
                anomaly(QStringLiteral("nats-server node %1 did not restart: %2")
                            .arg(node + 1)
                            .arg(nats->errorString()));
    const QStringList services =
        m_cluster.natsCluster() ? m_cluster.services() : OpdCluster::serviceNames();
    for (const QString& service : services)
        for (int instance = 1; instance <= m_cluster.instances(service); ++instance)
            if (!m_cluster.isInstanceRunning(service, instance) &&
                !m_cluster.restartInstance(service, instance))
                anomaly(QStringLiteral("%1 instance %2 did not restart: %3")
                            .arg(service)
                            .arg(instance)
                            .arg(m_cluster.errorString()));
}

} // namespace openopd::testing
