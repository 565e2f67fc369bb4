// The reception desk's patient widgets (search panel, card, register / edit form) against the
// clinic as shipped (ReceptionPatientsRig: OpdCluster secured with demo data, signed in as
// the demo `reception` user through the real sign-in dialog), driven with the keyboard and
// mouse like a person at the desk. What the service stored is read back with a bus client.
// What happens when answers are lost or refused: test_app_reception_patient_outcomes.

#include "core/reception/patient_search_model.h"
#include "mnemonics.h"
#include "reception_patients_rig.h"
#include "ui/reception/patient_card.h"
#include "ui/reception/patient_search_panel.h"

#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>

using namespace openopd;
using namespace openopd::app;
using namespace openopd::testing;

class TestAppReceptionPatients : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_rig.stop(); }
    void registerThroughTheFormThenFindByTypingPartOfTheName();
    void theNewestQueryWinsAndAnEmptyQueryClears();
    void clientSideErrorsAreShownNextToTheirFieldAndNothingIsSent();
    void aFieldErrorFromTheServiceIsShownNextToItsField();
    void aDuplicateIsFlaggedThenOpenedOrRegisteredAnyway();
    void editAPatientsPhone();
    void everyControlHasALabelAndAnAccessibleName();

private:
    ReceptionPatientsRig m_rig;
    PatientSearchPanel* m_panel = nullptr;
    PatientCard* m_card = nullptr;
};

void TestAppReceptionPatients::initTestCase()
{
    QString why;
    QVERIFY2(m_rig.start(&why), qPrintable(why));
    // The panel and the card side by side, as the desk composes them.
    m_panel = new PatientSearchPanel(m_rig.app->session, m_rig.desk.get());
    m_card = new PatientCard(m_rig.app->session, m_rig.desk.get());
    auto* layout = new QHBoxLayout(m_rig.desk.get());
    layout->addWidget(m_panel, 2);
    layout->addWidget(m_card, 1);
    connect(m_panel, &PatientSearchPanel::patientChosen, m_card, &PatientCard::showPatient);
    m_rig.desk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_rig.desk.get()));
}

void TestAppReceptionPatients::registerThroughTheFormThenFindByTypingPartOfTheName()
{
    const QString name = QStringLiteral("Nomvula Quenbyford");
    PatientFormDialog* dialog = m_rig.openForm();
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& patient) { saved = patient; });
    typeInto(dialog, "full_name", name);
    typeInto(dialog, "date_of_birth", QStringLiteral("1990-04-12"));
    chooseSex(dialog, QStringLiteral("F"));
    typeInto(dialog, "phone", QStringLiteral("+27 82 555 0199"));
    typeInto(dialog, "allergies", QStringLiteral("penicillin, latex"));
    // Enter in a field presses Save (the default button).
    QTest::keyClick(formField(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QVERIFY(!dialog->command()->requestId().isEmpty());
    QCOMPARE(dialog->command()->attempts(), 1);
    QTRY_VERIFY(!dialog->isVisible());

    // The service has it, as typed.
    auto stored =
        call(*m_rig.client, protocol::kGetPatient, protocol::GetPatientRequest{saved->id, {}});
    QVERIFY2(stored.ok(), qPrintable(stored.error().toString()));
    const protocol::PatientDetails& d = stored.value().patient.details;
    QCOMPARE(d.fullName, name);
    QCOMPARE(d.dateOfBirth, QDate(1990, 4, 12));
    QVERIFY(!d.dateOfBirthEstimated);
    QCOMPARE(d.sex, protocol::Sex::Female);
    QCOMPARE(d.phone, QStringLiteral("+27 82 555 0199"));
    QCOMPARE(d.allergies, (QStringList{QStringLiteral("penicillin"), QStringLiteral("latex")}));
    QCOMPARE(stored.value().patient.registeredBy.id, QStringLiteral("reception"));

    // Find them by typing part of the name, Down into the results, Enter opens the card.
    m_rig.desk->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_rig.desk.get()));
    m_panel->focusSearch();
    QTest::keyClicks(m_panel->searchField(), QStringLiteral("nomvula quenb"));
    PatientSearchModel* model = m_panel->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::Results, kReceptionWait);
    QCOMPARE(model->shownQuery(), QStringLiteral("nomvula quenb"));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, PatientSearchModel::NameColumn).data().toString(), name);
    QCOMPARE(model->index(0, PatientSearchModel::SexColumn).data().toString(),
             QStringLiteral("Female"));
    QCOMPARE(model->index(0, PatientSearchModel::MrnColumn).data().toString(), saved->mrn);
    QCOMPARE(model->index(0, PatientSearchModel::PhoneColumn).data().toString(),
             QStringLiteral("+27 82 555 0199"));
    QVERIFY(!model->index(0, PatientSearchModel::AgeColumn).data().toString().isEmpty());
    snapshot(m_rig.desk.get(), QStringLiteral("reception-patient-search"));
    QTest::keyClick(m_panel->searchField(), Qt::Key_Down);
    QVERIFY(m_panel->results()->hasFocus());
    QTest::keyClick(m_panel->results(), Qt::Key_Return);
    QVERIFY(m_card->patient().has_value());
    QCOMPARE(m_card->patient()->id, saved->id);
    QCOMPARE(m_card->detailText(QStringLiteral("name")), name);
    QCOMPARE(m_card->detailText(QStringLiteral("mrn")), saved->mrn);
    QCOMPARE(m_card->detailText(QStringLiteral("phone")), QStringLiteral("+27 82 555 0199"));
    snapshot(m_rig.desk.get(), QStringLiteral("reception-patient-card"));
    // Escape goes back to the field, ready for the next patient.
    QTest::keyClick(m_panel->results(), Qt::Key_Escape);
    QVERIFY(m_panel->searchField()->hasFocus());
}

