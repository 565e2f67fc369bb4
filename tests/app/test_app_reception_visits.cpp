// The reception desk's visits against the clinic as shipped (OpdCluster, secured: nats-server,
// identity, the five services), signed in as the demo user "reception" through the real
// sign-in dialog: open a visit in the dialog by keyboard and read its token from the token
// view; the waiting list follows the bus (another workstation's visit appears without a
// refresh); cancel and left unseen through the list's confirmation bar; the token slip as a
// PDF whose text (pdftotext) has the token and the name.
//
// OPENOPD_SCREENSHOT_DIR=<dir>: also saves PNGs of the dialog, token view and list there.

#include "app_harness.h"
#include "core/command.h"
#include "core/reception/waiting_list_model.h"
#include "flow_support.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "reception_bus.h"
#include "ui/reception/open_visit_dialog.h"
#include "ui/reception/token_view.h"
#include "ui/reception/waiting_list_view.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::app;
using testing::flow::call;

namespace {

// Left-to-right and right-to-left.
void screenshot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("OPENOPD_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    widget->grab().save(dir + u'/' + name + QStringLiteral(".png"));
    widget->setLayoutDirection(Qt::RightToLeft);
    QTest::qWait(50);
    widget->grab().save(dir + u'/' + name + QStringLiteral("-rtl.png"));
    widget->setLayoutDirection(Qt::LeftToRight);
}

} // namespace

class TestAppReceptionVisits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openAVisitByKeyboardAndReadItsToken();
    void anotherWorkstationsVisitAppearsWithoutARefresh();
    void aSecondOpenForThePatientIsRefusedAndSaysWhy();
    void cancelThroughTheListsConfirmationBar();
    void leftUnseenByKeyboard();
    void theTokenSlipSavesAsAPdfWithTokenAndName();
    void aCancelWhoseAnswerIsLostIsReadNotRepeated();
    void theListSaysReconnectingThenFetchesAgain();
    void cleanupTestCase();

private:
    protocol::Patient createPatient(const QString& name);
    protocol::Visit openByBus(const protocol::Patient& patient);
    protocol::Visit visitOnServer(const QString& id);

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<testing::AppHarness> m_app;
    std::unique_ptr<bus::Connection> m_other; // a second reception workstation
    std::unique_ptr<WaitingListView> m_list;
    std::unique_ptr<OpenVisitDialog> m_dialog;
    protocol::Patient m_ana;
    protocol::Visit m_anaVisit;
};

protocol::Patient TestAppReceptionVisits::createPatient(const QString& name)
{
    return testing::registerPatientOnBus(*m_other, name);
}

protocol::Visit TestAppReceptionVisits::openByBus(const protocol::Patient& patient)
{
    protocol::OpenVisitRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patientId = patient.id;
    request.queue = QStringLiteral("general");
    auto reply = call(*m_other, protocol::kOpenVisit, request);
    if (!reply)
        qFatal("visit.open failed: %s", qPrintable(reply.error().toString()));
    return reply->visit;
}

protocol::Visit TestAppReceptionVisits::visitOnServer(const QString& id)
{
    auto reply = call(*m_other, protocol::kGetVisit, protocol::GetVisitRequest{id});
    if (!reply)
        qFatal("visit.get failed: %s", qPrintable(reply.error().toString()));
    return reply->visit;
}

void TestAppReceptionVisits::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    m_other = m_cluster.signIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QVERIFY2(m_other, qPrintable(m_cluster.errorString()));
    m_ana = createPatient(QStringLiteral("Ana Ferreira-Okafor"));

    m_app = std::make_unique<testing::AppHarness>(QStringList{m_cluster.nats().url()},
                                                  m_dir.filePath(QStringLiteral("settings.ini")));
    QString why;
    QVERIFY2(m_app->signIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword(), &why),
             qPrintable(why));
    m_list = std::make_unique<WaitingListView>(m_app->session);
    m_list->resize(900, 420);
    m_list->show();
    QTRY_VERIFY_WITH_TIMEOUT(m_list->statusText().startsWith(QStringLiteral("Live")), 20000);
}

