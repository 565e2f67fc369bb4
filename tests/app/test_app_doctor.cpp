// The doctor's workspace as main.cpp builds it (the standard workspaces) against the clinic as
// shipped (OpdCluster, secured), signed in as dr.silva through the real sign-in dialog:
// - the header shows the allergies (and "No known allergies" only when there are none);
// - call next, record a diagnosis, a prescription and a lab order through the widgets; the
//   history shows the consultation and, live, the lab result; the prescription PDF holds the
//   patient and the drugs;
// - a save while the consultation service is stopped keeps the form, says why, is not
//   repeated by itself; once the service is back, "Check again" reads that it was not saved
//   and "Try again" saves it;
// - a draft survives closing the app;
// - two doctors calling next at once in two app instances get different patients, and the
//   one who finds nobody left is told; two pressing "Call this one" on the same patient: one
//   gets them, the other is told another doctor got there first (409).

#include "app_harness.h"
#include "core/command.h"
#include "core/doctor/consultation_draft.h"
#include "core/doctor/doctor_queue_model.h"
#include "doctor_steps.h"
#include "flow_support.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "ui/doctor/consultation_form.h"
#include "ui/doctor/doctor_queue_panel.h"
#include "ui/doctor/doctor_workspace.h"
#include "ui/doctor/lab_order_editor.h"
#include "ui/doctor/patient_header.h"
#include "ui/doctor/prescription_editor.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace openopd::app;
using testing::flow::call;
namespace steps = openopd::testing::doctor;

namespace {
const QString kSecondDoctor = QStringLiteral("dr.okafor");

// What a screen reader announces for a widget: Qt's accessible name and description.
QString spoken(QWidget* widget)
{
    QAccessibleInterface* accessible = QAccessible::queryAccessibleInterface(widget);
    if (!accessible)
        return {};
    return accessible->text(QAccessible::Name) + u' ' + accessible->text(QAccessible::Description);
}
} // namespace

class TestAppDoctor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void theHeaderShowsTheAllergies();
    void aDoctorCallsAndRecordsThroughTheWidgets();
    void aSaveThatFailsKeepsTheFormAndSaysWhy();
    void aDraftSurvivesClosingTheApp();
    void twoDoctorsCallingAtOnceGetDifferentPatients();
    void twoDoctorsCallingTheSamePatientOneIsTold();
    void aScreenReaderHearsEveryControl();

private:
    std::unique_ptr<testing::AppHarness> makeApp(const QString& user);
    protocol::Patient createPatient(const QString& name, const QStringList& allergies = {});
    protocol::Visit openVisit(const protocol::Patient& patient);
    QList<protocol::HistoryEntry> historyOf(const QString& patientId);
    QString pdfText(const QString& path);

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<bus::Connection> m_reception;
    std::unique_ptr<bus::Connection> m_silva; // dr.silva on the bus: reads, cleaning up
    std::unique_ptr<bus::Connection> m_okafor;
    std::unique_ptr<bus::Connection> m_lab;
    int m_apps = 0;
};

std::unique_ptr<testing::AppHarness> TestAppDoctor::makeApp(const QString& user)
{
    auto app = std::make_unique<testing::AppHarness>(
        QStringList{m_cluster.nats().url()},
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)));
    QString why;
    if (!app->signIn(user, testing::OpdCluster::demoPassword(), &why))
        qWarning("sign-in as %s failed: %s", qPrintable(user), qPrintable(why));
    return app;
}

protocol::Patient TestAppDoctor::createPatient(const QString& name, const QStringList& allergies)
{
    protocol::CreatePatientRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patient.fullName = name;
    request.patient.dateOfBirth = QDate(1979, 6, 15);
    request.patient.sex = protocol::Sex::Female;
    request.patient.allergies = allergies;
    request.confirmDuplicate = true;
    auto reply = call(*m_reception, protocol::kCreatePatient, request);
    if (!reply || !reply->patient)
        qFatal("patient.create failed: %s", qPrintable(reply.error().toString()));
    return *reply->patient;
}

protocol::Visit TestAppDoctor::openVisit(const protocol::Patient& patient)
{
    protocol::OpenVisitRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patientId = patient.id;
    request.queue = QStringLiteral("general");
    request.complaint = QStringLiteral("Fever");
    auto reply = call(*m_reception, protocol::kOpenVisit, request);
    if (!reply)
        qFatal("visit.open failed: %s", qPrintable(reply.error().toString()));
    return reply->visit;
}

