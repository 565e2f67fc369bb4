// The standalone clinic (openopd --standalone), with real processes only: the app starts
// nats-server, identity, the auth agent and the five services as its children; a client signs
// in; quitting (SIGTERM, as the menu's Quit) stops every child cleanly; a SIGKILLed app
// leaves no child behind (PR_SET_PDEATHSIG); the first run creates the administrator, who
// then signs in through the real dialogs; demo data and a busy port are refused clearly.

#include "bus/nats_library.h"
#include "core/connection_profile.h"
#include "core/session.h"
#include "core/standalone/clinic_supervisor.h"
#include "ui/app_flow.h"
#include "ui/main_window.h"
#include "ui/sign_in_dialog.h"
#include "ui/standalone/first_admin_dialog.h"
#include "ui/standalone/standalone_flow.h"
#include "ui/workspace_registry.h"

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHostAddress>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/prctl.h>
#include <sys/wait.h>

using namespace openopd;
using namespace openopd::app;

namespace {

const QString kDemoPassword = QStringLiteral("demo-password");

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
bool readStat(qint64 pid, char* state, qint64* parent)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray stat = file.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return false;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    if (fields.size() < 2)
        return false;
    *state = fields.at(0).at(0);
    *parent = fields.at(1).toLongLong();
    return true;
}

QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        char state = 0;
        qint64 ppid = 0;
        if (ok && readStat(pid, &state, &ppid) && ppid == parent && state != 'Z')
            children.append(pid);
    }
    return children;
}

QString commandOf(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/comm").arg(pid));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
}

// A process is gone when it no longer exists or is a zombie. This test is a child subreaper:
// the orphans of a killed app become its children, and it reaps them here.
bool isGone(qint64 pid)
{
    char state = 0;
    qint64 parent = 0;
    if (!readStat(pid, &state, &parent))
        return true;
    if (state != 'Z')
        return false;
    if (parent == ::getpid())
        ::waitpid(pid_t(pid), nullptr, WNOHANG);
    return true;
}

QStringList stillRunning(const QList<qint64>& pids)
{
    QStringList running;
    for (const qint64 pid : pids)
        if (!isGone(pid))
            running.append(QStringLiteral("%1 (%2)").arg(pid).arg(commandOf(pid)));
    return running;
}

QString appDir()
{
    return QFileInfo(QStringLiteral(OPENOPD_APP_BIN)).absolutePath();
}

// The real app process, as a person at the desk (or run-clinic.sh) starts it.
class AppProcess
{
public:
    AppProcess(const QString& home, const QStringList& arguments)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        process.setProcessEnvironment(env);
        process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&process, &QProcess::readyRead, [this] { output += process.readAll(); });
        process.start(QStringLiteral(OPENOPD_APP_BIN), arguments);
    }
    ~AppProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
    // What it printed, and how it ended if it did: for failure messages.
    QByteArray describe() const
    {
        QByteArray text = output;
        if (process.state() == QProcess::NotRunning)
            text += "\n[openopd ended: " + process.errorString().toUtf8() + ", exit code " +
                    QByteArray::number(process.exitCode()) + "]";
        return text;
    }
    bool waitForOutput(const QByteArray& text, int ms)
    {
        return QTest::qWaitFor(
                   [&] { return output.contains(text) || process.state() == QProcess::NotRunning; },
                   ms) &&
               output.contains(text);
    }

    QProcess process;
    QByteArray output;
};

} // namespace

class TestAppStandalone : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void demoClinicStartsAndAClientSignsIn();
    void quitStopsEveryChildCleanly();
    void aKilledAppLeavesNoChild();
    void aRealStartOnDemoDataIsRefused();
    void demoDataIsNeverLoadedIntoARealClinic();
    void aBusyPortIsSaidClearly();
    void withoutADisplayTheAppSaysSo();
    void aMissingProgramIsNamed();
    void aComponentThatFailsIsNamedWithItsLog();
    void firstRunCreatesTheAdministratorWhoSignsIn();

private:
    bool signInTo(quint16 port, const QString& user, const QString& password, QString* why);

    bus::NatsLibrary m_library;
    QTemporaryDir m_dir;
    QString m_demoDir;
    quint16 m_port = 0;
    std::unique_ptr<AppProcess> m_app;
    QList<qint64> m_children;
};

void TestAppStandalone::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(QFileInfo(QStringLiteral(OPENOPD_APP_BIN)).isExecutable());
    QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    m_demoDir = m_dir.filePath(QStringLiteral("demo-clinic"));
}

