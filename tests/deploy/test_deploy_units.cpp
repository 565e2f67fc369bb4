// The shipped systemd units (packaging/cluster/systemd) are well formed: `systemd-analyze
// verify` loads them (the template as openopd@registration.service) and has nothing to say —
// no unknown key, no bad specifier, every command it would run exists. The install paths
// of openopd-service-run and nats-server are pointed at the source tree and this machine's
// nats-server, as an installation puts them there.

#include "deploy/deploy_util.h"
#include "support/nats_server.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd::testing;
using namespace openopd::testing::deploy;
using namespace Qt::StringLiterals;

namespace {
const QString kUnits = QStringLiteral(OPENOPD_SOURCE_DIR "/packaging/cluster/systemd/");
} // namespace

class TestDeployUnits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unitsHaveTheirSections()
    {
        for (const QString& name : QDir(kUnits).entryList({u"*.service"_s}, QDir::Files)) {
            QFile file(kUnits + name);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray text = file.readAll();
            for (const char* needle : {"[Unit]\n", "[Service]\n", "[Install]\n", "\nExecStart=/"})
                QVERIFY2(text.contains(needle),
                         qPrintable(name + u": no "_s + QString::fromLatin1(needle)));
        }
    }

    void systemdAnalyzeVerifyIsSilent()
    {
        const QString analyze = QStandardPaths::findExecutable(u"systemd-analyze"_s);
        if (analyze.isEmpty())
            QSKIP("systemd-analyze is not installed");
        QTemporaryDir dir;
        QStringList units;
        for (const auto& [source, target] :
             {std::pair{u"openopd-nats.service"_s, u"openopd-nats.service"_s},
              std::pair{u"openopd-nats-auth-agent.service"_s, u"openopd-nats-auth-agent.service"_s},
              std::pair{u"openopd@.service"_s, u"openopd@registration.service"_s}}) {
            QFile file(kUnits + source);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QString text = QString::fromUtf8(file.readAll());
            text.replace(
                u"/usr/local/lib/openopd/openopd-service-run"_s,
                QStringLiteral(OPENOPD_SOURCE_DIR "/packaging/cluster/openopd-service-run"));
            text.replace(u"/usr/sbin/nats-server"_s, NatsServer::executable());
            QFile copy(dir.filePath(target));
            QVERIFY(copy.open(QIODevice::WriteOnly));
            copy.write(text.toUtf8());
            units.append(copy.fileName());
        }
        const RunResult result = run(analyze, QStringList{u"verify"_s, u"--man=no"_s} + units);
        QVERIFY2(result.exitCode == 0 && result.output.trimmed().isEmpty(),
                 result.output.constData());
    }
};

QTEST_GUILESS_MAIN(TestDeployUnits)
#include "test_deploy_units.moc"