QList<protocol::HistoryEntry> TestAppDoctor::historyOf(const QString& patientId)
{
    protocol::PatientHistoryRequest request;
    request.patientId = patientId;
    auto reply = call(*m_silva, protocol::kPatientHistory, request);
    return reply ? reply->entries : QList<protocol::HistoryEntry>();
}

QString TestAppDoctor::pdfText(const QString& path)
{
    QProcess pdftotext;
    pdftotext.start(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
    if (!pdftotext.waitForFinished(30000))
        return {};
    return QString::fromUtf8(pdftotext.readAllStandardOutput()).simplified();
}

void TestAppDoctor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // Drafts go to the user's app data directory: a private one for this test.
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    const QString password = testing::OpdCluster::demoPassword();
    m_reception = m_cluster.signIn(QStringLiteral("reception"), password);
    m_silva = m_cluster.signIn(QStringLiteral("dr.silva"), password);
    m_lab = m_cluster.signIn(QStringLiteral("lab"), password);
    auto admin = m_cluster.signIn(QStringLiteral("admin"), password);
    QVERIFY2(m_reception && m_silva && m_lab && admin, qPrintable(m_cluster.errorString()));
    // A second doctor, created as the admin would.
    protocol::CreateStaffRequest doctor;
    doctor.id = kSecondDoctor;
    doctor.displayName = QStringLiteral("Dr Chidi Okafor");
    doctor.roles = {protocol::StaffRole::Doctor};
    doctor.password = password;
    auto created = call(*admin, protocol::kCreateStaff, doctor);
    QVERIFY2(created, qPrintable(created.error().toString()));
    m_okafor = m_cluster.signIn(kSecondDoctor, password);
    QVERIFY2(m_okafor, qPrintable(m_cluster.errorString()));
}

void TestAppDoctor::init()
{
    // Every test starts with the clinic up and an empty queue: what earlier tests left is
    // closed on the bus.
    if (!m_cluster.isRunning(QStringLiteral("consultation")))
        QVERIFY2(m_cluster.restart(QStringLiteral("consultation")),
                 qPrintable(m_cluster.errorString()));
    protocol::DoctorQueueRequest list;
    auto queue = call(*m_silva, protocol::kDoctorQueue, list);
    QVERIFY2(queue, qPrintable(queue.error().toString()));
    for (const protocol::QueueEntry& entry : queue->entries) {
        if (entry.state == protocol::VisitState::Registered) {
            protocol::CancelVisitRequest cancel;
            cancel.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                            protocol::StaffRole::Reception};
            cancel.visitId = entry.visitId;
            cancel.reason = QStringLiteral("test clean-up");
            QVERIFY(call(*m_reception, protocol::kCancelVisit, cancel));
            continue;
        }
        bus::Connection& doctor =
            entry.calledBy && entry.calledBy->id == kSecondDoctor ? *m_okafor : *m_silva;
        protocol::SaveConsultationRequest save;
        save.staff = *entry.calledBy;
        save.visitId = entry.visitId;
        save.consultation.disposition = protocol::Disposition::Discharge;
        QVERIFY(call(doctor, protocol::kSaveConsultation, save));
    }
}

void TestAppDoctor::theHeaderShowsTheAllergies()
{
    const protocol::Patient allergic =
        createPatient(QStringLiteral("Wilhelmina Achterberg"),
                      {QStringLiteral("Penicillin"), QStringLiteral("Sulfonamides")});
    const protocol::Patient none = createPatient(QStringLiteral("Kwabena Asante-Darko"));
    openVisit(allergic);
    openVisit(none);
    auto app = makeApp(QStringLiteral("dr.silva"));
    DoctorWorkspace* desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    QString why;
    QString called;
    QVERIFY2(steps::callNext(desk, &why, &called), qPrintable(why));
    QCOMPARE(called, allergic.details.fullName);
    QVERIFY2(steps::waitForHeader(desk, &why), qPrintable(why));
    const QString header = steps::headerText(desk);
    QVERIFY2(header.contains(u"Wilhelmina Achterberg") && header.contains(u"Penicillin") &&
                 header.contains(u"Sulfonamides") && header.contains(u"Female"),
             qPrintable(header));
    // Prominent: its own red line, visible on screen.
    auto* allergies = desk->findChild<QLabel*>(QStringLiteral("headerAllergies"));
    QVERIFY(allergies && allergies->isVisible());
    QVERIFY(allergies->styleSheet().contains(u"#b00020"));

    // The next patient has none: the header says so in words.
    QVERIFY2(steps::callNext(desk, &why, &called), qPrintable(why));
    QCOMPARE(called, none.details.fullName);
    QVERIFY2(steps::waitForHeader(desk, &why), qPrintable(why));
    QVERIFY2(steps::headerText(desk).contains(u"No known allergies"),
             qPrintable(steps::headerText(desk)));
    QVERIFY(!steps::headerText(desk).contains(u"Penicillin"));
}

