// The pharmacy workspace (issue 11) as main.cpp builds it, against the clinic as shipped
// (OpdCluster, secured), signed in as "pharma" through the real sign-in dialog; the doctor
// and reception work on the bus as dr.silva and reception:
// - a prescription saved by the doctor appears in the list without a refresh;
// - dispensing through the dialog suggests the first-expiring batch and takes it; the visit
//   leaves the list;
// - a partial dispense needs a reason;
// - insufficient stock is shown next to the line (the client's check and the service's
//   409) and nothing is dispensed;
// - receive and adjust stock through the dialogs (field errors next to the fields), the
//   stock view follows, also another client's delivery;
// - low stock and near expiry are marked in words and with an icon, not only by colour;
// - a dispense whose answer is lost (the pharmacy service SIGSTOPped) is read, not repeated.

#include "app_harness.h"
#include "core/command.h"
#include "core/pharmacy/pending_prescriptions_model.h"
#include "core/pharmacy/stock_model.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "pharmacy_bus.h"
#include "pharmacy_steps.h"
#include "ui/command_outcome_bar.h"
#include "ui/pharmacy/dispense_dialog.h"
#include "ui/pharmacy/pending_list_view.h"
#include "ui/pharmacy/pharmacy_workspace.h"
#include "ui/pharmacy/stock_change_dialog.h"
#include "ui/pharmacy/stock_view.h"

#include <QAccessible>
#include <QDialog>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::app;
using namespace openopd::testing;

namespace {
constexpr int kWaitMs = 30000;
const QString kLateDrug = QStringLiteral("TST-A1");
const QString kShortDrug = QStringLiteral("TST-B1");

QString cell(const QAbstractItemModel* model, int row, int column, int role = Qt::DisplayRole)
{
    return model->index(row, column).data(role).toString();
}
} // namespace

class TestAppPharmacy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void aPrescriptionAppearsWithoutARefresh();
    void dispensingSuggestsTheFirstExpiringBatchAndTheVisitLeaves();
    void aPartialDispenseNeedsAReason();
    void insufficientStockIsShownNextToTheLineAndNothingIsDispensed();
    void receiveAndAdjustStockThroughTheDialogs();
    void lowStockAndNearExpiryAreMarkedNotOnlyByColour();
    void aDispenseTimedOutByAStoppedServiceIsReadNotRepeated();

private:
    PrescribedVisit prescribe(const QString& patient, const QString& drugCode, int quantity);

    OpdCluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<bus::Connection> m_reception;
    std::unique_ptr<bus::Connection> m_doctor;
    std::unique_ptr<bus::Connection> m_pharmacist; // another pharmacy workstation
    std::unique_ptr<AppHarness> m_app;
    PharmacyWorkspace* m_workspace = nullptr;
    int m_queues = 0;
    PrescribedVisit m_first;
};

PrescribedVisit TestAppPharmacy::prescribe(const QString& patient, const QString& drugCode,
                                           int quantity)
{
    return prescribeOnBus(
        *m_reception, *m_doctor, patient, QStringLiteral("rx-%1").arg(++m_queues),
        {prescriptionLine(drugCode, QStringLiteral("Test drug %1").arg(drugCode), quantity)});
}

void TestAppPharmacy::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    m_reception = m_cluster.signIn(QStringLiteral("reception"), OpdCluster::demoPassword());
    m_doctor = m_cluster.signIn(QStringLiteral("dr.silva"), OpdCluster::demoPassword());
    m_pharmacist = m_cluster.signIn(QStringLiteral("pharma"), OpdCluster::demoPassword());
    QVERIFY2(m_reception && m_doctor && m_pharmacist, qPrintable(m_cluster.errorString()));
    // Two batches of one drug: the later-received one expires first.
    const QDate today = flow::clinicToday();
    receiveOnBus(*m_pharmacist, kLateDrug, QStringLiteral("Test drug TST-A1"),
                 QStringLiteral("TA-LATE"), today.addDays(400), 50, 10);
    receiveOnBus(*m_pharmacist, kLateDrug, QStringLiteral("Test drug TST-A1"),
                 QStringLiteral("TA-SOON"), today.addDays(120), 30);
    receiveOnBus(*m_pharmacist, kShortDrug, QStringLiteral("Test drug TST-B1"),
                 QStringLiteral("TB-1"), today.addDays(300), 10, 2);

    m_app = std::make_unique<AppHarness>(QStringList{m_cluster.nats().url()},
                                         m_dir.filePath(QStringLiteral("settings.ini")));
    QString why;
    QVERIFY2(m_app->signIn(QStringLiteral("pharma"), OpdCluster::demoPassword(), &why),
             qPrintable(why));
    m_workspace = qobject_cast<PharmacyWorkspace*>(m_app->workspace(QStringLiteral("pharmacy")));
    QVERIFY(m_workspace);
    QTRY_VERIFY_WITH_TIMEOUT(m_workspace->pendingList()->model()->isCurrent(), kWaitMs);
}

