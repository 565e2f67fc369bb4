// The discharge workspace as main.cpp builds it, against the clinic as shipped (OpdCluster,
// secured), signed in through the real sign-in dialog:
// - a visit the pharmacy dispenses while the pharmacist's workspace is open appears without
//   a refresh; "referred" without a facility is refused next to the field; recorded with the
//   keyboard (discharged, medication to continue, notes, a next visit) the visit leaves the
//   list and is closed (release.get); the visit summary PDF names the patient, the
//   diagnosis, the drug dispensed, the lab result and the next visit (pdftotext);
// - a doctor has the discharge workspace too, a receptionist does not;
// - a discharge sent while the discharge service is stopped (SIGSTOP) times out, is read
//   (not repeated): "not known"; once the service is back, Check again finds it recorded.

#include "app_harness.h"
#include "core/command.h"
#include "core/discharge/pending_releases_model.h"
#include "discharge_steps.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "ui/command_outcome_bar.h"
#include "ui/discharge/discharge_panel.h"
#include "ui/discharge/discharge_workspace.h"
#include "visit_on_bus.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::app;

class TestAppDischarge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aDispensedVisitIsDischargedWithANextVisitAndItsSummaryPrinted();
    void theDoctorHasTheWorkspaceAndReceptionDoesNot();
    void aDischargeWithoutAnAnswerIsReadNotRepeated();

private:
    std::unique_ptr<testing::AppHarness> makeApp(const QString& user);

    testing::OpdCluster m_cluster;
    testing::StaffDesk m_desk;
    QTemporaryDir m_dir;
    int m_apps = 0;
};

std::unique_ptr<testing::AppHarness> TestAppDischarge::makeApp(const QString& user)
{
    auto app = std::make_unique<testing::AppHarness>(
        QStringList{m_cluster.nats().url()},
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)));
    QString why;
    if (!app->signIn(user, testing::OpdCluster::demoPassword(), &why))
        qWarning("sign-in as %s failed: %s", qPrintable(user), qPrintable(why));
    return app;
}

void TestAppDischarge::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    QVERIFY2(m_desk.open(m_cluster), qPrintable(m_desk.errorString()));
}

void TestAppDischarge::aDispensedVisitIsDischargedWithANextVisitAndItsSummaryPrinted()
{
    auto app = makeApp(QStringLiteral("pharma"));
    auto* discharge =
        qobject_cast<DischargeWorkspace*>(app->workspace(QStringLiteral("discharge")));
    QVERIFY(discharge);
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    QTRY_VERIFY_WITH_TIMEOUT(discharge->model()->isCurrent(), 20000);
    OPENOPD_VERIFY_MNEMONICS(app->window());

    // Consulted (a prescription), dispensed: ready for release, by the list event.
    const QString name = QStringLiteral("Philippa Okonkwo-Lindqvist");
    protocol::ConsultationContent content;
    content.disposition = protocol::Disposition::ToPharmacy;
    content.notes = QStringLiteral("Tonsils enlarged with exudate.");
    content.prescriptions = {testing::stockedDrugLine(m_desk, 15)};
    const testing::BusVisit visit =
        testing::consultedVisitOnBus(m_desk, name, QStringLiteral("discharge-1"), content);
    const protocol::Dispense dispensed = testing::dispenseOnBus(m_desk, visit.consultation);
    QString why;
    QString visitId;
    QVERIFY2(testing::discharge::waitForRelease(discharge, name, &visitId, &why), qPrintable(why));
    QCOMPARE(visitId, visit.visit.id);
    const QModelIndex state = discharge->model()->index(discharge->model()->rowOf(visitId),
                                                        PendingReleasesModel::StateColumn);
    QVERIFY2(state.data().toString().contains(QStringLiteral("dispensed")),
             qPrintable(state.data().toString()));

    // Referred without a facility: said under the field, nothing sent.
    testing::discharge::showWorkspace(discharge);
    QVERIFY(discharge->isVisible());
    QVERIFY(discharge->selectVisit(visitId));
    DischargePanel* panel = discharge->panel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->isSummaryLoaded(), 20000);
    OPENOPD_VERIFY_MNEMONICS(app->window()); // the discharge tab, with "Ward"
    auto* outcome = panel->findChild<QComboBox*>(QStringLiteral("outcome"));
    outcome->setFocus();
    QTest::keyClick(outcome, Qt::Key_End); // referred
    // The discharge tab shown, "Facility" in place of "Ward": still one control per letter.
    OPENOPD_VERIFY_MNEMONICS(app->window());
    QTest::keyClick(outcome, Qt::Key_R, Qt::AltModifier);
    // A mnemonic clicks its button a moment later (QAbstractButton::animateClick).
    QTRY_VERIFY(!panel->fieldError(QStringLiteral("destination")).isEmpty());
    QVERIFY(panel->findChild<QLabel*>(QStringLiteral("destinationError"))->isVisible());
    QVERIFY(panel->findChild<QLineEdit*>(QStringLiteral("destination"))->hasFocus());
    QVERIFY(!panel->isRecorded());
    QVERIFY(discharge->model()->rowOf(visitId) >= 0);

    testing::discharge::DischargeEntry entry;
    entry.notes = QStringLiteral("Return if the fever persists.");
    entry.nextVisit = QDate::currentDate().addDays(14);
    QVERIFY2(testing::discharge::recordDischarge(discharge, visitId, entry, &why), qPrintable(why));
    QVERIFY(panel->isRecorded());
    QCOMPARE(panel->release()->visitId, visitId); // still shown, to print its summary

    // Closed for the discharge service, with what was typed.
    auto status =
        testing::flow::call(m_desk, protocol::kGetRelease, protocol::GetReleaseRequest{visitId});
    QVERIFY2(status, qPrintable(status.error().toString()));
    QCOMPARE(status->state, protocol::VisitState::Discharged);
    QVERIFY(status->discharge);
    QCOMPARE(status->discharge->details.nextVisit, entry.nextVisit);
    QCOMPARE(status->discharge->details.notes, entry.notes);
    QCOMPARE(status->discharge->details.postMedication, visit.consultation.content.prescriptions);
    QCOMPARE(status->discharge->recordedBy.id, QStringLiteral("pharma"));

    const QString pdf = m_dir.filePath(QStringLiteral("summary.pdf"));
    QVERIFY2(testing::discharge::saveSummary(discharge, pdf, &why), qPrintable(why));
    const QString text = testing::discharge::pdfText(pdf).simplified();
    QVERIFY2(!text.isEmpty(), "pdftotext read nothing");
    QVERIFY2(text.contains(name), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Acute pharyngitis")), qPrintable(text));
    QVERIFY2(text.contains(dispensed.lines.at(0).drugName), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Next visit: %1")
                               .arg(QLocale().toString(entry.nextVisit, QLocale::LongFormat))),
             qPrintable(text));
    QVERIFY2(text.contains(entry.notes), qPrintable(text));
}