void TestAppStandalone::cleanup()
{
    // A failed check must not leave a clinic running behind the test.
    if (QTest::currentTestFailed()) {
        for (const qint64 pid : std::as_const(m_children))
            if (!isGone(pid))
                ::kill(pid_t(pid), SIGKILL);
    }
}

bool TestAppStandalone::signInTo(quint16 port, const QString& user, const QString& password,
                                 QString* why)
{
    Session session;
    ConnectionProfile profile;
    profile.name = QStringLiteral("standalone");
    profile.servers = {QStringLiteral("nats://127.0.0.1:%1").arg(port)};
    QSignalSpy failed(&session, &Session::signInFailed);
    session.signIn(profile, user, password);
    const bool in = QTest::qWaitFor(
        [&] { return session.phase() == Session::Phase::SignedIn || !failed.isEmpty(); }, 30000);
    if (!failed.isEmpty())
        *why = failed.first().first().value<SignInFailure>().message;
    if (!in || session.phase() != Session::Phase::SignedIn)
        return false;
    session.signOut();
    return true;
}

void TestAppStandalone::demoClinicStartsAndAClientSignsIn()
{
    m_port = freePort();
    QVERIFY(m_port != 0);
    QElapsedTimer clock;
    clock.start();
    m_app = std::make_unique<AppProcess>(
        m_dir.filePath(QStringLiteral("home")),
        QStringList{QStringLiteral("--standalone"), QStringLiteral("--data-dir"), m_demoDir,
                    QStringLiteral("--demo-data"), QStringLiteral("--nats-port"),
                    QString::number(m_port)});
    QVERIFY2(m_app->waitForOutput("the clinic is ready at", 180000), m_app->describe().constData());
    qInfo("start to ready: %lld ms", clock.elapsed());
    QVERIFY(m_app->output.contains(QStringLiteral("nats://127.0.0.1:%1").arg(m_port).toUtf8()));

    // nats-server, identity, the auth agent and five services, all children of the app.
    m_children = childrenOf(m_app->process.processId());
    QStringList names;
    for (const qint64 pid : std::as_const(m_children))
        names.append(commandOf(pid));
    QVERIFY2(m_children.size() == 8, qPrintable(names.join(u' ')));
    QVERIFY2(names.contains(QStringLiteral("nats-server")), qPrintable(names.join(u' ')));
    QVERIFY(QFileInfo::exists(m_demoDir + QStringLiteral("/DEMO-DATA")));

    QString why;
    QVERIFY2(signInTo(m_port, QStringLiteral("admin"), kDemoPassword, &why), qPrintable(why));
    QVERIFY2(signInTo(m_port, QStringLiteral("reception"), kDemoPassword, &why), qPrintable(why));
}

void TestAppStandalone::quitStopsEveryChildCleanly()
{
    QVERIFY(m_app && !m_children.isEmpty());
    QElapsedTimer clock;
    clock.start();
    // SIGTERM takes the same way as File > Quit: services first, then nats-server.
    ::kill(pid_t(m_app->process.processId()), SIGTERM);
    QVERIFY(m_app->process.waitForFinished(60000));
    qInfo("quit to exit: %lld ms", clock.elapsed());
    QCOMPARE(m_app->process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_app->process.exitCode(), 0);
    QCOMPARE(stillRunning(m_children), QStringList());
    // Each stopped on its SIGTERM (not killed): nats-server shut JetStream down cleanly.
    QFile natsLog(m_demoDir + QStringLiteral("/logs/nats-server.log"));
    QVERIFY(natsLog.open(QIODevice::ReadOnly));
    QVERIFY(natsLog.readAll().contains("Server Exiting"));
    QFile identityLog(m_demoDir + QStringLiteral("/logs/openopd-identity.log"));
    QVERIFY(identityLog.open(QIODevice::ReadOnly));
    QVERIFY(identityLog.readAll().contains("ended: exit code 0"));
    m_app.reset();
}

void TestAppStandalone::aKilledAppLeavesNoChild()
{
    // The same demo data again (its marker allows --demo-data), on a fresh port.
    m_port = freePort();
    m_app = std::make_unique<AppProcess>(
        m_dir.filePath(QStringLiteral("home")),
        QStringList{QStringLiteral("--standalone"), QStringLiteral("--data-dir"), m_demoDir,
                    QStringLiteral("--demo-data"), QStringLiteral("--nats-port"),
                    QString::number(m_port)});
    QVERIFY2(m_app->waitForOutput("the clinic is ready at", 180000), m_app->describe().constData());
    m_children = childrenOf(m_app->process.processId());
    QCOMPARE(m_children.size(), 8);
    QString why;
    QVERIFY2(signInTo(m_port, QStringLiteral("dr.silva"), kDemoPassword, &why), qPrintable(why));

    QElapsedTimer clock;
    clock.start();
    ::kill(pid_t(m_app->process.processId()), SIGKILL);
    QVERIFY(m_app->process.waitForFinished(10000));
    QTRY_VERIFY2_WITH_TIMEOUT(stillRunning(m_children).isEmpty(),
                              qPrintable(stillRunning(m_children).join(u' ')), 15000);
    qInfo("SIGKILL to no child left: %lld ms", clock.elapsed());
    m_app.reset();
}

