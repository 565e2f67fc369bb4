// The lab workspace as main.cpp builds it, against the clinic as shipped (OpdCluster,
// secured), signed in as the demo lab technician through the real sign-in dialog:
// - lab orders a doctor saves while the workspace is open appear without a refresh, urgent
//   first; the sample is collected and the result entered with the keyboard, and the order
//   leaves the pending list;
// - a result without a value is not sent: the problem is shown under the value field;
// - the lab technician has no discharge workspace;
// - a result sent while the pharmacy service (it serves the lab) is stopped (SIGSTOP) times
//   out and is read, not repeated; once the service is back, Check again finds it done.

#include "app_harness.h"
#include "core/command.h"
#include "core/lab/lab_orders_model.h"
#include "lab_steps.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "ui/command_outcome_bar.h"
#include "ui/lab/lab_order_panel.h"
#include "ui/lab/lab_workspace.h"
#include "visit_on_bus.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::app;

class TestAppLab : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ordersAppearLiveAndAreCollectedAndResulted();
    void aResultWithoutAValueShowsItsErrorNextToTheField();
    void aResultWithoutAnAnswerIsReadNotRepeated();

private:
    std::unique_ptr<testing::AppHarness> makeApp(const QString& user);
    testing::BusVisit labVisit(const QString& patientName);

    testing::OpdCluster m_cluster;
    testing::StaffDesk m_desk;
    QTemporaryDir m_dir;
    int m_apps = 0;
};

std::unique_ptr<testing::AppHarness> TestAppLab::makeApp(const QString& user)
{
    auto app = std::make_unique<testing::AppHarness>(
        QStringList{m_cluster.nats().url()},
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)));
    QString why;
    if (!app->signIn(user, testing::OpdCluster::demoPassword(), &why))
        qWarning("sign-in as %s failed: %s", qPrintable(user), qPrintable(why));
    return app;
}

testing::BusVisit TestAppLab::labVisit(const QString& patientName)
{
    protocol::ConsultationContent content;
    content.disposition = protocol::Disposition::ToLab;
    content.labOrders = {
        testing::labTest(QStringLiteral("ESR"), QStringLiteral("Sedimentation rate"), false),
        testing::labTest(QStringLiteral("FBC"), QStringLiteral("Full blood count"), true)};
    return testing::consultedVisitOnBus(m_desk, patientName, QStringLiteral("lab-%1").arg(++m_apps),
                                        content);
}

void TestAppLab::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    QVERIFY2(m_desk.open(m_cluster), qPrintable(m_desk.errorString()));
}

