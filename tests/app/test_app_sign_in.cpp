// The desktop app's sign-in and main window against the clinic as shipped (OpdCluster,
// secured: nats-server with accounts, identity with its demo staff, the auth agent), driven
// through the real widgets: typing into the sign-in dialog and pressing Enter.

#include "app_harness.h"
#include "bus/typed.h"
#include "core/session.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "ui/app_flow.h"
#include "ui/connection_indicator.h"
#include "ui/main_window.h"
#include "ui/sign_in_dialog.h"

#include <QAction>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace openopd;
using namespace openopd::app;

namespace {

using App = testing::AppHarness;

// A stand-in reception workspace: these tests are about signing in, not the desk.
void receptionLabelOnly(WorkspaceRegistry& registry)
{
    registry.add({QStringLiteral("reception"),
                  QStringLiteral("Reception"),
                  {protocol::StaffRole::Reception},
                  [](Session&, QWidget* parent) {
                      return new QLabel(QStringLiteral("the reception desk"), parent);
                  }});
}

} // namespace

class TestAppSignIn : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void receptionSignsInAndSeesTheDesk();
    void aDoctorDoesNotSeeTheDesk();
    void wrongPasswordIsShownNextToTheForm();
    void aDisabledAccountHasItsOwnMessage();
    void tooManyAttemptsSayHowLongToWait();
    void anUnreachableServerHasItsOwnMessageAndTheGuiStaysResponsive();
    void signOutAndSwitchUserReturnToTheSignInDialog();
    void theStatusBarShowsReconnectingThenOfflineWhenTheServerStops();

private:
    std::unique_ptr<App> makeApp(QStringList servers = {});

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    int m_apps = 0;
};

std::unique_ptr<App> TestAppSignIn::makeApp(QStringList servers)
{
    if (servers.isEmpty())
        servers = {m_cluster.nats().url()};
    return std::make_unique<App>(servers,
                                 m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)),
                                 receptionLabelOnly);
}

void TestAppSignIn::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
}

void TestAppSignIn::receptionSignsInAndSeesTheDesk()
{
    auto app = makeApp();
    QVERIFY(app->dialog()->isVisible());
    OPENOPD_VERIFY_MNEMONICS(app->dialog());
    app->typeSignIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
    QVERIFY(!app->dialog()->isVisible());
    QVERIFY2(app->window()->signedInText().contains(u"reception"),
             qPrintable(app->window()->signedInText()));
    QCOMPARE(app->window()->connectionIndicator()->text(), QStringLiteral("Connected"));
    QCOMPARE(app->window()->workspaceIds(), QStringList{QStringLiteral("reception")});
    OPENOPD_VERIFY_MNEMONICS(app->window()); // the desk and the menu bar share the letters
    QCOMPARE(app->session.principal().staffId, QStringLiteral("reception"));
    // The profile remembers the user name for next time, and nothing secret.
    app->settings.sync();
    QFile file(app->settings.fileName());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(stored.contains("last_user=reception"));
    QVERIFY(!stored.contains(testing::OpdCluster::demoPassword().toUtf8()));
}

