#include "process_cpu.h"

#include <QFile>
#include <unistd.h>

namespace openopd::bench {

void ProcessCpuMeter::add(const QString& name, qint64 pid)
{
    if (pid > 0)
        m_processes.append(ProcessCpu{name, pid, 0, 0});
}

void ProcessCpuMeter::start()
{
    for (ProcessCpu& p : m_processes)
        p.startSeconds = cpuSeconds(p.pid);
}

void ProcessCpuMeter::stop()
{
    for (ProcessCpu& p : m_processes) {
        const double now = cpuSeconds(p.pid);
        p.usedSeconds = now >= 0 && p.startSeconds >= 0 ? now - p.startSeconds : 0;
    }
}

double ProcessCpuMeter::totalSeconds() const
{
    double total = 0;
    for (const ProcessCpu& p : m_processes)
        total += p.usedSeconds;
    return total;
}

double ProcessCpuMeter::cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // "pid (comm) state ..." and comm may hold spaces or ')': count fields after the last ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    // After comm, field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    if (fields.size() < 13)
        return -1;
    bool okUser = false;
    bool okSystem = false;
    const double ticks = fields[11].toDouble(&okUser) + fields[12].toDouble(&okSystem);
    if (!okUser || !okSystem)
        return -1;
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int ProcessCpuMeter::onlineCpus()
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

} // namespace openopd::bench
