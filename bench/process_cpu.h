#pragma once

// CPU time used by processes during a run, from /proc/<pid>/stat (Linux): what each part of
// the system costs per unit of work, and what the machine could do if CPU were the limit.

#include <QList>
#include <QString>

namespace openopd::bench {

struct ProcessCpu
{
    QString name;
    qint64 pid = 0;
    double startSeconds = 0; // user + system CPU time at start()
    double usedSeconds = 0;  // since start(), after stop()
};

class ProcessCpuMeter
{
public:
    void add(const QString& name, qint64 pid); // pid 0 is skipped
    void start();
    void stop();
    const QList<ProcessCpu>& processes() const { return m_processes; }
    double totalSeconds() const;

    // User + system CPU seconds of pid so far; -1 when it cannot be read.
    static double cpuSeconds(qint64 pid);
    static int onlineCpus();

private:
    QList<ProcessCpu> m_processes;
};

} // namespace openopd::bench
