#include "core/standalone/clinic_layout.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

namespace openopd::app::clinic {

namespace {

bool isExecutableFile(const QString& path)
{
    const QFileInfo info(path);
    return info.isFile() && info.isExecutable();
}

} // namespace

QString defaultDataDir()
{
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/OpenOPD");
}

QStringList servicePrograms()
{
    return {QStringLiteral("openopd-registration"), QStringLiteral("openopd-consultation"),
            QStringLiteral("openopd-pharmacy"), QStringLiteral("openopd-discharge"),
            QStringLiteral("openopd-audit")};
}

QString findOpenOpdProgram(const QString& name, const QString& appDir, QStringList* searched)
{
    QStringList candidates;
    if (!appDir.isEmpty()) {
        const QString folder = name.startsWith(u"openopd-") ? name.mid(8) : name;
        candidates << QDir(appDir).filePath(name)
                   << QDir::cleanPath(appDir + QStringLiteral("/../backend-services/") + folder +
                                      u'/' + name);
    }
    for (const QString& candidate : std::as_const(candidates)) {
        searched->append(QFileInfo(candidate).absolutePath());
        if (isExecutableFile(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    }
    searched->append(QStringLiteral("PATH"));
    return QStandardPaths::findExecutable(name);
}

QString findNatsServer(QStringList* searched)
{
    const QString name = QStringLiteral("nats-server");
    searched->append(QStringLiteral("PATH"));
    if (const QString onPath = QStandardPaths::findExecutable(name); !onPath.isEmpty())
        return onPath;
    const QStringList dirs = {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/local/bin"),
                              QStringLiteral("/usr/local/sbin")};
    searched->append(dirs);
    return QStandardPaths::findExecutable(name, dirs);
}

QString demoMarkerPath(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("DEMO-DATA"));
}

QString demoMarkerText(const QString& dataDir)
{
    QFile file(demoMarkerPath(dataDir));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readLine()).trimmed();
}

bool writeDemoMarker(const QString& dataDir, const QString& byWhat)
{
    QFile file(demoMarkerPath(dataDir));
    if (file.exists())
        return true;
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const QString line =
        QStringLiteral("demo data loaded %1 by %2\n")
            .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")),
                 byWhat);
    return file.write(line.toUtf8()) > 0;
}

QString firstAdminPendingPath(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("FIRST-ADMIN-PENDING"));
}

bool needsFirstAdmin(const QString& dataDir)
{
    return !QFileInfo::exists(QDir(dataDir).filePath(QStringLiteral("identity.sqlite"))) ||
           QFileInfo::exists(firstAdminPendingPath(dataDir));
}

} // namespace openopd::app::clinic
