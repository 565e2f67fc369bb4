// The whole visit through the widgets, each step in the app of a user of that role, all
// signed in at once against the clinic as shipped (OpdCluster, secured, demo data):
// reception registers a patient and opens a visit → the doctor's queue shows it without a
// refresh → the doctor calls, sees the allergy, records a diagnosis, a prescription and a
// lab order → the pharmacy dispenses and the lab enters a result → the doctor's open
// history and results to review show it by themselves → discharge (a pharmacist) records
// the next visit and saves the visit summary → the visit is closed everywhere. What each
// screen shows is asserted at each step; the widgets are driven by the steps each
// workspace's own tests use.

#include "app_harness.h"
#include "core/command.h"
#include "discharge_steps.h"
#include "doctor_steps.h"
#include "flow_support.h"
#include "lab_steps.h"
#include "opd_cluster.h"
#include "pharmacy_steps.h"
#include "protocol/endpoints.h"
#include "reception_steps.h"
#include "ui/discharge/discharge_workspace.h"
#include "ui/doctor/doctor_queue_panel.h"
#include "ui/doctor/doctor_workspace.h"
#include "ui/doctor/patient_history_view.h"
#include "ui/doctor/results_review_panel.h"
#include "ui/lab/lab_workspace.h"
#include "ui/pharmacy/pharmacy_workspace.h"
#include "ui/reception/reception_workspace.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QLocale>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace openopd::app;
using testing::flow::call;

namespace {

// Whether any list or table of the workspace shows text in any cell.
bool listsShow(QWidget* workspace, QStringView text)
{
    for (auto* view : workspace->findChildren<QAbstractItemView*>()) {
        const QAbstractItemModel* model = view->model();
        if (!model || !view->isVisibleTo(workspace))
            continue;
        for (int row = 0; row < model->rowCount(); ++row)
            for (int column = 0; column < model->columnCount(); ++column)
                if (model->index(row, column).data().toString().contains(text))
                    return true;
    }
    return false;
}

// Several apps share this process, as several workstations share the clinic: the one whose
// keyboard is used next must be the active window.
bool activate(QWidget* window)
{
    window->activateWindow();
    return QTest::qWaitForWindowActive(window);
}

} // namespace

class TestAppVisitWalk : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aVisitWalksThroughEveryWorkspace();

private:
    std::unique_ptr<testing::AppHarness> makeApp(const QString& user);

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    int m_apps = 0;
};

std::unique_ptr<testing::AppHarness> TestAppVisitWalk::makeApp(const QString& user)
{
    auto app = std::make_unique<testing::AppHarness>(
        QStringList{m_cluster.nats().url()},
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)));
    QString why;
    if (!app->signIn(user, testing::OpdCluster::demoPassword(), &why))
        qWarning("sign-in as %s failed: %s", qPrintable(user), qPrintable(why));
    return app;
}

void TestAppVisitWalk::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Drafts and saved documents of every app instance stay in this test's directory.
    QStandardPaths::setTestModeEnabled(true);
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
}