void TestAppDoctor::aDoctorCallsAndRecordsThroughTheWidgets()
{
    const protocol::Patient patient =
        createPatient(QStringLiteral("Ingrid Oyelaran-Fitzgerald"), {QStringLiteral("Latex")});
    const protocol::Visit visit = openVisit(patient);
    auto app = makeApp(QStringLiteral("dr.silva"));
    DoctorWorkspace* desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    // The visit is in the live queue.
    QTRY_VERIFY_WITH_TIMEOUT(desk->queue()->model()->rowOf(visit.id) >= 0, 15000);
    QString why;
    QVERIFY2(steps::callNext(desk, &why), qPrintable(why));
    QCOMPARE(desk->current()->visitId, visit.id);
    QVERIFY2(steps::startConsultation(desk, &why), qPrintable(why));
    QVERIFY2(steps::fillConsultation(desk, steps::ConsultationInput{}, &why), qPrintable(why));
    QVERIFY2(steps::saveConsultation(desk, &why), qPrintable(why));

    // Recorded as typed.
    const QList<protocol::HistoryEntry> history = historyOf(patient.id);
    QCOMPARE(history.size(), 1);
    const protocol::ConsultationContent& saved = history.first().consultation.content;
    QCOMPARE(history.first().consultation.visitId, visit.id);
    QCOMPARE(saved.diagnoses.size(), 1);
    QCOMPARE(saved.diagnoses.first().text, QStringLiteral("Acute pharyngitis"));
    QCOMPARE(saved.diagnoses.first().icd10, QStringLiteral("J02.9"));
    QCOMPARE(saved.prescriptions.size(), 1);
    QCOMPARE(saved.prescriptions.first().drugCode, QStringLiteral("AMOX500"));
    QCOMPARE(saved.prescriptions.first().quantity, 15);
    QCOMPARE(saved.labOrders.size(), 1);
    QCOMPARE(saved.labOrders.first().testCode, QStringLiteral("FBC"));
    QCOMPARE(saved.disposition, protocol::Disposition::ToPharmacy);
    QVERIFY(!saved.releaseWithoutResults); // the patient waits for the result
    QVERIFY(saved.vitals && saved.vitals->temperatureC == 38.2);
    // The history on screen shows it; the form is closed for editing.
    QVERIFY2(steps::waitForHistory(desk, QStringLiteral("Acute pharyngitis (J02.9)"), &why),
             qPrintable(why));
    QVERIFY2(steps::waitForHistory(desk, QStringLiteral("Amoxicillin 500 mg capsule"), &why),
             qPrintable(why));
    QVERIFY(!desk->form()->findChild<QLineEdit*>(QStringLiteral("diagnosis"))->isEnabled());

    // The prescription as a PDF: patient, drug, dose, frequency, days, quantity, doctor.
    const QString path = m_dir.filePath(QStringLiteral("prescription.pdf"));
    QSignalSpy written(desk->form(), &ConsultationForm::prescriptionWritten);
    desk->form()->savePrescriptionPdf(path);
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 15000);
    QCOMPARE(written.first().at(1).toString(), QString());
    const QString text = pdfText(path);
    for (const QString& expected :
         {QStringLiteral("Ingrid Oyelaran-Fitzgerald"),
          QStringLiteral("Amoxicillin 500 mg capsule"), QStringLiteral("500 mg"),
          QStringLiteral("3 times a day"), QStringLiteral("5 day"), QStringLiteral("quantity 15"),
          QStringLiteral("Latex"), QStringLiteral("Dr Ana Silva"),
          QStringLiteral("Acute pharyngitis")})
        QVERIFY2(text.contains(expected),
                 qPrintable(expected + QStringLiteral(" not in: ") + text));

    // The lab enters the result while the patient is open: it appears without a refresh.
    std::optional<protocol::LabOrder> order;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto pending = call(*m_lab, protocol::kPendingLabOrders, {});
            if (pending)
                for (const protocol::LabOrder& candidate : pending->orders)
                    if (candidate.visitId == visit.id)
                        order = candidate;
            return order.has_value();
        }(),
        30000);
    const protocol::StaffRef lab{QStringLiteral("lab"), QStringLiteral("Lab"),
                                 protocol::StaffRole::LabTechnician};
    protocol::CollectSampleRequest collect;
    collect.staff = lab;
    collect.orderId = order->id;
    QVERIFY(call(*m_lab, protocol::kCollectSample, collect));
    protocol::EnterLabResultRequest result;
    result.staff = lab;
    result.orderId = order->id;
    result.result.value = QStringLiteral("13.1");
    result.result.unit = QStringLiteral("g/dL");
    result.result.referenceRange = QStringLiteral("12-16");
    auto entered = call(*m_lab, protocol::kEnterLabResult, result);
    QVERIFY2(entered, qPrintable(entered.error().toString()));
    QVERIFY2(
        steps::waitForHistory(desk, QStringLiteral("Result Full blood count: 13.1 g/dL"), &why),
        qPrintable(why));
}