void TestAppReceptionPatients::theNewestQueryWinsAndAnEmptyQueryClears()
{
    m_rig.registerDirectly(
        patientDetails(QStringLiteral("Precious Ulwazimbeke"), QDate(1981, 2, 3)));
    PatientSearchModel* model = m_panel->model();
    model->setDebounceInterval(0); // every keystroke is sent: older requests must be dropped
    QLineEdit* search = m_panel->searchField();
    m_panel->focusSearch();
    QTest::keyClicks(search, QStringLiteral("precious ulwaz"));
    search->selectAll();
    QTest::keyClicks(search, QStringLiteral("zzqxjv"));
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::NoMatch, kReceptionWait);
    QCOMPARE(model->shownQuery(), QStringLiteral("zzqxjv"));
    QCOMPARE(model->rowCount(), 0);
    QVERIFY2(m_panel->statusText().contains(u"No patients match"),
             qPrintable(m_panel->statusText()));
    // No late answer to an older query replaces it.
    QTest::qWait(1000);
    QCOMPARE(model->state(), PatientSearchModel::State::NoMatch);
    QCOMPARE(model->shownQuery(), QStringLiteral("zzqxjv"));

    search->selectAll();
    QTest::keyClicks(search, QStringLiteral("precious ulwaz"));
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::Results, kReceptionWait);
    QCOMPARE(model->rowCount(), 1);
    search->clear(); // empty: cleared at once, nothing sent
    QCOMPARE(model->state(), PatientSearchModel::State::Idle);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(m_panel->statusText().isEmpty());
    model->setDebounceInterval(PatientSearchModel::kDefaultDebounceMs);
}