void TestAppDischarge::theDoctorHasTheWorkspaceAndReceptionDoesNot()
{
    auto doctor = makeApp(QStringLiteral("dr.silva"));
    QVERIFY(qobject_cast<DischargeWorkspace*>(doctor->workspace(QStringLiteral("discharge"))));
    // A pharmacist has Pharmacy and Discharge, both with Ctrl+W for their list: with the
    // keyboard on the tab bar, Ctrl+W goes to the shown tab's list.
    auto pharmacist = makeApp(QStringLiteral("pharma"));
    auto* discharge =
        qobject_cast<DischargeWorkspace*>(pharmacist->workspace(QStringLiteral("discharge")));
    QVERIFY(discharge);
    QVERIFY(QTest::qWaitForWindowActive(pharmacist->window()));
    testing::discharge::showWorkspace(discharge);
    QVERIFY(discharge->isVisible());
    auto* tabs = pharmacist->window()->findChild<QTabWidget*>(QStringLiteral("workspaces"));
    QVERIFY(tabs);
    tabs->tabBar()->setFocus();
    QTest::keyClick(pharmacist->window(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(discharge->table()->hasFocus());
    auto reception = makeApp(QStringLiteral("reception"));
    QVERIFY(reception->window());
    QVERIFY(!reception->workspace(QStringLiteral("discharge")));
    QVERIFY(!reception->workspace(QStringLiteral("lab")));
}

void TestAppDischarge::aDischargeWithoutAnAnswerIsReadNotRepeated()
{
    auto app = makeApp(QStringLiteral("dr.silva"));
    auto* discharge =
        qobject_cast<DischargeWorkspace*>(app->workspace(QStringLiteral("discharge")));
    QVERIFY(discharge);
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    const QString name = QStringLiteral("Severin Achterberg-Mbeki");
    protocol::ConsultationContent content;
    content.disposition = protocol::Disposition::Discharge; // ready at once
    const testing::BusVisit visit =
        testing::consultedVisitOnBus(m_desk, name, QStringLiteral("discharge-2"), content);
    QString why;
    QString visitId;
    QVERIFY2(testing::discharge::waitForRelease(discharge, name, &visitId, &why), qPrintable(why));
    testing::discharge::showWorkspace(discharge);
    QVERIFY(discharge->isVisible());
    QVERIFY(discharge->selectVisit(visitId));
    DischargePanel* panel = discharge->panel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->isSummaryLoaded(), 20000);

    // The service receives the discharge but cannot answer: it times out, the read too.
    const qint64 pid = m_cluster.processId(QStringLiteral("discharge"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    auto* outcome = panel->findChild<QComboBox*>(QStringLiteral("outcome"));
    outcome->setFocus();
    QTest::keyClick(outcome, Qt::Key_R, Qt::AltModifier);
    QTRY_VERIFY(panel->command());
    Command* command = panel->command();
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, 30000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!command->canRepeat());
    QVERIFY(!panel->outcomeBar()->repeatButton()->isVisible());
    QVERIFY(panel->outcomeBar()->checkButton()->isVisible());
    QVERIFY(!panel->isRecorded());

    // Back: it handles the one request it received; Check again reads it, done.
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QVERIFY(testing::flow::poll(
        [&] {
            auto status = testing::flow::call(m_desk, protocol::kGetRelease,
                                              protocol::GetReleaseRequest{visitId});
            return status && status->discharge.has_value();
        },
        20000));
    // It leaves the list before anyone checks: the panel keeps it (the outcome is not known).
    QTRY_VERIFY_WITH_TIMEOUT(discharge->model()->rowOf(visitId) < 0, 15000);
    QVERIFY(panel->release() && panel->release()->visitId == visitId);
    QVERIFY(panel->outcomeBar()->checkButton()->isVisible());
    QTest::mouseClick(panel->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->isRecorded(), 15000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Done);
    QCOMPARE(command->attempts(), 1);
    QCOMPARE(panel->release()->visitId, visit.visit.id); // still shown, its summary printable
    QVERIFY(panel->findChild<QPushButton*>(QStringLiteral("saveSummary"))->isEnabled());
}

QTEST_MAIN(TestAppDischarge)
#include "test_app_discharge.moc"