void TestAppDoctor::aSaveThatFailsKeepsTheFormAndSaysWhy()
{
    const protocol::Patient patient = createPatient(QStringLiteral("Thaddeus Nakamura-Oduya"));
    const protocol::Visit visit = openVisit(patient);
    auto app = makeApp(QStringLiteral("dr.silva"));
    DoctorWorkspace* desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    QString why;
    QVERIFY2(steps::callNext(desk, &why), qPrintable(why));
    QVERIFY2(steps::startConsultation(desk, &why), qPrintable(why));
    steps::ConsultationInput input;
    input.diagnosis = QStringLiteral("Uncomplicated malaria");
    input.icd10 = QStringLiteral("B54");
    input.drug = QStringLiteral("Paracetamol 500");
    input.labTest.clear();
    QVERIFY2(steps::fillConsultation(desk, input, &why), qPrintable(why));

    // The consultation service stops. Across the accounts nobody answers "no responders":
    // the save times out, its read (the history) too, so nobody can tell whether it was done.
    QCOMPARE(m_cluster.terminate(QStringLiteral("consultation")), 0);
    ConsultationForm* form = desk->form();
    QTest::mouseClick(form->findChild<QPushButton*>(QStringLiteral("saveConsultation")),
                      Qt::LeftButton);
    QTRY_VERIFY(form->command());
    Command* command = form->command();
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, 30000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!form->isSaved());
    QVERIFY(!command->canRepeat());
    // It says why, and everything typed is still there (and on disk as a draft).
    QVERIFY2(form->errorText().contains(u"not known") &&
                 form->errorText().contains(u"did not answer"),
             qPrintable(form->errorText()));
    QVERIFY2(form->statusText().contains(u"draft"), qPrintable(form->statusText()));
    QCOMPARE(form->findChild<QLineEdit*>(QStringLiteral("diagnosis"))->text(),
             QStringLiteral("Uncomplicated malaria"));
    QCOMPARE(form->findChild<QLineEdit*>(QStringLiteral("icd10"))->text(), QStringLiteral("B54"));
    QCOMPARE(form->prescriptions()->lines().size(), 1);
    const QString draftPath = desk->drafts()->pathFor(visit.id);
    QTRY_VERIFY(QFile::exists(draftPath));
    // Not repeated on its own.
    QTest::qWait(1500);
    QCOMPARE(command->attempts(), 1);

    // The service is back. "Check again" reads the history: not saved. Only now "Try again"
    // (the same request id) is offered; it saves once, and the draft goes.
    QVERIFY2(m_cluster.restart(QStringLiteral("consultation")),
             qPrintable(m_cluster.errorString()));
    auto* check = form->findChild<QPushButton*>(QStringLiteral("commandCheck"));
    QVERIFY(check && check->isVisible());
    QTest::mouseClick(check, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(command->lastCheck().verdict, OutcomeCheck::Verdict::NotDone, 20000);
    QCOMPARE(command->attempts(), 1);
    auto* repeat = form->findChild<QPushButton*>(QStringLiteral("commandRepeat"));
    QVERIFY(repeat && repeat->isVisible() && command->canRepeat());
    QTest::mouseClick(repeat, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(form->isSaved(), 20000);
    QCOMPARE(command->attempts(), 2);
    QTRY_VERIFY(!QFile::exists(draftPath));
    QCOMPARE(historyOf(patient.id).size(), 1);
}

void TestAppDoctor::aDraftSurvivesClosingTheApp()
{
    const protocol::Patient patient = createPatient(QStringLiteral("Philippa Ekwueme-Lindqvist"));
    const protocol::Visit visit = openVisit(patient);
    auto app = makeApp(QStringLiteral("dr.silva"));
    DoctorWorkspace* desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    QString why;
    QVERIFY2(steps::callNext(desk, &why), qPrintable(why));
    steps::ConsultationInput input;
    input.diagnosis = QStringLiteral("Otitis media");
    input.icd10 = QStringLiteral("H66.9");
    input.notes = QStringLiteral("Left ear, 2 days");
    QVERIFY2(steps::fillConsultation(desk, input, &why), qPrintable(why));
    // The patient may go without waiting for the lab result (the doctor says so explicitly).
    auto* releaseEarly =
        desk->form()->findChild<QCheckBox*>(QStringLiteral("releaseWithoutResults"));
    QVERIFY(releaseEarly && releaseEarly->isEnabled());
    QTest::keyClick(releaseEarly, Qt::Key_Space);
    QVERIFY(releaseEarly->isChecked());
    const QString draftPath = desk->drafts()->pathFor(visit.id);
    // Closed at once after typing: the last keystrokes reach the disk too.
    app.reset();
    QVERIFY(QFile::exists(draftPath));
    // Clinical notes on disk: this user's only.
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                            QFileDevice::WriteGroup | QFileDevice::WriteOther;
    QCOMPARE(QFile::permissions(draftPath) & others, QFileDevice::Permissions());

    // Opened again: the called patient is back, with everything typed.
    app = makeApp(QStringLiteral("dr.silva"));
    desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    QTRY_VERIFY_WITH_TIMEOUT(desk->current() && desk->current()->visitId == visit.id, 20000);
    ConsultationForm* form = desk->form();
    QTRY_COMPARE_WITH_TIMEOUT(form->findChild<QLineEdit*>(QStringLiteral("diagnosis"))->text(),
                              QStringLiteral("Otitis media"), 10000);
    QCOMPARE(form->findChild<QLineEdit*>(QStringLiteral("icd10"))->text(), QStringLiteral("H66.9"));
    QCOMPARE(form->findChild<QLineEdit*>(QStringLiteral("temperature"))->text(),
             QStringLiteral("38.2"));
    QCOMPARE(form->prescriptions()->lines().size(), 1);
    QCOMPARE(form->labOrders()->lines().size(), 1);
    QVERIFY(form->findChild<QCheckBox*>(QStringLiteral("releaseWithoutResults"))->isChecked());
    QVERIFY2(form->statusText().contains(u"draft"), qPrintable(form->statusText()));
    QVERIFY2(steps::saveConsultation(desk, &why), qPrintable(why));
    QTRY_VERIFY(!QFile::exists(draftPath));
    const QList<protocol::HistoryEntry> history = historyOf(patient.id);
    QCOMPARE(history.size(), 1);
    QCOMPARE(history.first().consultation.content.diagnoses.first().text,
             QStringLiteral("Otitis media"));
    QVERIFY(history.first().consultation.content.releaseWithoutResults);
}

void TestAppDoctor::twoDoctorsCallingAtOnceGetDifferentPatients()
{
    auto silva = makeApp(QStringLiteral("dr.silva"));
    auto okafor = makeApp(kSecondDoctor);
    DoctorWorkspace* first = steps::workspaceIn(silva->window());
    DoctorWorkspace* second = steps::workspaceIn(okafor->window());
    QVERIFY(first && second);
    openVisit(createPatient(QStringLiteral("Anneliese Obi-Grünwald")));
    openVisit(createPatient(QStringLiteral("Bartholomew Ndlovu-Sato")));
    QTRY_COMPARE_WITH_TIMEOUT(first->queue()->model()->waitingCount(), 2, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(second->queue()->model()->waitingCount(), 2, 15000);

    // Both click "Call next" at the same moment: each gets a different patient.
    auto* callFirst = first->findChild<QPushButton*>(QStringLiteral("callNext"));
    auto* callSecond = second->findChild<QPushButton*>(QStringLiteral("callNext"));
    QTest::mouseClick(callFirst, Qt::LeftButton);
    QTest::mouseClick(callSecond, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(first->current() && second->current(), 20000);
    QVERIFY(first->current()->visitId != second->current()->visitId);

    // One patient left and both call again: one gets them, the other is told.
    const protocol::Visit last = openVisit(createPatient(QStringLiteral("Cosima Adeyemi-Roth")));
    QTRY_COMPARE_WITH_TIMEOUT(first->queue()->model()->waitingCount(), 1, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(second->queue()->model()->waitingCount(), 1, 15000);
    QTest::mouseClick(callFirst, Qt::LeftButton);
    QTest::mouseClick(callSecond, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        first->current()->visitId == last.id || second->current()->visitId == last.id, 20000);
    DoctorWorkspace* loser = first->current()->visitId == last.id ? second : first;
    QTRY_VERIFY_WITH_TIMEOUT(!loser->queue()->message().isEmpty(), 20000);
    QVERIFY2(loser->queue()->message().contains(u"Another doctor"),
             qPrintable(loser->queue()->message()));
    QVERIFY(loser->current()->visitId != last.id);
}

void TestAppDoctor::twoDoctorsCallingTheSamePatientOneIsTold()
{
    auto silva = makeApp(QStringLiteral("dr.silva"));
    auto okafor = makeApp(kSecondDoctor);
    DoctorWorkspace* first = steps::workspaceIn(silva->window());
    DoctorWorkspace* second = steps::workspaceIn(okafor->window());
    QVERIFY(first && second);
    const protocol::Visit visit =
        openVisit(createPatient(QStringLiteral("Dorothea Mwangi-Castellanos")));
    // Both choose the same patient in their queue and press "Call this one" at once.
    QList<QPushButton*> buttons;
    for (DoctorWorkspace* desk : {first, second}) {
        QTRY_VERIFY_WITH_TIMEOUT(desk->queue()->model()->rowOf(visit.id) >= 0, 15000);
        desk->queue()->focusQueue();
        desk->queue()->table()->selectRow(desk->queue()->model()->rowOf(visit.id));
        auto* button = desk->findChild<QPushButton*>(QStringLiteral("callThis"));
        QTRY_VERIFY(button->isEnabled());
        buttons.append(button);
    }
    for (QPushButton* button : buttons)
        QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT((first->current() && first->current()->visitId == visit.id) ||
                                 (second->current() && second->current()->visitId == visit.id),
                             20000);
    DoctorWorkspace* loser =
        first->current() && first->current()->visitId == visit.id ? second : first;
    QTRY_VERIFY_WITH_TIMEOUT(!loser->queue()->message().isEmpty(), 20000);
    QVERIFY2(loser->queue()->message().contains(u"Another doctor got there first"),
             qPrintable(loser->queue()->message()));
    QVERIFY(!loser->current());
}

void TestAppDoctor::aScreenReaderHearsEveryControl()
{
    openVisit(
        createPatient(QStringLiteral("Evangeline Boateng-Larsen"), {QStringLiteral("Aspirin")}));
    auto app = makeApp(QStringLiteral("dr.silva"));
    DoctorWorkspace* desk = steps::workspaceIn(app->window());
    QVERIFY(desk);
    QString why;
    QVERIFY2(steps::callNext(desk, &why), qPrintable(why));
    QVERIFY2(steps::waitForHeader(desk, &why), qPrintable(why));
    // The allergies are heard with what they are about.
    auto* allergies = desk->findChild<QLabel*>(QStringLiteral("headerAllergies"));
    QVERIFY2(spoken(allergies).contains(u"Aspirin") && spoken(allergies).contains(u"Allergies"),
             qPrintable(spoken(allergies)));
    QStringList problems;
    int checked = 0;
    for (QWidget* widget : desk->findChildren<QWidget*>()) {
        if (!widget->isVisibleTo(desk) || widget->focusPolicy() == Qt::NoFocus)
            continue;
        if (qobject_cast<QAbstractButton*>(widget) || qobject_cast<QLineEdit*>(widget) ||
            qobject_cast<QComboBox*>(widget) || qobject_cast<QAbstractSpinBox*>(widget) ||
            qobject_cast<QAbstractItemView*>(widget)) {
            if (qobject_cast<QLineEdit*>(widget) &&
                (qobject_cast<QComboBox*>(widget->parentWidget()) ||
                 qobject_cast<QAbstractSpinBox*>(widget->parentWidget())))
                continue; // heard through its combo box or spin box
            ++checked;
            if (spoken(widget).trimmed().isEmpty())
                problems << QString::fromLatin1(widget->metaObject()->className()) + u' ' +
                                widget->objectName() + QStringLiteral(": no accessible name");
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    OPENOPD_VERIFY_MNEMONICS(app->window());
    QVERIFY2(checked >= 25, qPrintable(QString::number(checked))); // the form's fields were seen
}

QTEST_MAIN(TestAppDoctor)
#include "test_app_doctor.moc"