void TestAppReceptionPatients::clientSideErrorsAreShownNextToTheirFieldAndNothingIsSent()
{
    PatientFormDialog* dialog = m_rig.openForm();
    QSignalSpy sent(m_rig.app->session.connection(), &bus::Connection::requestsInFlightChanged);
    typeInto(dialog, "date_of_birth", QStringLiteral("1990-01-01"));
    chooseSex(dialog, QStringLiteral("M"));
    typeInto(dialog, "phone", QStringLiteral("call me later"));
    QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);

    QVERIFY(!dialog->fieldError(QStringLiteral("full_name")).isEmpty());
    QVERIFY(!dialog->fieldError(QStringLiteral("phone")).isEmpty());
    QVERIFY(dialog->fieldError(QStringLiteral("date_of_birth")).isEmpty());
    // Each message is right under its own field, and the first bad field has the focus.
    for (const char* key : {"full_name", "phone"}) {
        auto* error = dialog->findChild<QLabel*>(QStringLiteral("error_") + QLatin1StringView(key));
        QWidget* input = formField(dialog, key);
        QVERIFY(error && error->isVisible());
        const QRect errorRect(error->mapTo(dialog, QPoint(0, 0)), error->size());
        const QRect inputRect(input->mapTo(dialog, QPoint(0, 0)), input->size());
        QVERIFY2(errorRect.top() >= inputRect.bottom() &&
                     errorRect.top() - inputRect.bottom() < 2 * input->height(),
                 key);
        QVERIFY(input->accessibleDescription().contains(error->text()));
    }
    QVERIFY2(formField(dialog, "full_name")->hasFocus(),
             qPrintable((QApplication::focusWidget() ? QApplication::focusWidget()->objectName()
                                                     : QStringLiteral("none")) +
                        u' ' +
                        (QApplication::activeWindow() ? QApplication::activeWindow()->objectName()
                                                      : QStringLiteral("none"))));
    snapshot(dialog, QStringLiteral("reception-patient-form-errors"));
    dialog->setLayoutDirection(Qt::RightToLeft);
    snapshot(dialog, QStringLiteral("reception-patient-form-errors-rtl"));
    dialog->setLayoutDirection(Qt::LeftToRight);
    // Nothing was sent.
    QTest::qWait(300);
    QCOMPARE(sent.count(), 0);
    QVERIFY(dialog->command() == nullptr);

    // Corrected, the errors go and the patient is registered.
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& patient) { saved = patient; });
    typeInto(dialog, "full_name", QStringLiteral("Tumelo Vexaldine"));
    typeInto(dialog, "phone", QStringLiteral("082 555 0100"));
    QTest::keyClick(formField(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(saved->details.phone, QStringLiteral("082 555 0100"));
}

void TestAppReceptionPatients::aFieldErrorFromTheServiceIsShownNextToItsField()
{
    // Only the service knows that a national id belongs to someone else: an edit that gives
    // it to another patient is refused with 409, field patient.national_id.
    const protocol::Patient holder = m_rig.registerDirectly(patientDetails(
        QStringLiteral("Ayanda Holderwick"), QDate(1970, 5, 5), QStringLiteral("QX-4711-01")));
    const protocol::Patient other = m_rig.registerDirectly(
        patientDetails(QStringLiteral("Bongani Otherwick"), QDate(1972, 6, 6)));
    QVERIFY(!holder.id.isEmpty() && !other.id.isEmpty());

    PatientFormDialog* dialog = m_rig.openForm(other);
    typeInto(dialog, "national_id", QStringLiteral("QX-4711-01"));
    QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(!dialog->fieldError(QStringLiteral("national_id")).isEmpty(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(dialog->command()->lastError().code, 409);
    QCOMPARE(dialog->command()->lastError().field, QStringLiteral("patient.national_id"));
    // The service's own message (it names the holder's MRN), under the national id field.
    QVERIFY2(dialog->fieldError(QStringLiteral("national_id")).contains(holder.mrn),
             qPrintable(dialog->fieldError(QStringLiteral("national_id"))));
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("error_national_id"))->isVisible());
    QVERIFY(formField(dialog, "national_id")->hasFocus());
    QVERIFY(dialog->isVisible());
    QVERIFY(findButton(dialog, "save")->isEnabled());
    // Nothing changed.
    auto stored =
        call(*m_rig.client, protocol::kGetPatient, protocol::GetPatientRequest{other.id, {}});
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().patient.revision, 1);
    dialog->reject();
}

