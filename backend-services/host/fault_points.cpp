#include "host/fault_points.h"

#include <QDebug>
#include <csignal>

namespace openopd::host {

FaultPoints::FaultPoints(const QString& commaSeparatedNames)
{
    for (const QString& name : commaSeparatedNames.split(u',', Qt::SkipEmptyParts))
        m_armed.insert(name.trimmed());
}

void FaultPoints::hit(const QString& name) const
{
    if (!m_armed.contains(name))
        return;
    qWarning().noquote() << "fault point" << name << "reached: killing the process";
    std::raise(SIGKILL);
}

QStringList FaultPoints::known()
{
    return {QString::fromLatin1(fault::kAfterCommit), QString::fromLatin1(fault::kAfterPublish),
            QString::fromLatin1(fault::kConsumerAfterCommit),
            QString::fromLatin1(fault::kConsumerBeforeCommit),
            QString::fromLatin1(fault::kDbLostBeforeCommit)};
}

} // namespace openopd::host
