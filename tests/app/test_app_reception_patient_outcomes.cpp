// The patient form when an answer is lost or refused, against the clinic as shipped
// (ReceptionPatientsRig, signed in as `reception`): a Save whose answer is lost is read
// before anything else is offered and never repeated by itself; Try again (the same request
// id) only after a read found it not done; an edit of an old revision is refused and
// reloaded, never overwriting the other desk's change.

#include "reception_patients_rig.h"
#include "ui/command_outcome_bar.h"

#include <QGroupBox>
#include <QLineEdit>
#include <QScopeGuard>
#include <signal.h>

using namespace openopd;
using namespace openopd::app;
using namespace openopd::testing;

class TestAppReceptionPatientOutcomes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        QVERIFY2(m_rig.start(&why), qPrintable(why));
        m_rig.desk->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_rig.desk.get()));
    }
    void cleanupTestCase() { m_rig.stop(); }
    void aLostAnswerIsReadBeforeAnythingIsRepeated();
    void aSaveTheReadFoundNotDoneIsTriedAgainWithTheSameId();
    void anEditOfAnOldRevisionIsRefusedThenReloaded();

private:
    ReceptionPatientsRig m_rig;
};

void TestAppReceptionPatientOutcomes::aLostAnswerIsReadBeforeAnythingIsRepeated()
{
    // The registration service is frozen (SIGSTOP): the create is delivered but not answered
    // (a timeout: the outcome is unknown), and the read of the outcome times out too.
    const qint64 pid = m_rig.cluster.processId(QStringLiteral("registration"));
    QVERIFY(pid > 0);
    const QString name = QStringLiteral("Lindiwe Frozenbach");
    PatientFormDialog* dialog = m_rig.openForm();
    std::optional<protocol::Patient> saved;
    std::optional<protocol::Visit> visit;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    connect(dialog, &PatientFormDialog::visitOpened, this,
            [&](const protocol::Patient&, const protocol::Visit& v) { visit = v; });
    QVERIFY(dialog->firstVisitBox()->isChecked()); // the first visit goes with the patient
    typeInto(dialog, "full_name", name);
    typeInto(dialog, "age", QStringLiteral("34"));
    chooseSex(dialog, QStringLiteral("F"));
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    auto thaw = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });
    QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);
    QVERIFY(!findButton(dialog, "save")->isEnabled());
    QVERIFY2(dialog->outcomeText().startsWith(QStringLiteral("Registering ") + name +
                                              QStringLiteral(" and opening the visit")),
             qPrintable(dialog->outcomeText()));
    QTest::keyClick(dialog, Qt::Key_Escape); // no closing while the answer is awaited
    QVERIFY(dialog->isVisible());

    QTRY_VERIFY_WITH_TIMEOUT(dialog->outcomeBar()->checkButton()->isVisible(), 30000);
    QCOMPARE(dialog->command()->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!findButton(dialog, "save")->isEnabled()); // nothing new while it may have happened
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QVERIFY2(dialog->outcomeText().contains(u"not known"), qPrintable(dialog->outcomeText()));
    snapshot(dialog, QStringLiteral("reception-patient-outcome-unknown"));
    QCOMPARE(dialog->command()->attempts(), 1);

    // The service wakes up and does the create it was sent; checking again finds it.
    thaw.dismiss();
    QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_rig.searchByName(name).size(), 1, kReceptionWait);
    QTest::mouseClick(dialog->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(saved->details.fullName, name);
    QVERIFY(saved->details.dateOfBirthEstimated);
    QCOMPARE(dialog->command()->attempts(), 1); // never sent twice
    QCOMPARE(m_rig.searchByName(name).size(), 1);
    // The check read the waiting list too: the token the lost answer would have carried.
    QVERIFY(visit.has_value());
    QCOMPARE(visit->patientId, saved->id);
    QVERIFY(visit->token > 0);
    QVERIFY2(dialog->command()->lastCheck().detail.contains(QString::number(visit->token)),
             qPrintable(dialog->command()->lastCheck().detail));
}