void TestAppPharmacy::cleanup()
{
    // A failed step may leave a window-modal dialog open: the next test starts without it.
    for (QDialog* dialog : m_workspace->findChildren<QDialog*>())
        if (dialog->isVisible())
            dialog->done(QDialog::Rejected);
    QTest::qWait(50); // their deleteLater
}

void TestAppPharmacy::aPrescriptionAppearsWithoutARefresh()
{
    const PendingPrescriptionsModel* model = m_workspace->pendingList()->model();
    const int snapshots = model->snapshotsApplied();
    m_first = prescribe(QStringLiteral("Ines Okonkwo-Achterberg"), kLateDrug, 20);
    QString why;
    QVERIFY2(pharmacy::waitForPending(m_workspace, m_first.patient.details.fullName, &why),
             qPrintable(why));
    QCOMPARE(model->snapshotsApplied(), snapshots); // an event, not a fetch
    const int row = model->rowOfPatient(m_first.patient.details.fullName);
    QCOMPARE(cell(model, row, PendingPrescriptionsModel::DoctorColumn),
             QStringLiteral("Dr Ana Silva"));
    QVERIFY(cell(model, row, PendingPrescriptionsModel::LinesColumn)
                .contains(QStringLiteral("Test drug TST-A1 × 20")));
    QTRY_COMPARE_WITH_TIMEOUT(cell(model, row, PendingPrescriptionsModel::TokenColumn),
                              QString::number(m_first.visit.token), kWaitMs);
    QVERIFY(m_workspace->pendingList()->statusText().startsWith(QStringLiteral("Live")));

    // Ctrl+W reaches the list from anywhere in the window, e.g. the tab bar after sign-in.
    auto* tabs = m_app->window()->findChild<QTabWidget*>(QStringLiteral("workspaces"));
    QVERIFY(tabs);
    pharmacy::show(m_workspace);
    tabs->tabBar()->setFocus(Qt::OtherFocusReason);
    QTRY_VERIFY(tabs->tabBar()->hasFocus());
    QTest::keyClick(m_app->window(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(m_workspace->pendingList()->table()->hasFocus());
    QVERIFY(m_workspace->pendingList()->selected().has_value()); // Enter dispenses it
}

void TestAppPharmacy::dispensingSuggestsTheFirstExpiringBatchAndTheVisitLeaves()
{
    QVERIFY(!m_first.consultation.id.isEmpty());
    const QString name = m_first.patient.details.fullName;
    QString why;
    DispenseDialog* dialog = pharmacy::openDispenseFor(m_workspace, name, &why);
    QVERIFY2(dialog, qPrintable(why));
    QCOMPARE(dialog->lineCount(), 1);
    OPENOPD_VERIFY_MNEMONICS(dialog);
    OPENOPD_VERIFY_MNEMONICS(m_workspace->window());
    QVERIFY2(dialog->batchText(0).startsWith(QStringLiteral("TA-SOON")),
             qPrintable(dialog->batchText(0)));
    QCOMPARE(dialog->quantityBox(0)->value(), 20);
    QCOMPARE(dialog->lineError(0), QString());
    // The quantity is a labelled field a screen reader names.
    QVERIFY(dialog->quantityBox(0)->accessibleName().contains(QStringLiteral("TST-A1")));

    QVERIFY2(pharmacy::confirmDispense(dialog, &why), qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(m_workspace->pendingList()->model()->rowOfPatient(name) < 0, kWaitMs);
    const protocol::PrescriptionReply after =
        prescriptionOnBus(*m_pharmacist, m_first.consultation.id);
    QCOMPARE(after.state, protocol::PrescriptionState::Complete);
    QCOMPARE(after.dispenses.size(), 1);
    const protocol::DispensedLine& line = after.dispenses.at(0).lines.at(0);
    QCOMPARE(line.quantity, 20);
    QCOMPARE(line.batches.size(), 1);
    QCOMPARE(line.batches.at(0).batch, QStringLiteral("TA-SOON"));
    QCOMPARE(after.dispenses.at(0).dispensedBy.id, QStringLiteral("pharma"));
}

void TestAppPharmacy::aPartialDispenseNeedsAReason()
{
    const PrescribedVisit made = prescribe(QStringLiteral("Tomasz Wierzbicki-Osei"), kLateDrug, 20);
    const QString name = made.patient.details.fullName;
    QString why;
    DispenseDialog* dialog = pharmacy::openDispenseFor(m_workspace, name, &why);
    QVERIFY2(dialog, qPrintable(why));
    pharmacy::setQuantity(dialog, 0, 5);
    QCOMPARE(dialog->quantityBox(0)->value(), 5);
    QTest::keyClick(dialog->quantityBox(0), Qt::Key_Return);
    QVERIFY(dialog->isVisible());
    QVERIFY2(!dialog->notesError().isEmpty(), "no reason asked for");
    QCOMPARE(dialog->focusWidget(), dialog->notesEdit());
    QTest::qWait(300); // nothing was sent: nothing can arrive
    QCOMPARE(prescriptionOnBus(*m_pharmacist, made.consultation.id).dispenses.size(), 0);

    const QString reason = QStringLiteral("Only 5 tablets handed out; patient returns tomorrow.");
    QTest::keyClicks(dialog->notesEdit(), reason);
    QCOMPARE(dialog->notesError(), QString());
    QVERIFY2(pharmacy::confirmDispense(dialog, &why), qPrintable(why));
    const PendingPrescriptionsModel* model = m_workspace->pendingList()->model();
    // Still waiting for the rest, with what was given.
    QTRY_VERIFY_WITH_TIMEOUT(
        model->rowOfPatient(name) >= 0 &&
            cell(model, model->rowOfPatient(name), PendingPrescriptionsModel::LinesColumn)
                .contains(QStringLiteral("(5 given)")),
        kWaitMs);
    const protocol::PrescriptionReply after =
        prescriptionOnBus(*m_pharmacist, made.consultation.id);
    QCOMPARE(after.dispenses.size(), 1);
    QVERIFY(after.dispenses.at(0).partial);
    QCOMPARE(after.dispenses.at(0).notes, reason);
    QCOMPARE(after.dispenses.at(0).lines.at(0).quantity, 5);
}

void TestAppPharmacy::insufficientStockIsShownNextToTheLineAndNothingIsDispensed()
{
    // 10 in stock, 8 prescribed: enough when the dialog reads the stock.
    const PrescribedVisit made =
        prescribe(QStringLiteral("Aroha Tuhiwai-Lindqvist"), kShortDrug, 8);
    const QString name = made.patient.details.fullName;
    QString why;
    DispenseDialog* dialog = pharmacy::openDispenseFor(m_workspace, name, &why);
    QVERIFY2(dialog, qPrintable(why));
    QCOMPARE(dialog->lineError(0), QString());

    // Meanwhile another pharmacist writes off 5 damaged: the service refuses (409).
    protocol::AdjustStockRequest damaged;
    damaged.staff = flow::pharmacist();
    damaged.drugCode = kShortDrug;
    damaged.batch = QStringLiteral("TB-1");
    damaged.delta = -5;
    damaged.reason = protocol::StockReason::Damaged;
    QVERIFY(flow::call(*m_pharmacist, protocol::kAdjustStock, damaged).ok());
    QTest::keyClick(dialog->quantityBox(0), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(dialog->lineError(0).contains(QStringLiteral("Insufficient stock")),
                             kWaitMs);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->statusText().contains(QStringLiteral("Nothing was dispensed")));
    // The dialog read the stock again: the line now says what there is.
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isReady(), kWaitMs);
    QCOMPARE(prescriptionOnBus(*m_pharmacist, made.consultation.id).dispenses.size(), 0);
    dialog->reject();

    // Opened again: the client sees the shortage before anything is sent.
    dialog = pharmacy::openDispenseFor(m_workspace, name, &why);
    QVERIFY2(dialog, qPrintable(why));
    QVERIFY2(dialog->lineError(0).contains(QStringLiteral("Insufficient stock: 5 in unexpired")),
             qPrintable(dialog->lineError(0)));
    QVERIFY(dialog->quantityBox(0)->accessibleDescription().contains(
        QStringLiteral("Insufficient stock")));
    QTest::keyClick(dialog->quantityBox(0), Qt::Key_Return);
    QVERIFY(dialog->isVisible());
    QTest::qWait(300);
    QCOMPARE(prescriptionOnBus(*m_pharmacist, made.consultation.id).dispenses.size(), 0);
    dialog->reject();
}

void TestAppPharmacy::receiveAndAdjustStockThroughTheDialogs()
{
    QString why;
    StockChangeDialog* receive = pharmacy::openReceiveStock(m_workspace, &why);
    QVERIFY2(receive, qPrintable(why));
    OPENOPD_VERIFY_MNEMONICS(receive);
    // Empty: every required field says so, next to it; nothing is sent.
    QTest::keyClick(receive->field(QStringLiteral("drug_code")), Qt::Key_Return);
    for (const QString& key :
         {QStringLiteral("drug_code"), QStringLiteral("drug_name"), QStringLiteral("batch"),
          QStringLiteral("expiry"), QStringLiteral("quantity")})
        QVERIFY2(!receive->fieldError(key).isEmpty(), qPrintable(key));
    QCOMPARE(receive->focusWidget(), receive->field(QStringLiteral("drug_code")));
    // Every field is a label's buddy with an accessible name.
    for (QLabel* label : receive->findChildren<QLabel*>())
        if (label->buddy())
            QVERIFY(!label->buddy()->accessibleName().isEmpty());

    const QDate expiry = flow::clinicToday().addDays(200);
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("drug_code"), QStringLiteral("TST-C1")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("drug_name"),
                               QStringLiteral("Testamol 5 mg tablet")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("batch"), QStringLiteral("TC-1")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("expiry"), expiry.toString(Qt::ISODate)));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("quantity"), QStringLiteral("40")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("reorder_level"), QStringLiteral("10")));
    QVERIFY2(pharmacy::confirmStockChange(receive, &why), qPrintable(why));
    StockView* stock = m_workspace->stockView();
    const StockModel* model = stock->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(QStringLiteral("TST-C1"), QStringLiteral("TC-1")) >= 0,
                             kWaitMs);
    QCOMPARE(model->itemAt(model->rowOf(QStringLiteral("TST-C1"), QStringLiteral("TC-1"))).quantity,
             40);

    // The same batch with another expiry: the service's field error, next to the expiry.
    receive = pharmacy::openReceiveStock(m_workspace, &why);
    QVERIFY2(receive, qPrintable(why));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("drug_code"), QStringLiteral("TST-C1")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("drug_name"),
                               QStringLiteral("Testamol 5 mg tablet")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("batch"), QStringLiteral("TC-1")));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("expiry"),
                               expiry.addDays(1).toString(Qt::ISODate)));
    QVERIFY(pharmacy::typeInto(receive, QStringLiteral("quantity"), QStringLiteral("5")));
    QTest::keyClick(receive->field(QStringLiteral("quantity")), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!receive->fieldError(QStringLiteral("expiry")).isEmpty(), kWaitMs);
    QVERIFY(receive->isVisible());
    receive->reject();

    // Adjust: more than the batch holds is refused here; 5 damaged is saved.
    StockChangeDialog* adjust = pharmacy::openAdjustStock(m_workspace, QStringLiteral("TST-C1"),
                                                          QStringLiteral("TC-1"), &why);
    QVERIFY2(adjust, qPrintable(why));
    OPENOPD_VERIFY_MNEMONICS(adjust);
    QVERIFY(pharmacy::typeInto(adjust, QStringLiteral("delta"), QStringLiteral("-50")));
    QTest::keyClick(adjust->field(QStringLiteral("delta")), Qt::Key_Return);
    QVERIFY(!adjust->fieldError(QStringLiteral("delta")).isEmpty());
    QVERIFY(pharmacy::typeInto(adjust, QStringLiteral("delta"), QStringLiteral("-5")));
    QVERIFY(pharmacy::typeInto(adjust, QStringLiteral("reason"), QStringLiteral("Other")));
    QTest::keyClick(adjust->field(QStringLiteral("delta")), Qt::Key_Return);
    QVERIFY2(!adjust->fieldError(QStringLiteral("note")).isEmpty(), "Other needs a note");
    QVERIFY(pharmacy::typeInto(adjust, QStringLiteral("reason"), QStringLiteral("Damaged")));
    QVERIFY2(pharmacy::confirmStockChange(adjust, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(
        model->itemAt(model->rowOf(QStringLiteral("TST-C1"), QStringLiteral("TC-1"))).quantity, 35,
        kWaitMs);

    // Another workstation's delivery appears without a refresh.
    const int fetches = model->fetches();
    receiveOnBus(*m_pharmacist, QStringLiteral("TST-C1"), QStringLiteral("Testamol 5 mg tablet"),
                 QStringLiteral("TC-2"), expiry.addDays(100), 12);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOf(QStringLiteral("TST-C1"), QStringLiteral("TC-2")) >= 0,
                             kWaitMs);
    QVERIFY(model->fetches() > fetches);
}

