#pragma once

// CPU time used by processes during a run, from /proc/<pid>/stat (Linux): what each part of
// the system costs per unit of work, and what the machine could do if CPU were the limit.

#include <QList>
#include <QPair>
#include <QString>

namespace openopd::bench {

struct ProcessCpu
{
    QString name; // several entries may share a name (instances of one service)
    qint64 pid = 0;
    double startSeconds = 0; // user + system CPU time at start()
    double usedSeconds = 0;  // since start(), after stop()
    bool tree = false;       // with its children (treeCpuSeconds)
};

class ProcessCpuMeter
{
public:
    void add(const QString& name, qint64 pid); // pid 0 is skipped
    // A process with its children, e.g. PostgreSQL's postmaster and its backends.
    void addTree(const QString& name, qint64 pid);
    void start();
    void stop();
    const QList<ProcessCpu>& processes() const { return m_processes; }
    double totalSeconds() const;
    // usedSeconds summed by name, in the order the names were first added.
    QList<QPair<QString, double>> byName() const;

    // User + system CPU seconds of pid so far; -1 when it cannot be read.
    static double cpuSeconds(qint64 pid);
    // pid's CPU seconds with its children's: its own user + system, the children it reaped
    // (cutime + cstime) and its live children's (user + system + reaped). A child that ends
    // between two readings moves into the parent's reaped time, so differences stay right.
    static double treeCpuSeconds(qint64 pid);
    static int onlineCpus();

private:
    QList<ProcessCpu> m_processes;
};

} // namespace openopd::bench