void TestAppReceptionVisits::openAVisitByKeyboardAndReadItsToken()
{
    m_dialog = std::make_unique<OpenVisitDialog>(m_app->session, m_ana);
    QSignalSpy opened(m_dialog.get(), &OpenVisitDialog::visitOpened);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    m_dialog->activateWindow(); // keys go to the active window
    QVERIFY(QTest::qWaitForWindowActive(m_dialog.get()));
    auto* priority = m_dialog->findChild<QComboBox*>(QStringLiteral("priority"));
    auto* complaint = m_dialog->findChild<QPlainTextEdit*>(QStringLiteral("complaint"));
    QVERIFY(priority && complaint);
    screenshot(m_dialog.get(), QStringLiteral("open-visit-dialog"));
    OPENOPD_VERIFY_MNEMONICS(m_dialog.get());

    // Keyboard only: Alt+C to the complaint, Alt+Y to the priority, Down to "Urgent", Enter.
    QTest::keyClick(m_dialog.get(), Qt::Key_C, Qt::AltModifier);
    QVERIFY(complaint->hasFocus());
    QTest::keyClicks(complaint, QStringLiteral("Fever for 3 days"));
    QTest::keyClick(m_dialog.get(), Qt::Key_Y, Qt::AltModifier);
    QVERIFY(priority->hasFocus());
    QTest::keyClick(priority, Qt::Key_Down);
    QCOMPARE(priority->currentData().toInt(), int(protocol::Priority::Urgent));
    QTest::keyClick(priority, Qt::Key_Return); // the dialog's default button: Open visit

    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 15000);
    QVERIFY2(m_dialog->tokenView()->isVisible(), qPrintable(m_dialog->statusText()));
    m_anaVisit = opened.first().first().value<protocol::Visit>();
    const protocol::Visit onServer = visitOnServer(m_anaVisit.id);
    QCOMPARE(m_dialog->tokenView()->tokenText(), QString::number(onServer.token));
    QCOMPARE(onServer.patientId, m_ana.id);
    QCOMPARE(onServer.priority, protocol::Priority::Urgent);
    QCOMPARE(onServer.complaint, QStringLiteral("Fever for 3 days"));
    QCOMPARE(onServer.state, protocol::VisitState::Registered);
    // Sent once, with a request id.
    QCOMPARE(m_dialog->command()->attempts(), 1);
    QVERIFY(!m_dialog->command()->requestId().isEmpty());
    screenshot(m_dialog.get(), QStringLiteral("token-view"));

    // The list shows it, with its token and name.
    WaitingListModel* model = m_list->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(m_anaVisit.id) >= 0, 5000);
    const int row = model->rowOf(m_anaVisit.id);
    QCOMPARE(model->index(row, WaitingListModel::TokenColumn).data().toString(),
             QString::number(onServer.token));
    QCOMPARE(model->index(row, WaitingListModel::PatientColumn).data().toString(),
             m_ana.details.fullName);
    QCOMPARE(model->index(row, WaitingListModel::StateColumn).data().toString(),
             QStringLiteral("Waiting"));
}

void TestAppReceptionVisits::anotherWorkstationsVisitAppearsWithoutARefresh()
{
    WaitingListModel* model = m_list->model();
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(model, &QAbstractItemModel::rowsInserted);
    const protocol::Patient ben = createPatient(QStringLiteral("Ben Mokoena"));
    const protocol::Visit visit = openByBus(ben);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) >= 0, 5000);
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(resets.size(), 0); // an event, not a new snapshot
    const int row = model->rowOf(visit.id);
    QCOMPARE(model->index(row, WaitingListModel::PatientColumn).data().toString(),
             QStringLiteral("Ben Mokoena"));
    QVERIFY(m_list->statusText().contains(QStringLiteral("2 waiting")));
    screenshot(m_list.get(), QStringLiteral("waiting-list"));
}