void TestAppReceptionPatients::aDuplicateIsFlaggedThenOpenedOrRegisteredAnyway()
{
    const QString name = QStringLiteral("Sipho Duplessington");
    const protocol::Patient first =
        m_rig.registerDirectly(patientDetails(name, QDate(1975, 6, 15)));
    QVERIFY(!first.id.isEmpty());

    auto fill = [&](PatientFormDialog* dialog) {
        typeInto(dialog, "full_name", name);
        typeInto(dialog, "date_of_birth", QStringLiteral("1975-06-15"));
        chooseSex(dialog, QStringLiteral("M"));
        QTest::mouseClick(findButton(dialog, "save"), Qt::LeftButton);
    };

    // "Open existing" hands the existing patient to the desk.
    PatientFormDialog* dialog = m_rig.openForm();
    std::optional<protocol::Patient> opened;
    connect(dialog, &PatientFormDialog::openExistingRequested, this,
            [&](const protocol::Patient& patient) { opened = patient; });
    fill(dialog);
    auto* box = dialog->findChild<QGroupBox*>(QStringLiteral("duplicates"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        box->isVisible(), qPrintable(dialog->statusText() + dialog->outcomeText()), kReceptionWait);
    QCOMPARE(dialog->duplicates().size(), 1);
    QCOMPARE(dialog->duplicates().first().id, first.id);
    QVERIFY(findButton(dialog, "registerAnyway")->isEnabled());
    QTest::mouseClick(findButton(dialog, "openExisting"), Qt::LeftButton);
    QVERIFY(opened.has_value());
    QCOMPARE(opened->id, first.id);
    QTRY_VERIFY(!dialog->isVisible());
    QCOMPARE(m_rig.searchByName(name).size(), 1);

    // "Register anyway" registers a second patient of the same name and date of birth.
    dialog = m_rig.openForm();
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& patient) { saved = patient; });
    fill(dialog);
    box = dialog->findChild<QGroupBox*>(QStringLiteral("duplicates"));
    QTRY_VERIFY2_WITH_TIMEOUT(
        box->isVisible(), qPrintable(dialog->statusText() + dialog->outcomeText()), kReceptionWait);
    snapshot(dialog, QStringLiteral("reception-patient-duplicate"));
    OPENOPD_VERIFY_MNEMONICS(dialog);
    QTest::mouseClick(findButton(dialog, "registerAnyway"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QVERIFY(saved->id != first.id);
    QCOMPARE(m_rig.searchByName(name).size(), 2);
}

void TestAppReceptionPatients::editAPatientsPhone()
{
    protocol::PatientDetails d =
        patientDetails(QStringLiteral("Lerato Phoneberg"), QDate(1988, 8, 8));
    d.phone = QStringLiteral("011 555 0001");
    const protocol::Patient patient = m_rig.registerDirectly(d);
    QVERIFY(!patient.id.isEmpty());

    // The card's "Edit details…" asks for the form; the desk opens it.
    m_card->showPatient(patient);
    std::optional<protocol::Patient> toEdit;
    auto connection = connect(m_card, &PatientCard::editRequested, this,
                              [&](const protocol::Patient& p) { toEdit = p; });
    QTest::mouseClick(findButton(m_card, "editPatient"), Qt::LeftButton);
    disconnect(connection);
    QVERIFY(toEdit.has_value());
    QCOMPARE(toEdit->id, patient.id);
    std::optional<protocol::Patient> toOpen;
    connection = connect(m_card, &PatientCard::openVisitRequested, this,
                         [&](const protocol::Patient& p) { toOpen = p; });
    QTest::mouseClick(findButton(m_card, "openVisit"), Qt::LeftButton);
    disconnect(connection);
    QVERIFY(toOpen.has_value());
    QCOMPARE(toOpen->id, patient.id);

    PatientFormDialog* dialog = m_rig.openForm(*toEdit);
    QCOMPARE(qobject_cast<QLineEdit*>(formField(dialog, "phone"))->text(), d.phone);
    OPENOPD_VERIFY_MNEMONICS(dialog);
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    typeInto(dialog, "phone", QStringLiteral("+27 11 555 0002"));
    QTest::keyClick(formField(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()),
                              kReceptionWait);
    QCOMPARE(saved->revision, 2);

    auto stored =
        call(*m_rig.client, protocol::kGetPatient, protocol::GetPatientRequest{patient.id, {}});
    QVERIFY2(stored.ok(), qPrintable(stored.error().toString()));
    QCOMPARE(stored.value().patient.details.phone, QStringLiteral("+27 11 555 0002"));
    QCOMPARE(stored.value().patient.revision, 2);
    QCOMPARE(stored.value().patient.details.fullName, d.fullName);
    QCOMPARE(stored.value().patient.details.dateOfBirth, d.dateOfBirth);
}

void TestAppReceptionPatients::everyControlHasALabelAndAnAccessibleName()
{
    // Each input of the form and the search field is the buddy of a label (Alt+letter
    // reaches it) and has an accessible name; every button has text.
    PatientFormDialog* dialog = m_rig.openForm();
    for (QWidget* root : {static_cast<QWidget*>(dialog), static_cast<QWidget*>(m_rig.desk.get())}) {
        QSet<QWidget*> buddies;
        for (QLabel* label : root->findChildren<QLabel*>())
            if (label->buddy())
                buddies.insert(label->buddy());
        QList<QWidget*> inputs;
        for (QWidget* widget : root->findChildren<QWidget*>()) {
            if (qobject_cast<QComboBox*>(widget->parentWidget()))
                continue; // an editable combo box's own line edit: the combo box is the input
            if (qobject_cast<QLineEdit*>(widget) || qobject_cast<QComboBox*>(widget) ||
                qobject_cast<QPlainTextEdit*>(widget))
                inputs.append(widget);
        }
        // The patient's fields, and the first visit's queue, priority and complaint.
        QVERIFY(inputs.size() >= (root == dialog ? 12 : 1));
        for (QWidget* input : inputs) {
            QVERIFY2(buddies.contains(input), qPrintable(input->objectName()));
            QVERIFY2(!input->accessibleName().isEmpty(), qPrintable(input->objectName()));
        }
        for (QPushButton* push : root->findChildren<QPushButton*>())
            QVERIFY2(!push->text().isEmpty() || !push->accessibleName().isEmpty(),
                     qPrintable(push->objectName()));
    }
    QVERIFY(!m_panel->results()->accessibleName().isEmpty());
    // One control per Alt+letter, with the first visit's section and without it.
    OPENOPD_VERIFY_MNEMONICS(dialog);
    dialog->firstVisitBox()->setChecked(false);
    OPENOPD_VERIFY_MNEMONICS(dialog);
    OPENOPD_VERIFY_MNEMONICS(m_rig.desk.get());
    dialog->reject();
}

QTEST_MAIN(TestAppReceptionPatients)
#include "test_app_reception_patients.moc"