void TestAppSignIn::aDoctorDoesNotSeeTheDesk()
{
    auto app = makeApp();
    app->typeSignIn(QStringLiteral("dr.silva"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
    QVERIFY(app->window()->workspaceIds().isEmpty());
    auto* empty = app->window()->findChild<QLabel*>(QStringLiteral("noWorkspace"));
    QVERIFY(empty && empty->isVisible());
    QVERIFY2(empty->text().contains(u"(doctor)"), qPrintable(empty->text()));
}

void TestAppSignIn::wrongPasswordIsShownNextToTheForm()
{
    auto app = makeApp();
    app->typeSignIn(QStringLiteral("reception"), QStringLiteral("not-the-password"));
    QTRY_VERIFY_WITH_TIMEOUT(!app->dialog()->errorText().isEmpty(), 30000);
    QVERIFY2(app->dialog()->errorText().startsWith(u"Wrong user name or password"),
             qPrintable(app->dialog()->errorText()));
    QVERIFY(app->dialog()->isVisible());
    QVERIFY(!app->window()->isVisible());
    QCOMPARE(app->session.phase(), Session::Phase::SignedOut);
    // The form is usable again at once: the right password now signs in.
    app->typeSignIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
}

void TestAppSignIn::aDisabledAccountHasItsOwnMessage()
{
    std::unique_ptr<bus::Connection> admin =
        m_cluster.signIn(QStringLiteral("admin"), testing::OpdCluster::demoPassword());
    QVERIFY2(admin, qPrintable(m_cluster.errorString()));
    std::optional<bus::Result<protocol::StaffAccountReply>> disabled;
    QObject context;
    bus::request(*admin, protocol::kDisableStaff, protocol::StaffIdRequest{QStringLiteral("lab")},
                 &context, [&](bus::Result<protocol::StaffAccountReply> r) { disabled = r; });
    QTRY_VERIFY_WITH_TIMEOUT(disabled.has_value(), 20000);
    QVERIFY2(disabled->ok(), qPrintable(disabled->error().toString()));

    auto app = makeApp();
    app->typeSignIn(QStringLiteral("lab"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY_WITH_TIMEOUT(!app->dialog()->errorText().isEmpty(), 30000);
    QVERIFY2(app->dialog()->errorText().startsWith(u"This account is disabled"),
             qPrintable(app->dialog()->errorText()));
    QVERIFY(!app->window()->isVisible());
}

void TestAppSignIn::tooManyAttemptsSayHowLongToWait()
{
    // identity answers 429 after 5 consecutive failures for a user name (known or not).
    auto app = makeApp();
    const QString user = QStringLiteral("no.such.user");
    for (int attempt = 1; attempt <= 5; ++attempt) {
        app->typeSignIn(user, QStringLiteral("wrong-password-%1").arg(attempt));
        QTRY_VERIFY_WITH_TIMEOUT(!app->dialog()->errorText().isEmpty() &&
                                     app->session.phase() == Session::Phase::SignedOut,
                                 30000);
        QVERIFY2(app->dialog()->errorText().startsWith(u"Wrong user name or password"),
                 qPrintable(app->dialog()->errorText()));
        app->dialog()->prepare(); // clears the error, as a fresh attempt would
    }
    app->typeSignIn(user, QStringLiteral("wrong-password-6"));
    QTRY_VERIFY_WITH_TIMEOUT(!app->dialog()->errorText().isEmpty(), 30000);
    QVERIFY2(app->dialog()->errorText().startsWith(u"Too many failed attempts"),
             qPrintable(app->dialog()->errorText()));
    // The wait is the server's (back-off from 30 s), not a default.
    const QRegularExpressionMatch wait =
        QRegularExpression(QStringLiteral("Wait (\\d+) second")).match(app->dialog()->errorText());
    QVERIFY2(wait.hasMatch(), qPrintable(app->dialog()->errorText()));
    QVERIFY2(wait.captured(1).toInt() >= 2, qPrintable(app->dialog()->errorText()));
}

void TestAppSignIn::anUnreachableServerHasItsOwnMessageAndTheGuiStaysResponsive()
{
    // A port nobody listens on (a stopped server) and an address that never answers (a
    // cable pulled: the connect times out).
    for (const QString& server :
         {QStringLiteral("nats://127.0.0.1:1"), QStringLiteral("nats://10.255.255.1:4222")}) {
        auto app = makeApp({server});
        QElapsedTimer clock;
        qint64 last = 0;
        qint64 worstGap = 0;
        QTimer ticker;
        ticker.setInterval(50);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            worstGap = std::max(worstGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        clock.start();
        ticker.start();
        app->typeSignIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
        QTRY_VERIFY_WITH_TIMEOUT(!app->dialog()->errorText().isEmpty(), 30000);
        ticker.stop();
        QVERIFY2(app->dialog()->errorText().startsWith(u"The server cannot be reached"),
                 qPrintable(app->dialog()->errorText()));
        qInfo("%s: answered after %lld ms; worst gap of the 50 ms timer %lld ms",
              qPrintable(server), static_cast<long long>(clock.elapsed()),
              static_cast<long long>(worstGap));
        // A GUI thread waiting for the connect would miss the timer for the whole connect
        // timeout (2 s). The bound leaves room for a loaded build machine; the measured gap
        // is printed above (the target: never more than 100 ms late).
        QVERIFY2(worstGap < 500, qPrintable(QString::number(worstGap)));
    }
}

void TestAppSignIn::signOutAndSwitchUserReturnToTheSignInDialog()
{
    auto app = makeApp();
    app->typeSignIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
    QAction* signOut = app->action(QStringLiteral("Sign out"));
    QVERIFY(signOut);
    signOut->trigger();
    QTRY_VERIFY(app->dialog()->isVisible());
    QVERIFY(!app->window()->isVisible());
    QCOMPARE(app->session.phase(), Session::Phase::SignedOut);
    QVERIFY(app->window()->workspaceIds().isEmpty());
    auto* userEdit = app->dialog()->findChild<QLineEdit*>(QStringLiteral("user"));
    auto* passwordEdit = app->dialog()->findChild<QLineEdit*>(QStringLiteral("password"));
    QCOMPARE(userEdit->text(), QStringLiteral("reception")); // same person, back again
    QVERIFY(passwordEdit->text().isEmpty());

    app->typeSignIn(QStringLiteral("pharma"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
    QVERIFY(app->window()->signedInText().contains(u"pharma"));
    QAction* switchUser = app->action(QStringLiteral("Switch user…"));
    QVERIFY(switchUser);
    switchUser->trigger();
    QTRY_VERIFY(app->dialog()->isVisible());
    QVERIFY(userEdit->text().isEmpty()); // the next person types their own name
}

void TestAppSignIn::theStatusBarShowsReconnectingThenOfflineWhenTheServerStops()
{
    auto app = makeApp();
    app->typeSignIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QTRY_VERIFY2_WITH_TIMEOUT(app->window()->isVisible(), qPrintable(app->dialog()->errorText()),
                              30000);
    ConnectionIndicator* indicator = app->window()->connectionIndicator();
    QCOMPARE(indicator->text(), QStringLiteral("Connected"));
    m_cluster.nats().stop();
    QTRY_COMPARE_WITH_TIMEOUT(indicator->text(), QStringLiteral("Reconnecting…"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(indicator->text().startsWith(u"Offline"),
                             ConnectionIndicator::kOfflineAfterMs + 10000);
    QVERIFY(app->window()->isVisible()); // the work stays on screen
}

QTEST_MAIN(TestAppSignIn)
#include "test_app_sign_in.moc"
