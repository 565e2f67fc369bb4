#include "host/incident.h"

#include "host/json_log.h"

#include <QCoreApplication>
#include <QRandomGenerator>

namespace openopd::host {

QString logIncident(const QString& detail)
{
    const QString id =
        QStringLiteral("%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    logEvent(QtWarningMsg, detail, {{}, {}, {{QStringLiteral("incident"), id}}});
    return id;
}

QString unavailableMessage(const QString& detail)
{
    return QCoreApplication::translate("openopd::host::Incident",
                                       "The database is unavailable; try again (incident %1).")
        .arg(logIncident(detail));
}

} // namespace openopd::host
