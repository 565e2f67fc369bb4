#pragma once

// Resident memory of a process, from /proc (Linux).

#include <QByteArray>
#include <QFile>
#include <QString>

namespace openopd::bench {

// VmRSS of process pid (0: this process) in MiB; 0 when unknown.
inline double residentMiB(qint64 pid = 0)
{
    QFile status(pid > 0 ? QStringLiteral("/proc/%1/status").arg(pid)
                         : QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024;
    return 0;
}

} // namespace openopd::bench