void TestAppReceptionVisits::aSecondOpenForThePatientIsRefusedAndSaysWhy()
{
    OpenVisitDialog again(m_app->session, m_ana);
    again.show();
    QTest::mouseClick(again.findChild<QPushButton*>(QStringLiteral("open")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(again.command()->phase(), Command::Phase::Failed, 15000);
    QVERIFY2(again.statusText().contains(QString::number(m_anaVisit.token)),
             qPrintable(again.statusText())); // the service names the open visit's token
    QVERIFY(!again.tokenView()->isVisible());
    QCOMPARE(again.command()->attempts(), 1);
}

void TestAppReceptionVisits::cancelThroughTheListsConfirmationBar()
{
    const protocol::Visit visit = openByBus(createPatient(QStringLiteral("Cleo Nakamura")));
    WaitingListModel* model = m_list->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) >= 0, 5000);
    QVERIFY(m_list->selectVisit(visit.id));
    m_list->activateWindow(); // as at the desk: keys go to the active window
    QVERIFY(QTest::qWaitForWindowActive(m_list.get()));
    m_list->table()->setFocus();
    QTest::keyClick(m_list->table(), Qt::Key_Delete);
    auto* bar = m_list->findChild<QFrame*>(QStringLiteral("confirmBar"));
    auto* reason = m_list->findChild<QLineEdit*>(QStringLiteral("reason"));
    QVERIFY(bar->isVisible());
    QVERIFY(reason->hasFocus());
    QTest::keyClick(reason, Qt::Key_Return); // no reason yet: nothing is sent
    QVERIFY(!m_list->command());
    QTest::keyClicks(reason, QStringLiteral("Registered twice"));
    screenshot(m_list.get(), QStringLiteral("waiting-list-confirm"));
    QTest::keyClick(reason, Qt::Key_Return);
    QVERIFY(!bar->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) < 0, 10000);
    const protocol::Visit onServer = visitOnServer(visit.id);
    QCOMPARE(onServer.state, protocol::VisitState::Cancelled);
    QCOMPARE(onServer.history.last().note, QStringLiteral("Registered twice"));
    QTRY_VERIFY(m_list->outcomeText().contains(QStringLiteral("cancelled")));
    QCOMPARE(m_list->command()->attempts(), 1);
}

void TestAppReceptionVisits::leftUnseenByKeyboard()
{
    const protocol::Visit visit = openByBus(createPatient(QStringLiteral("Dev Patel")));
    WaitingListModel* model = m_list->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) >= 0, 5000);
    QVERIFY(m_list->selectVisit(visit.id));
    m_list->activateWindow(); // as at the desk: keys go to the active window
    QVERIFY(QTest::qWaitForWindowActive(m_list.get()));
    m_list->table()->setFocus();
    auto* button = m_list->findChild<QPushButton*>(QStringLiteral("leftUnseen"));
    QVERIFY2(button->isEnabled(), qPrintable(m_list->outcomeText()));
    QTest::keyClick(m_list->table(), Qt::Key_L, Qt::AltModifier); // "&Left unseen…"
    auto* reason = m_list->findChild<QLineEdit*>(QStringLiteral("reason"));
    QTRY_VERIFY(reason->hasFocus());         // a mnemonic clicks the button after a short animation
    QTest::keyClick(reason, Qt::Key_Return); // a reason is optional here
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) < 0, 10000);
    QCOMPARE(visitOnServer(visit.id).state, protocol::VisitState::LeftUnseen);
}

void TestAppReceptionVisits::theTokenSlipSavesAsAPdfWithTokenAndName()
{
    QVERIFY(m_dialog);
    TokenView* view = m_dialog->tokenView();
    QSignalSpy saved(view, &TokenView::slipSaved);
    const QString path = m_dir.filePath(QStringLiteral("slip.pdf"));
    // Through the real (non-blocking) save dialog.
    QTest::mouseClick(view->findChild<QPushButton*>(QStringLiteral("saveSlip")), Qt::LeftButton);
    QFileDialog* files = nullptr;
    QTRY_VERIFY((files = view->findChild<QFileDialog*>(QStringLiteral("saveSlipDialog"))));
    QVERIFY(files->isVisible());
    QVERIFY2(files->selectedFiles().value(0).endsWith(QStringLiteral(".pdf")),
             qPrintable(files->selectedFiles().value(0)));
    files->selectFile(path);
    QVERIFY(QMetaObject::invokeMethod(files, "accept")); // the Save button's action
    QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 10000);
    QCOMPARE(saved.first().first().toString(), path);

    QProcess pdftotext;
    pdftotext.start(QStringLiteral("pdftotext"),
                    {QStringLiteral("-layout"), path, QStringLiteral("-")});
    QVERIFY2(pdftotext.waitForFinished(30000), "pdftotext did not finish");
    QCOMPARE(pdftotext.exitCode(), 0);
    const QString text = QString::fromUtf8(pdftotext.readAllStandardOutput());
    QVERIFY2(text.contains(QString::number(m_anaVisit.token)), qPrintable(text));
    QVERIFY2(text.contains(m_ana.details.fullName), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("general")), qPrintable(text));
    if (const QString dir = qEnvironmentVariable("OPENOPD_SCREENSHOT_DIR"); !dir.isEmpty())
        QFile::copy(path, dir + QStringLiteral("/token-slip.pdf"));
}

