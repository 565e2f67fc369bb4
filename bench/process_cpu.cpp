#include "process_cpu.h"

#include <QDir>
#include <QFile>
#include <algorithm>
#include <unistd.h>

namespace openopd::bench {
namespace {

// The fields of /proc/<pid>/stat after "(comm)": index 0 is field 3 (state), so ppid (4) is
// 1, utime (14) 11, stime (15) 12, cutime (16) 13 and cstime (17) 14. Empty on failure.
QList<QByteArray> statFields(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = stat.readAll();
    // "pid (comm) state ..." and comm may hold spaces or ')': count fields after the last ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return {};
    QList<QByteArray> fields = line.mid(close + 2).split(' ');
    return fields.size() >= 15 ? fields : QList<QByteArray>{};
}

// Clock ticks in fields [first, last] summed; -1 when one does not parse.
double ticks(const QList<QByteArray>& fields, int first, int last)
{
    double sum = 0;
    for (int i = first; i <= last; ++i) {
        bool ok = false;
        sum += fields.at(i).toDouble(&ok);
        if (!ok)
            return -1;
    }
    return sum;
}

double seconds(double clockTicks)
{
    return clockTicks < 0 ? -1 : clockTicks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace

void ProcessCpuMeter::add(const QString& name, qint64 pid)
{
    if (pid > 0)
        m_processes.append(ProcessCpu{name, pid, 0, 0, false});
}

void ProcessCpuMeter::addTree(const QString& name, qint64 pid)
{
    if (pid > 0)
        m_processes.append(ProcessCpu{name, pid, 0, 0, true});
}

void ProcessCpuMeter::start()
{
    for (ProcessCpu& p : m_processes)
        p.startSeconds = p.tree ? treeCpuSeconds(p.pid) : cpuSeconds(p.pid);
}

void ProcessCpuMeter::stop()
{
    for (ProcessCpu& p : m_processes) {
        const double now = p.tree ? treeCpuSeconds(p.pid) : cpuSeconds(p.pid);
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

QList<QPair<QString, double>> ProcessCpuMeter::byName() const
{
    QList<QPair<QString, double>> sums;
    for (const ProcessCpu& p : m_processes) {
        auto it = std::find_if(sums.begin(), sums.end(),
                               [&](const QPair<QString, double>& s) { return s.first == p.name; });
        if (it == sums.end())
            sums.append({p.name, p.usedSeconds});
        else
            it->second += p.usedSeconds;
    }
    return sums;
}

double ProcessCpuMeter::cpuSeconds(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return fields.isEmpty() ? -1 : seconds(ticks(fields, 11, 12));
}

double ProcessCpuMeter::treeCpuSeconds(qint64 pid)
{
    const QList<QByteArray> own = statFields(pid);
    if (own.isEmpty())
        return -1;
    double total = ticks(own, 11, 14);
    const QByteArray parent = QByteArray::number(pid);
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool numeric = false;
        const qint64 child = entry.toLongLong(&numeric);
        if (!numeric || child == pid)
            continue;
        const QList<QByteArray> fields = statFields(child);
        if (!fields.isEmpty() && fields.at(1) == parent)
            total += std::max(0.0, ticks(fields, 11, 14));
    }
    return seconds(total);
}

int ProcessCpuMeter::onlineCpus()
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? static_cast<int>(n) : 1;
}

} // namespace openopd::bench