void TestAppReceptionPatientOutcomes::aSaveTheReadFoundNotDoneIsTriedAgainWithTheSameId()
{
    // The registration service is down (killed). Across the clinic's accounts a request to a
    // stopped service is not refused, it goes unanswered: the outcome is unknown, and the
    // read cannot tell either. Only once a read (after the restart) finds the patient not
    // registered is Try again offered, and it sends the same request id.
    const QString name = QStringLiteral("Kagiso Retrymore");
    PatientFormDialog* dialog = m_rig.openForm();
    std::optional<protocol::Patient> saved;
    int attemptsWhenSaved = 0;
    QByteArray idWhenSaved;
    connect(dialog, &PatientFormDialog::patientSaved, this, [&](const protocol::Patient& p) {
        saved = p;
        attemptsWhenSaved = dialog->command()->attempts();
        idWhenSaved = dialog->command()->requestId();
    });
    typeInto(dialog, "full_name", name);
    typeInto(dialog, "date_of_birth", QStringLiteral("2001-09-30"));
    chooseSex(dialog, QStringLiteral("M"));
    m_rig.cluster.kill(QStringLiteral("registration"));
    auto restart = qScopeGuard([this] { m_rig.cluster.restart(QStringLiteral("registration")); });
    QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(dialog->outcomeBar()->checkButton()->isVisible(),
                              qPrintable(dialog->outcomeText()), 30000);
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QVERIFY(!findButton(dialog, "save")->isEnabled());
    const QByteArray requestId = dialog->command()->requestId();
    QVERIFY(!requestId.isEmpty());

    restart.dismiss();
    QVERIFY2(m_rig.cluster.restart(QStringLiteral("registration")),
             qPrintable(m_rig.cluster.errorString()));
    QTest::mouseClick(dialog->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(dialog->outcomeBar()->repeatButton()->isVisible(),
                              qPrintable(dialog->outcomeText()), kReceptionWait);
    QCOMPARE(dialog->command()->lastCheck().verdict, OutcomeCheck::Verdict::NotDone);
    QVERIFY2(dialog->outcomeText().contains(u"was not registered"),
             qPrintable(dialog->outcomeText()));
    QCOMPARE(dialog->command()->attempts(), 1); // nothing was repeated by itself
    QCOMPARE(m_rig.searchByName(name).size(), 0);

    QTest::mouseClick(dialog->outcomeBar()->repeatButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(), qPrintable(dialog->outcomeText()), kReceptionWait);
    QCOMPARE(attemptsWhenSaved, 2);
    QCOMPARE(idWhenSaved, requestId);
    QCOMPARE(m_rig.searchByName(name).size(), 1);
}

void TestAppReceptionPatientOutcomes::anEditOfAnOldRevisionIsRefusedThenReloaded()
{
    const protocol::Patient patient = m_rig.registerDirectly(
        patientDetails(QStringLiteral("Mpho Revisionsky"), QDate(1966, 3, 3)));
    QVERIFY(!patient.id.isEmpty());
    PatientFormDialog* dialog = m_rig.openForm(patient);

    // Meanwhile another desk changes the address (revision 2).
    protocol::UpdatePatientRequest other;
    other.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                   protocol::StaffRole::Reception};
    other.patientId = patient.id;
    other.revision = 1;
    other.patient = patient.details;
    other.patient.address = QStringLiteral("7 Other Desk Road");
    QVERIFY(call(*m_rig.client, protocol::kUpdatePatient, other).ok());

    // This edit is based on revision 1: refused, nothing overwritten, Reload offered.
    typeInto(dialog, "phone", QStringLiteral("012 555 0303"));
    QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(findButton(dialog, "reload")->isVisible(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(dialog->command()->lastError().code, 409);
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QTest::mouseClick(findButton(dialog, "reload"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(qobject_cast<QLineEdit*>(formField(dialog, "address"))->text(),
                              QStringLiteral("7 Other Desk Road"), kReceptionWait);
    QVERIFY(!findButton(dialog, "reload")->isVisible());

    // Edited again on the current revision, it is saved and keeps the other desk's change.
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    typeInto(dialog, "phone", QStringLiteral("012 555 0303"));
    QTest::keyClick(formField(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(saved->revision, 3);
    QCOMPARE(saved->details.address, QStringLiteral("7 Other Desk Road"));
    QCOMPARE(saved->details.phone, QStringLiteral("012 555 0303"));
}

QTEST_MAIN(TestAppReceptionPatientOutcomes)
#include "test_app_reception_patient_outcomes.moc"