void TestAppReceptionVisits::aCancelWhoseAnswerIsLostIsReadNotRepeated()
{
    const protocol::Visit visit = openByBus(createPatient(QStringLiteral("Eve Lindqvist")));
    WaitingListModel* model = m_list->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) >= 0, 5000);
    QVERIFY(m_list->selectVisit(visit.id));
    m_list->table()->setFocus();

    // The service receives the cancel but cannot answer: the app times out, and so does
    // the read that follows. Nothing is sent again; "Check again" is offered, not a repeat.
    const qint64 pid = m_cluster.processId(QStringLiteral("registration"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    QTest::keyClick(m_list->table(), Qt::Key_Delete);
    auto* reason = m_list->findChild<QLineEdit*>(QStringLiteral("reason"));
    QTest::keyClicks(reason, QStringLiteral("Wrong patient"));
    QTest::keyClick(reason, Qt::Key_Return);
    QVERIFY(m_list->command());
    Command* command = m_list->command();
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, 30000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    auto* repeat = m_list->findChild<QPushButton*>(QStringLiteral("repeat"));
    auto* checkAgain = m_list->findChild<QPushButton*>(QStringLiteral("checkAgain"));
    QVERIFY(!repeat->isVisible());
    QVERIFY(checkAgain->isVisible());
    QCOMPARE(command->attempts(), 1);

    // The service comes back and handles the one cancel it received; checking again says so.
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QTRY_VERIFY_WITH_TIMEOUT(visitOnServer(visit.id).state == protocol::VisitState::Cancelled,
                             15000);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(visit.id) < 0, 10000); // the event
    QTest::mouseClick(checkAgain, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(command->lastCheck().verdict, OutcomeCheck::Verdict::Done, 15000);
    QVERIFY2(m_list->outcomeText().contains(QStringLiteral("done")),
             qPrintable(m_list->outcomeText()));
    QCOMPARE(command->attempts(), 1);
    QVERIFY(!repeat->isVisible());
}

void TestAppReceptionVisits::theListSaysReconnectingThenFetchesAgain()
{
    WaitingListModel* model = m_list->model();
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    const int rows = model->rowCount();
    m_cluster.nats().stop();
    QTRY_VERIFY_WITH_TIMEOUT(m_list->statusText().startsWith(QStringLiteral("Reconnecting")),
                             15000);
    QVERIFY(!model->isCurrent());
    screenshot(m_list.get(), QStringLiteral("waiting-list-reconnecting"));
    QVERIFY2(m_cluster.nats().start(), qPrintable(m_cluster.nats().errorString()));
    // Events sent while the link was down are lost: the list is fetched again.
    QTRY_VERIFY_WITH_TIMEOUT(m_list->statusText().startsWith(QStringLiteral("Live")), 60000);
    QVERIFY(model->isCurrent());
    QVERIFY(resets.size() >= 1);
    QCOMPARE(model->rowCount(), rows);
}

void TestAppReceptionVisits::cleanupTestCase()
{
    m_dialog.reset();
    m_list.reset();
    m_app.reset();
    m_other.reset();
    m_cluster.stopAll();
}

QTEST_MAIN(TestAppReceptionVisits)
#include "test_app_reception_visits.moc"