void TestAppStandalone::aRealStartOnDemoDataIsRefused()
{
    ClinicOptions options;
    options.dataDir = m_demoDir;
    options.natsPort = freePort();
    options.appDir = appDir();
    ClinicSupervisor clinic(options);
    QSignalSpy failed(&clinic, &ClinicSupervisor::failed);
    QSignalSpy stopped(&clinic, &ClinicSupervisor::stopped);
    clinic.start();
    QCOMPARE(failed.size(), 1);
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("holds demo data")) &&
                 message.contains(QStringLiteral("--demo-data")),
             qPrintable(message));
    QTRY_COMPARE(stopped.size(), 1);
    QVERIFY(clinic.childPids().isEmpty());
}

void TestAppStandalone::demoDataIsNeverLoadedIntoARealClinic()
{
    // A real clinic's directory: accounts (identity.sqlite) and no demo mark.
    ClinicOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("real-clinic"));
    options.demo = true;
    options.natsPort = freePort();
    options.appDir = appDir();
    QVERIFY(QDir().mkpath(options.dataDir));
    QFile accounts(options.dataDir + QStringLiteral("/identity.sqlite"));
    QVERIFY(accounts.open(QIODevice::WriteOnly));
    accounts.close();
    ClinicSupervisor clinic(options);
    QSignalSpy failed(&clinic, &ClinicSupervisor::failed);
    clinic.start();
    QCOMPARE(failed.size(), 1);
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("holds a real clinic's data")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(options.dataDir + QStringLiteral("/DEMO-DATA")));
}

void TestAppStandalone::aBusyPortIsSaidClearly()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    ClinicOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("busy-port"));
    options.demo = true;
    options.natsPort = busy.serverPort();
    options.appDir = appDir();
    ClinicSupervisor clinic(options);
    QSignalSpy failed(&clinic, &ClinicSupervisor::failed);
    clinic.start();
    QCOMPARE(failed.size(), 1);
    const QString message = failed.first().first().toString();
    QVERIFY2(
        message.contains(QStringLiteral("127.0.0.1:%1 is already in use").arg(busy.serverPort())),
        qPrintable(message));
}

void TestAppStandalone::withoutADisplayTheAppSaysSo()
{
    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::MergedChannels);
    app.start(QStringLiteral(OPENOPD_APP_BIN),
              {QStringLiteral("--standalone"), QStringLiteral("--data-dir"),
               m_dir.filePath(QStringLiteral("no-display"))});
    QVERIFY(app.waitForFinished(30000));
    const QByteArray output = app.readAll();
    QCOMPARE(app.exitStatus(), QProcess::NormalExit);
    QCOMPARE(app.exitCode(), 1);
    QVERIFY2(output.contains("no display") && output.contains("run-clinic.sh --headless"),
             output.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("no-display"))));
}

void TestAppStandalone::aMissingProgramIsNamed()
{
    QTemporaryDir elsewhere; // an "installation" without the OpenOPD programs
    ClinicOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("missing-program"));
    options.demo = true;
    options.natsPort = freePort();
    options.appDir = elsewhere.path();
    ClinicSupervisor clinic(options);
    QSignalSpy failed(&clinic, &ClinicSupervisor::failed);
    clinic.start();
    QCOMPARE(failed.size(), 1);
    const QString message = failed.first().first().toString();
    qInfo().noquote() << message;
    QVERIFY2(message.startsWith(QStringLiteral("openopd-nats-auth was not found")) &&
                 message.contains(elsewhere.path()),
             qPrintable(message));
}