void TestAppVisitWalk::aVisitWalksThroughEveryWorkspace()
{
    QString why;
    auto receptionApp = makeApp(QStringLiteral("reception"));
    auto doctorApp = makeApp(QStringLiteral("dr.silva"));
    auto pharmacyApp = makeApp(QStringLiteral("pharma"));
    auto labApp = makeApp(QStringLiteral("lab"));
    auto* desk =
        qobject_cast<ReceptionWorkspace*>(receptionApp->workspace(QStringLiteral("reception")));
    auto* doctor = qobject_cast<DoctorWorkspace*>(doctorApp->workspace(QStringLiteral("doctor")));
    auto* pharmacy =
        qobject_cast<PharmacyWorkspace*>(pharmacyApp->workspace(QStringLiteral("pharmacy")));
    auto* lab = qobject_cast<LabWorkspace*>(labApp->workspace(QStringLiteral("lab")));
    auto* discharge =
        qobject_cast<DischargeWorkspace*>(pharmacyApp->workspace(QStringLiteral("discharge")));
    QVERIFY(desk && doctor && pharmacy && lab && discharge);

    // Reception: register through the form with the first visit (one request), read the
    // token the desk then shows.
    const QString name = QStringLiteral("Wilhelmina Ashgrove-Tembo");
    protocol::Patient patient;
    QVERIFY(activate(receptionApp->window()));
    int token = 0;
    QVERIFY2(testing::reception::registerWithFirstVisit(
                 desk,
                 {name, QStringLiteral("1979-08-03"), QStringLiteral("F"),
                  QStringLiteral("+27 82 555 0142"), QStringLiteral("penicillin")},
                 &patient, &token, &why),
             qPrintable(why));
    QTRY_VERIFY_WITH_TIMEOUT(listsShow(desk, name), 10000);

    // Doctor: the queue shows the visit without a refresh; call, see the allergy, record.
    QTRY_VERIFY_WITH_TIMEOUT(listsShow(doctor->queue(), name), 10000);
    QVERIFY(activate(doctorApp->window()));
    QString called;
    QVERIFY2(testing::doctor::callNext(doctor, &why, &called), qPrintable(why));
    QCOMPARE(called, name);
    QVERIFY2(testing::doctor::waitForHeader(doctor, &why), qPrintable(why));
    const QString header = testing::doctor::headerText(doctor);
    QVERIFY2(header.contains(name) && header.contains(u"penicillin", Qt::CaseInsensitive),
             qPrintable(header));
    QVERIFY2(testing::doctor::startConsultation(doctor, &why), qPrintable(why));
    testing::doctor::ConsultationInput input; // Amoxicillin, a full blood count, to pharmacy
    input.diagnosis = QStringLiteral("Acute pharyngitis");
    QVERIFY2(testing::doctor::fillConsultation(doctor, input, &why), qPrintable(why));
    QVERIFY2(testing::doctor::saveConsultation(doctor, &why), qPrintable(why));
    // Called, then consulted: no longer waiting at reception nor in the queue.
    QTRY_VERIFY_WITH_TIMEOUT(!listsShow(desk, name), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!listsShow(doctor->queue(), name), 10000);

    // Pharmacy dispenses everything prescribed.
    QVERIFY(activate(pharmacyApp->window()));
    testing::pharmacy::show(pharmacy);
    QVERIFY2(testing::pharmacy::waitForPending(pharmacy, name, &why), qPrintable(why));
    QVERIFY2(testing::pharmacy::dispenseAllFor(pharmacy, name, &why), qPrintable(why));
    // The doctor, who still has the patient open, sees what was given.
    QVERIFY2(
        testing::doctor::waitForHistory(doctor, QStringLiteral("Dispensed: Amoxicillin"), &why),
        qPrintable(why));

    // The lab collects the sample and enters the result.
    QVERIFY(activate(labApp->window()));
    testing::lab::showWorkspace(lab);
    QString orderId;
    QVERIFY2(
        testing::lab::waitForOrder(lab, name, QStringLiteral("Full blood count"), &orderId, &why),
        qPrintable(why));
    QVERIFY2(testing::lab::collectSample(lab, orderId, QStringLiteral("T-0042"), &why),
             qPrintable(why));
    protocol::LabResultEntry result;
    result.value = QStringLiteral("10.9");
    result.unit = QStringLiteral("g/dL");
    result.referenceRange = QStringLiteral("12.0-15.5");
    result.flag = protocol::LabFlag::Abnormal;
    QVERIFY2(testing::lab::enterResult(lab, orderId, result, &why), qPrintable(why));

    // The doctor still has the patient open: the result appears in the history by itself.
    QVERIFY2(testing::doctor::waitForHistory(doctor, QStringLiteral("10.9"), &why),
             qPrintable(why));
    // ...and in the results to review, where Enter marks it reviewed.
    QTRY_VERIFY_WITH_TIMEOUT(listsShow(doctor->results(), name), 10000);
    QVERIFY(activate(doctorApp->window()));
    QTableView* results = doctor->results()->table();
    results->setFocus();
    results->selectRow(0);
    QTest::keyClick(results, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!listsShow(doctor->results(), name), 10000);

    // Discharge, in the pharmacist's app: release with a next visit, print the summary.
    QVERIFY(activate(pharmacyApp->window()));
    testing::discharge::showWorkspace(discharge);
    QString visitId;
    QVERIFY2(testing::discharge::waitForRelease(discharge, name, &visitId, &why), qPrintable(why));
    testing::discharge::DischargeEntry entry;
    entry.notes = QStringLiteral("Complete the antibiotics.");
    entry.nextVisit = QDate::currentDate().addDays(14);
    QVERIFY2(testing::discharge::recordDischarge(discharge, visitId, entry, &why), qPrintable(why));
    const QString pdf = m_dir.filePath(QStringLiteral("summary.pdf"));
    QVERIFY2(testing::discharge::saveSummary(discharge, pdf, &why), qPrintable(why));
    const QString text = testing::discharge::pdfText(pdf);
    // The patient, the drug dispensed, the lab result and the next visit.
    QVERIFY2(text.contains(name) && text.contains(u"Amoxicillin") && text.contains(u"10.9") &&
                 text.contains(QLocale().toString(entry.nextVisit, QLocale::LongFormat)),
             qPrintable(text));

    // Closed everywhere: no list shows the visit, and the visit itself says discharged.
    for (QWidget* workspace : {static_cast<QWidget*>(desk), static_cast<QWidget*>(doctor->queue()),
                               static_cast<QWidget*>(pharmacy), static_cast<QWidget*>(lab),
                               static_cast<QWidget*>(discharge)})
        QTRY_VERIFY2_WITH_TIMEOUT(!listsShow(workspace, name), workspace->metaObject()->className(),
                                  10000);
    // The history read afresh (as for the patient's next visit) still says what was given:
    // from the visit summary, not the live event.
    doctor->history()->showPatient(patient.id);
    QVERIFY(doctor->history()->lines().isEmpty()); // cleared until the read answers
    QVERIFY2(
        testing::doctor::waitForHistory(doctor, QStringLiteral("Dispensed: Amoxicillin"), &why),
        qPrintable(why));
    auto visit = call(*receptionApp->session.connection(), protocol::kGetVisit,
                      protocol::GetVisitRequest{visitId});
    QVERIFY2(visit, qPrintable(visit.error().toString()));
    QCOMPARE(visit->visit.state, protocol::VisitState::Discharged);
    QCOMPARE(visit->visit.token, token);
}

QTEST_MAIN(TestAppVisitWalk)
#include "test_app_visit_walk.moc"