void TestAppPharmacy::lowStockAndNearExpiryAreMarkedNotOnlyByColour()
{
    const QDate today = flow::clinicToday();
    receiveOnBus(*m_pharmacist, QStringLiteral("TST-D1"), QStringLiteral("Lowdrug 1 mg tablet"),
                 QStringLiteral("TD-1"), today.addDays(30), 5, 20);
    receiveOnBus(*m_pharmacist, QStringLiteral("TST-E1"), QStringLiteral("Neardrug 1 mg tablet"),
                 QStringLiteral("TE-1"), today.addDays(60), 500, 10);
    StockView* stock = m_workspace->stockView();
    pharmacy::show(m_workspace);
    QTest::keyClick(m_workspace, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(stock->searchField()->hasFocus());
    QTest::keyClicks(stock->searchField(), QStringLiteral("TST-"));
    const StockModel* model = stock->model();
    QTRY_VERIFY_WITH_TIMEOUT(
        model->query() == QStringLiteral("TST-") &&
            model->rowOf(QStringLiteral("TST-D1"), QStringLiteral("TD-1")) >= 0 &&
            model->rowOf(QStringLiteral("TST-E1"), QStringLiteral("TE-1")) >= 0,
        kWaitMs);
    const QAbstractItemModel* shown = stock->table()->model(); // what the table paints
    const int low = model->rowOf(QStringLiteral("TST-D1"), QStringLiteral("TD-1"));
    const QString status = cell(shown, low, StockModel::StatusColumn);
    QVERIFY2(status.contains(QStringLiteral("Low stock")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("Expires soon")), qPrintable(status));
    QVERIFY(!shown->index(low, StockModel::StatusColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());
    QVERIFY(shown->index(low, StockModel::DrugColumn).data(Qt::BackgroundRole).isValid());
    QVERIFY(cell(shown, low, StockModel::StatusColumn, Qt::AccessibleTextRole)
                .contains(QStringLiteral("Low stock")));

    // A batch in good stock, far from expiry: no mark, and a screen reader hears "In stock".
    const int fine = model->rowOf(kLateDrug, QStringLiteral("TA-LATE"));
    QVERIFY(fine >= 0);
    QCOMPARE(cell(shown, fine, StockModel::StatusColumn), QString());
    QVERIFY(shown->index(fine, StockModel::StatusColumn).data(Qt::DecorationRole).isNull());
    QVERIFY(!shown->index(fine, StockModel::DrugColumn).data(Qt::BackgroundRole).isValid());
    QCOMPARE(cell(shown, fine, StockModel::StatusColumn, Qt::AccessibleTextRole),
             QStringLiteral("In stock"));
    // Within kNearExpiryDays but well stocked: "Expires soon" alone.
    const int soon = model->rowOf(QStringLiteral("TST-E1"), QStringLiteral("TE-1"));
    QVERIFY(soon >= 0);
    QCOMPARE(cell(shown, soon, StockModel::StatusColumn), QStringLiteral("Expires soon"));
}

void TestAppPharmacy::aDispenseTimedOutByAStoppedServiceIsReadNotRepeated()
{
    const PrescribedVisit made = prescribe(QStringLiteral("Kwame Asante-Ferreira"), kLateDrug, 3);
    const QString name = made.patient.details.fullName;
    QString why;
    QPointer<DispenseDialog> dialog = pharmacy::openDispenseFor(m_workspace, name, &why);
    QVERIFY2(dialog, qPrintable(why));

    // The service receives the dispense but cannot answer: the app times out, then its read
    // (prescription.get) times out too: "not known", nothing repeated.
    const qint64 pid = m_cluster.processId(QStringLiteral("pharmacy"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    QTest::keyClick(dialog->quantityBox(0), Qt::Key_Return);
    QTRY_VERIFY(dialog->command());
    Command* command = dialog->command();
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, kWaitMs);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!command->canRepeat());
    QCOMPARE(command->attempts(), 1);
    QVERIFY(dialog->outcomeBar()->checkButton()->isVisible());
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QVERIFY(!dialog->dispenseButton()->isEnabled()); // nothing new while it may have happened

    // The service comes back and handles the one request it received; Check again finds
    // the dispense: done, the dialog closes, still one send and one dispense.
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        prescriptionOnBus(*m_pharmacist, made.consultation.id).dispenses.size(), 1, kWaitMs);
    QTest::mouseClick(dialog->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_workspace->pendingList()->model()->rowOfPatient(name) < 0, kWaitMs);
    QTest::qWait(500);
    QCOMPARE(prescriptionOnBus(*m_pharmacist, made.consultation.id).dispenses.size(), 1);
}

QTEST_MAIN(TestAppPharmacy)
#include "test_app_pharmacy.moc"