void TestAppStandalone::aComponentThatFailsIsNamedWithItsLog()
{
    // identity cannot open its database (a directory stands where the file goes): the start
    // fails naming it and its log, and what had started is stopped again.
    ClinicOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("broken-identity"));
    options.demo = true;
    options.natsPort = freePort();
    options.appDir = appDir();
    QVERIFY(QDir().mkpath(options.dataDir + QStringLiteral("/identity.sqlite")));
    QFile demoMark(options.dataDir + QStringLiteral("/DEMO-DATA"));
    QVERIFY(demoMark.open(QIODevice::WriteOnly)); // a demo clinic's directory
    demoMark.close();
    ClinicSupervisor clinic(options);
    QSignalSpy failed(&clinic, &ClinicSupervisor::failed);
    QSignalSpy stopped(&clinic, &ClinicSupervisor::stopped);
    clinic.start();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 120000);
    const QString message = failed.first().first().toString();
    qInfo().noquote() << message;
    const QString log = options.dataDir + QStringLiteral("/logs/openopd-identity.log");
    QVERIFY2(message.startsWith(
                 QStringLiteral("openopd-identity stopped while the clinic was starting")) &&
                 message.contains(log),
             qPrintable(message));
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 60000);
    QVERIFY(clinic.childPids().isEmpty());
    QCOMPARE(clinic.state(), ClinicSupervisor::State::Failed);
}

void TestAppStandalone::firstRunCreatesTheAdministratorWhoSignsIn()
{
    // What main.cpp builds for --standalone, in this process, on an empty data directory.
    QSettings settings(m_dir.filePath(QStringLiteral("first-run.ini")), QSettings::IniFormat);
    ProfileStore profiles(settings);
    Session session;
    WorkspaceRegistry registry;
    AppFlow flow(session, profiles, registry);
    ClinicOptions options;
    options.dataDir = m_dir.filePath(QStringLiteral("new-clinic"));
    options.natsPort = freePort();
    options.appDir = appDir();
    StandaloneFlow standalone(options, profiles, session);
    connect(&standalone, &StandaloneFlow::ready, &flow, &AppFlow::start);
    connect(&flow, &AppFlow::quitRequested, &standalone, &StandaloneFlow::quit);
    QSignalSpy finished(&standalone, &StandaloneFlow::finished);
    standalone.start();

    QTRY_VERIFY_WITH_TIMEOUT(
        standalone.firstAdminDialog() && standalone.firstAdminDialog()->isVisible(), 20000);
    FirstAdminDialog* dialog = standalone.firstAdminDialog();
    auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("name"));
    auto* password = dialog->findChild<QLineEdit*>(QStringLiteral("password"));
    auto* repeat = dialog->findChild<QLineEdit*>(QStringLiteral("repeat"));
    QVERIFY(name && password && repeat);
    name->clear();
    QTest::keyClicks(name, QStringLiteral("head.nurse"));
    QTest::keyClicks(password, QStringLiteral("a good long password"));
    QTest::keyClicks(repeat, QStringLiteral("a good long passw0rd"));
    QTest::keyClick(repeat, Qt::Key_Return);
    QVERIFY2(dialog->errorText().contains(QStringLiteral("differ")),
             qPrintable(dialog->errorText()));
    QTest::keyClicks(repeat, QStringLiteral("a good long password"));
    QTest::keyClick(repeat, Qt::Key_Return);

    // The sign-in dialog follows, on this clinic's profile, with the new admin's name.
    SignInDialog* signIn = flow.signInDialog();
    QTRY_VERIFY2_WITH_TIMEOUT(signIn->isVisible(), qPrintable(dialog->errorText()), 180000);
    QVERIFY(!dialog->isVisible());
    auto* profile = signIn->findChild<QComboBox*>(QStringLiteral("profile"));
    QCOMPARE(profile->currentText(), ConnectionProfile::localDefault().name);
    QCOMPARE(profile->currentData().toString(), standalone.supervisor().natsUrl());
    auto* user = signIn->findChild<QLineEdit*>(QStringLiteral("user"));
    QCOMPARE(user->text(), QStringLiteral("head.nurse"));
    auto* signInPassword = signIn->findChild<QLineEdit*>(QStringLiteral("password"));
    QTest::keyClicks(signInPassword, QStringLiteral("a good long password"));
    QTest::keyClick(signInPassword, Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(flow.mainWindow()->isVisible(), qPrintable(signIn->errorText()),
                              30000);
    QCOMPARE(session.principal().staffId, QStringLiteral("head.nurse"));

    // Quit (the main window's File > Quit ends in AppFlow::quitRequested): no child is left.
    const QList<qint64> children = standalone.supervisor().childPids();
    QCOMPARE(children.size(), 8);
    Q_EMIT flow.quitRequested();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.first().first().toInt(), 0);
    QCOMPARE(stillRunning(children), QStringList());
    QVERIFY(!flow.mainWindow()->isVisible());
}

QTEST_MAIN(TestAppStandalone)
#include "test_app_standalone.moc"
