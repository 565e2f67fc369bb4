// The fault run's chaos monkey: SIGKILL one service at a time at moments drawn from the
// seed, restart it after a random pause.

#include "fault_run.h"

#include <utility>

namespace openopd::testing {

void FaultRun::scheduleKill()
{
    if (!m_settings.chaos || m_stopped)
        return;
    std::uniform_int_distribution<int> every(m_settings.killEveryMinMs, m_settings.killEveryMaxMs);
    after(every(m_chaos), [this] { killOne(); });
}

// Picks the victim; kills it now, or arms a kill for the moment a request reaches it (audit
// serves no request in this run: always now).
void FaultRun::killOne()
{
    if (m_stopped || isDone())
        return;
    const QStringList services = OpdCluster::serviceNames();
    const QString service =
        services.at(static_cast<qsizetype>(m_chaos() % static_cast<quint32>(services.size())));
    if (service == QStringLiteral("audit") || m_chaos() % 2 == 0)
        return killNow(service, QStringLiteral("at the timer"));
    m_armed = service;
    const int generation = ++m_armedGeneration;
    after(1000, [this, service, generation] { // nothing was sent to it meanwhile
        if (m_armed == service && m_armedGeneration == generation) {
            m_armed.clear();
            killNow(service, QStringLiteral("at the timer (armed, idle)"));
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
    const int delay = static_cast<int>(m_chaos() % 4);
    const QString how =
        QStringLiteral("%1 ms after a request to %2").arg(delay).arg(QString::fromLatin1(subject));
    after(delay, [this, service, how] { killNow(service, how); });
}

void FaultRun::killNow(const QString& service, const QString& how)
{
    if (m_stopped)
        return;
    std::uniform_int_distribution<int> downFor(m_settings.downMinMs, m_settings.downMaxMs);
    const int down = downFor(m_chaos);
    const qint64 at = m_clock.elapsed();
    m_cluster.kill(service);
    after(down, [=, this] {
        if (m_stopped)
            return; // run() restarts whatever is down
        QElapsedTimer restart;
        restart.start();
        if (!m_cluster.restart(service)) {
            anomaly(QStringLiteral("%1 did not restart: %2").arg(service, m_cluster.errorString()));
            return;
        }
        const QString line = QStringLiteral("%1 s: SIGKILL %2 %3, down %4 ms, ready %5 ms "
                                            "after its restart")
                                 .arg(static_cast<double>(at) / 1000.0, 0, 'f', 1)
                                 .arg(service, how)
                                 .arg(down)
                                 .arg(restart.elapsed());
        qInfo().noquote() << "fault run:" << line;
        m_result.kills.append(line);
        scheduleKill();
    });
}

} // namespace openopd::testing