void TestAppLab::ordersAppearLiveAndAreCollectedAndResulted()
{
    auto app = makeApp(QStringLiteral("lab"));
    auto* lab = qobject_cast<LabWorkspace*>(app->workspace(QStringLiteral("lab")));
    QVERIFY(lab);
    QVERIFY(!app->workspace(QStringLiteral("discharge"))); // a lab technician does not release
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    QTRY_VERIFY_WITH_TIMEOUT(lab->model()->isCurrent(), 20000);
    OPENOPD_VERIFY_MNEMONICS(app->window());
    // Ctrl+W reaches the list from anywhere in the window (here: the tab bar).
    auto* tabs = app->window()->findChild<QTabWidget*>(QStringLiteral("workspaces"));
    QVERIFY(tabs);
    tabs->tabBar()->setFocus();
    QTest::keyClick(app->window(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(lab->table()->hasFocus());

    // Saved by the doctor while the list is open: it arrives by the list event.
    const QString name = QStringLiteral("Ottoline Pemberton-Vask");
    const testing::BusVisit visit = labVisit(name);
    QString why;
    QString fbc;
    QString esr;
    QVERIFY2(testing::lab::waitForOrder(lab, name, QStringLiteral("Full blood count"), &fbc, &why),
             qPrintable(why));
    QVERIFY2(
        testing::lab::waitForOrder(lab, name, QStringLiteral("Sedimentation rate"), &esr, &why),
        qPrintable(why));
    QVERIFY(lab->model()->rowOf(fbc) < lab->model()->rowOf(esr)); // urgent first
    const QModelIndex test =
        lab->model()->index(lab->model()->rowOf(fbc), LabOrdersModel::TestColumn);
    QCOMPARE(test.data().toString(), QStringLiteral("Full blood count (urgent)"));

    QVERIFY2(testing::lab::collectSample(lab, fbc, QStringLiteral("TUBE-0042"), &why),
             qPrintable(why));
    QCOMPARE(lab->model()->order(fbc)->sampleId, QStringLiteral("TUBE-0042"));
    // The keyboard moved on to the result's value.
    QTRY_VERIFY(lab->panel()->findChild<QLineEdit*>(QStringLiteral("resultValue"))->hasFocus());

    protocol::LabResultEntry entry;
    entry.value = QStringLiteral("13.2");
    entry.unit = QStringLiteral("10^9/L");
    entry.referenceRange = QStringLiteral("4.0-11.0");
    entry.flag = protocol::LabFlag::Abnormal;
    entry.notes = QStringLiteral("Neutrophilia");
    QVERIFY2(testing::lab::enterResult(lab, fbc, entry, &why), qPrintable(why));
    QVERIFY(lab->model()->rowOf(esr) >= 0); // the other test still waits

    // The doctor sees exactly what was typed.
    std::optional<protocol::LabResult> result;
    QVERIFY(testing::flow::poll(
        [&] {
            auto history =
                testing::flow::call(m_desk, protocol::kPatientHistory,
                                    protocol::PatientHistoryRequest{visit.patient.id, 5, {}});
            if (history)
                for (const auto& e : history->entries)
                    for (const auto& r : e.labResults)
                        if (r.orderId == fbc)
                            result = r;
            return result.has_value();
        },
        20000));
    QCOMPARE(result->entry, entry);
}

void TestAppLab::aResultWithoutAValueShowsItsErrorNextToTheField()
{
    auto app = makeApp(QStringLiteral("lab"));
    auto* lab = qobject_cast<LabWorkspace*>(app->workspace(QStringLiteral("lab")));
    QVERIFY(lab);
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    const QString name = QStringLiteral("Quentin Marlowe-Odede");
    labVisit(name);
    QString why;
    QString order;
    QVERIFY2(
        testing::lab::waitForOrder(lab, name, QStringLiteral("Sedimentation rate"), &order, &why),
        qPrintable(why));
    QVERIFY2(testing::lab::collectSample(lab, order, QString(), &why), qPrintable(why));

    auto* value = lab->panel()->findChild<QLineEdit*>(QStringLiteral("resultValue"));
    QTRY_VERIFY(value->hasFocus());
    QTest::keyClick(value, Qt::Key_Return); // nothing typed
    const QString problem = lab->panel()->fieldError(QStringLiteral("value"));
    QVERIFY2(!problem.isEmpty(), "no problem shown for the value");
    auto* label = lab->panel()->findChild<QLabel*>(QStringLiteral("valueError"));
    QVERIFY(label && label->isVisible());
    // Under its field: the label is the row right after the value's row.
    QVERIFY(label->mapTo(lab, QPoint(0, 0)).y() > value->mapTo(lab, QPoint(0, 0)).y());
    auto* unit = lab->panel()->findChild<QLineEdit*>(QStringLiteral("resultUnit"));
    QVERIFY(label->mapTo(lab, QPoint(0, 0)).y() < unit->mapTo(lab, QPoint(0, 0)).y());
    QVERIFY(value->hasFocus());
    QVERIFY(lab->panel()->fieldError(QStringLiteral("unit")).isEmpty());
    QVERIFY(lab->model()->rowOf(order) >= 0); // nothing was sent

    QTest::keyClicks(value, QStringLiteral("22"));
    QTest::keyClick(value, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(lab->model()->rowOf(order) < 0, 20000);
    QVERIFY(lab->panel()->fieldError(QStringLiteral("value")).isEmpty());
}

void TestAppLab::aResultWithoutAnAnswerIsReadNotRepeated()
{
    auto app = makeApp(QStringLiteral("lab"));
    auto* lab = qobject_cast<LabWorkspace*>(app->workspace(QStringLiteral("lab")));
    QVERIFY(lab);
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    const QString name = QStringLiteral("Ignatius Fairweather-Osei");
    labVisit(name);
    QString why;
    QString order;
    QVERIFY2(
        testing::lab::waitForOrder(lab, name, QStringLiteral("Full blood count"), &order, &why),
        qPrintable(why));
    QVERIFY2(testing::lab::collectSample(lab, order, QStringLiteral("T-77"), &why),
             qPrintable(why));

    // The pharmacy service (it serves the lab) receives the result but cannot answer.
    const qint64 pid = m_cluster.processId(QStringLiteral("pharmacy"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    auto* value = lab->panel()->findChild<QLineEdit*>(QStringLiteral("resultValue"));
    QTRY_VERIFY(value->hasFocus());
    QTest::keyClicks(value, QStringLiteral("7.9"));
    QTest::keyClick(value, Qt::Key_Return);
    QTRY_VERIFY(lab->panel()->command());
    Command* command = lab->panel()->command();
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, 30000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!command->canRepeat());
    QVERIFY(!lab->panel()->outcomeBar()->repeatButton()->isVisible());
    QVERIFY(lab->panel()->outcomeBar()->checkButton()->isVisible());

    // Back: the one request is handled, the order leaves the list; Check again: done.
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QTRY_VERIFY_WITH_TIMEOUT(lab->model()->rowOf(order) < 0, 20000);
    QTest::mouseClick(lab->panel()->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(command->lastCheck().verdict, OutcomeCheck::Verdict::Done, 15000);
    QCOMPARE(command->attempts(), 1);
    QVERIFY(lab->panel()->outcomeBar()->text().contains(QStringLiteral("it was done")));
}

QTEST_MAIN(TestAppLab)
#include "test_app_lab.moc"
