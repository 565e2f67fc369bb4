// The reception desk's patient widgets (search panel, card, register / edit form) against the
// clinic as shipped (OpdCluster, secured, demo data), signed in as the demo `reception` user
// through the real sign-in dialog (AppHarness), driven with the keyboard and mouse like a
// person at the desk. What the service stored is read back with a separate bus client.

#include "app_harness.h"
#include "bus/typed.h"
#include "core/reception/patient_search_model.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "ui/command_outcome_bar.h"
#include "ui/reception/patient_card.h"
#include "ui/reception/patient_form_dialog.h"
#include "ui/reception/patient_form_fields.h"
#include "ui/reception/patient_search_panel.h"

#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <signal.h>

using namespace openopd;
using namespace openopd::app;

namespace {

constexpr int kWait = 20000;

template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
                      const Req& request)
{
    std::optional<bus::Result<Rep>> result;
    QObject context;
    bus::request(connection, endpoint, request, &context,
                 [&](bus::Result<Rep> reply) { result = std::move(reply); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kWait))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("test wait"));
    return *result;
}

protocol::PatientDetails details(const QString& name, QDate born, const QString& nationalId = {})
{
    protocol::PatientDetails d;
    d.fullName = name;
    d.dateOfBirth = born;
    d.sex = protocol::Sex::Female;
    d.nationalId = nationalId;
    return d;
}

QWidget* field(PatientFormDialog* dialog, const char* key)
{
    return dialog->fields()->field(QString::fromLatin1(key));
}

void typeInto(PatientFormDialog* dialog, const char* key, const QString& text)
{
    auto* edit = qobject_cast<QLineEdit*>(field(dialog, key));
    QVERIFY2(edit, key);
    edit->setFocus();
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Delete);
    else
        QTest::keyClicks(edit, text);
}

// Picks the sex with the keyboard: focus the combo box and type the first letter.
void chooseSex(PatientFormDialog* dialog, const QString& letter)
{
    auto* sex = qobject_cast<QComboBox*>(field(dialog, "sex"));
    QVERIFY(sex);
    sex->setFocus();
    QTest::keyClicks(sex, letter);
    QVERIFY(sex->currentIndex() >= 0);
}

// With OPENOPD_SCREENSHOTS=<dir>, saves what the widget shows (docs/screenshots).
void snapshot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("OPENOPD_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(50); // let pending layout requests run, as the event loop would before painting
    widget->grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

QPushButton* button(QWidget* parent, const char* name)
{
    return parent->findChild<QPushButton*>(QString::fromLatin1(name));
}

} // namespace

class TestAppReceptionPatients : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void registerThroughTheFormThenFindByTypingPartOfTheName();
    void theNewestQueryWinsAndAnEmptyQueryClears();
    void clientSideErrorsAreShownNextToTheirFieldAndNothingIsSent();
    void aFieldErrorFromTheServiceIsShownNextToItsField();
    void aDuplicateIsFlaggedThenOpenedOrRegisteredAnyway();
    void editAPatientsPhone();
    void anEditOfAnOldRevisionIsRefusedThenReloaded();
    void everyControlHasALabelAndAnAccessibleName();
    void aLostAnswerIsReadBeforeAnythingIsRepeated();
    void aSaveTheReadFoundNotDoneIsTriedAgainWithTheSameId();

private:
    PatientFormDialog* openForm(const std::optional<protocol::Patient>& patient = {});
    protocol::Patient registerDirectly(const protocol::PatientDetails& details);
    QList<protocol::Patient> searchByName(const QString& name);

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<testing::AppHarness> m_app;
    std::unique_ptr<bus::Connection> m_client; // reception's own session, for reading back
    std::unique_ptr<QWidget> m_desk;
    PatientSearchPanel* m_panel = nullptr;
    PatientCard* m_card = nullptr;
};

void TestAppReceptionPatients::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    m_app = std::make_unique<testing::AppHarness>(QStringList{m_cluster.nats().url()},
                                                  m_dir.filePath(QStringLiteral("app.ini")));
    QString why;
    QVERIFY2(m_app->signIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword(), &why),
             qPrintable(why));
    m_client = m_cluster.signIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QVERIFY2(m_client, qPrintable(m_cluster.errorString()));

    // The panel and the card side by side, as the desk composes them.
    m_desk = std::make_unique<QWidget>();
    m_panel = new PatientSearchPanel(m_app->session, m_desk.get());
    m_card = new PatientCard(m_app->session, m_desk.get());
    auto* layout = new QHBoxLayout(m_desk.get());
    layout->addWidget(m_panel, 2);
    layout->addWidget(m_card, 1);
    connect(m_panel, &PatientSearchPanel::patientChosen, m_card, &PatientCard::showPatient);
    m_desk->resize(1000, 600);
    m_desk->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_desk.get()));
}

void TestAppReceptionPatients::cleanupTestCase()
{
    m_desk.reset();
    m_client.reset();
    m_app.reset();
}

PatientFormDialog*
TestAppReceptionPatients::openForm(const std::optional<protocol::Patient>& patient)
{
    auto* dialog = patient ? new PatientFormDialog(m_app->session, *patient, m_desk.get())
                           : new PatientFormDialog(m_app->session, m_desk.get());
    dialog->open(); // window-modal, never exec(): the event loop keeps running
    // (qWaitForWindowActive also counts the active parent of a dialog as the dialog's.)
    dialog->activateWindow();
    if (!QTest::qWaitFor([dialog] { return QApplication::activeWindow() == dialog; }))
        qWarning("the form did not become the active window");
    return dialog;
}

protocol::Patient TestAppReceptionPatients::registerDirectly(const protocol::PatientDetails& d)
{
    protocol::CreatePatientRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patient = d;
    request.confirmDuplicate = true;
    auto reply = call(*m_client, protocol::kCreatePatient, request);
    if (!reply || !reply.value().patient) {
        qWarning("registering %s failed: %s", qPrintable(d.fullName),
                 qPrintable(reply ? QStringLiteral("not created") : reply.error().toString()));
        return {};
    }
    return *reply.value().patient;
}

QList<protocol::Patient> TestAppReceptionPatients::searchByName(const QString& name)
{
    protocol::SearchPatientsRequest request;
    request.query = name;
    request.by = protocol::PatientSearchField::Name;
    request.limit = 50;
    auto reply = call(*m_client, protocol::kSearchPatients, request);
    if (!reply)
        return {};
    QList<protocol::Patient> exact;
    for (const protocol::Patient& patient : reply.value().patients)
        if (patient.details.fullName == name)
            exact.append(patient);
    return exact;
}

void TestAppReceptionPatients::registerThroughTheFormThenFindByTypingPartOfTheName()
{
    const QString name = QStringLiteral("Nomvula Quenbyford");
    PatientFormDialog* dialog = openForm();
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& patient) { saved = patient; });
    typeInto(dialog, "full_name", name);
    typeInto(dialog, "date_of_birth", QStringLiteral("1990-04-12"));
    chooseSex(dialog, QStringLiteral("F"));
    typeInto(dialog, "phone", QStringLiteral("+27 82 555 0199"));
    typeInto(dialog, "allergies", QStringLiteral("penicillin, latex"));
    // Enter in a field presses Save (the default button).
    QTest::keyClick(field(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QVERIFY(!dialog->command()->requestId().isEmpty());
    QCOMPARE(dialog->command()->attempts(), 1);
    QTRY_VERIFY(!dialog->isVisible());

    // The service has it, as typed.
    auto stored =
        call(*m_client, protocol::kGetPatient, protocol::GetPatientRequest{saved->id, {}});
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
    m_desk->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_desk.get()));
    m_panel->focusSearch();
    QTest::keyClicks(m_panel->searchField(), QStringLiteral("nomvula quenb"));
    PatientSearchModel* model = m_panel->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::Results, kWait);
    QCOMPARE(model->shownQuery(), QStringLiteral("nomvula quenb"));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, PatientSearchModel::NameColumn).data().toString(), name);
    QCOMPARE(model->index(0, PatientSearchModel::SexColumn).data().toString(),
             QStringLiteral("Female"));
    QCOMPARE(model->index(0, PatientSearchModel::MrnColumn).data().toString(), saved->mrn);
    QCOMPARE(model->index(0, PatientSearchModel::PhoneColumn).data().toString(),
             QStringLiteral("+27 82 555 0199"));
    QVERIFY(!model->index(0, PatientSearchModel::AgeColumn).data().toString().isEmpty());
    snapshot(m_desk.get(), QStringLiteral("reception-patient-search"));
    QTest::keyClick(m_panel->searchField(), Qt::Key_Down);
    QVERIFY(m_panel->results()->hasFocus());
    QTest::keyClick(m_panel->results(), Qt::Key_Return);
    QVERIFY(m_card->patient().has_value());
    QCOMPARE(m_card->patient()->id, saved->id);
    QCOMPARE(m_card->detailText(QStringLiteral("name")), name);
    QCOMPARE(m_card->detailText(QStringLiteral("mrn")), saved->mrn);
    QCOMPARE(m_card->detailText(QStringLiteral("phone")), QStringLiteral("+27 82 555 0199"));
    snapshot(m_desk.get(), QStringLiteral("reception-patient-card"));
    // Escape goes back to the field, ready for the next patient.
    QTest::keyClick(m_panel->results(), Qt::Key_Escape);
    QVERIFY(m_panel->searchField()->hasFocus());
}

void TestAppReceptionPatients::theNewestQueryWinsAndAnEmptyQueryClears()
{
    registerDirectly(details(QStringLiteral("Precious Ulwazimbeke"), QDate(1981, 2, 3)));
    PatientSearchModel* model = m_panel->model();
    model->setDebounceInterval(0); // every keystroke is sent: older requests must be dropped
    QLineEdit* search = m_panel->searchField();
    m_panel->focusSearch();
    QTest::keyClicks(search, QStringLiteral("precious ulwaz"));
    search->selectAll();
    QTest::keyClicks(search, QStringLiteral("zzqxjv"));
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::NoMatch, kWait);
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
    QTRY_COMPARE_WITH_TIMEOUT(model->state(), PatientSearchModel::State::Results, kWait);
    QCOMPARE(model->rowCount(), 1);
    search->clear(); // empty: cleared at once, nothing sent
    QCOMPARE(model->state(), PatientSearchModel::State::Idle);
    QCOMPARE(model->rowCount(), 0);
    QVERIFY(m_panel->statusText().isEmpty());
    model->setDebounceInterval(PatientSearchModel::kDefaultDebounceMs);
}

void TestAppReceptionPatients::clientSideErrorsAreShownNextToTheirFieldAndNothingIsSent()
{
    PatientFormDialog* dialog = openForm();
    QSignalSpy sent(m_app->session.connection(), &bus::Connection::requestsInFlightChanged);
    typeInto(dialog, "date_of_birth", QStringLiteral("1990-01-01"));
    chooseSex(dialog, QStringLiteral("M"));
    typeInto(dialog, "phone", QStringLiteral("call me later"));
    QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);

    QVERIFY(!dialog->fieldError(QStringLiteral("full_name")).isEmpty());
    QVERIFY(!dialog->fieldError(QStringLiteral("phone")).isEmpty());
    QVERIFY(dialog->fieldError(QStringLiteral("date_of_birth")).isEmpty());
    // Each message is right under its own field, and the first bad field has the focus.
    for (const char* key : {"full_name", "phone"}) {
        auto* error = dialog->findChild<QLabel*>(QStringLiteral("error_") + QLatin1StringView(key));
        QWidget* input = field(dialog, key);
        QVERIFY(error && error->isVisible());
        const QRect errorRect(error->mapTo(dialog, QPoint(0, 0)), error->size());
        const QRect inputRect(input->mapTo(dialog, QPoint(0, 0)), input->size());
        QVERIFY2(errorRect.top() >= inputRect.bottom() &&
                     errorRect.top() - inputRect.bottom() < 2 * input->height(),
                 key);
        QVERIFY(input->accessibleDescription().contains(error->text()));
    }
    QVERIFY2(field(dialog, "full_name")->hasFocus(),
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
    QTest::keyClick(field(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(saved->details.phone, QStringLiteral("082 555 0100"));
}

void TestAppReceptionPatients::aFieldErrorFromTheServiceIsShownNextToItsField()
{
    // Only the service knows that a national id belongs to someone else: an edit that gives
    // it to another patient is refused with 409, field patient.national_id.
    const protocol::Patient holder = registerDirectly(details(
        QStringLiteral("Ayanda Holderwick"), QDate(1970, 5, 5), QStringLiteral("QX-4711-01")));
    const protocol::Patient other =
        registerDirectly(details(QStringLiteral("Bongani Otherwick"), QDate(1972, 6, 6)));
    QVERIFY(!holder.id.isEmpty() && !other.id.isEmpty());

    PatientFormDialog* dialog = openForm(other);
    typeInto(dialog, "national_id", QStringLiteral("QX-4711-01"));
    QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(!dialog->fieldError(QStringLiteral("national_id")).isEmpty(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(dialog->command()->lastError().code, 409);
    QCOMPARE(dialog->command()->lastError().field, QStringLiteral("patient.national_id"));
    // The service's own message (it names the holder's MRN), under the national id field.
    QVERIFY2(dialog->fieldError(QStringLiteral("national_id")).contains(holder.mrn),
             qPrintable(dialog->fieldError(QStringLiteral("national_id"))));
    QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("error_national_id"))->isVisible());
    QVERIFY(field(dialog, "national_id")->hasFocus());
    QVERIFY(dialog->isVisible());
    QVERIFY(button(dialog, "save")->isEnabled());
    // Nothing changed.
    auto stored = call(*m_client, protocol::kGetPatient, protocol::GetPatientRequest{other.id, {}});
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().patient.revision, 1);
    dialog->reject();
}

void TestAppReceptionPatients::aDuplicateIsFlaggedThenOpenedOrRegisteredAnyway()
{
    const QString name = QStringLiteral("Sipho Duplessington");
    const protocol::Patient first = registerDirectly(details(name, QDate(1975, 6, 15)));
    QVERIFY(!first.id.isEmpty());

    auto fill = [&](PatientFormDialog* dialog) {
        typeInto(dialog, "full_name", name);
        typeInto(dialog, "date_of_birth", QStringLiteral("1975-06-15"));
        chooseSex(dialog, QStringLiteral("M"));
        QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);
    };

    // "Open existing" hands the existing patient to the desk.
    PatientFormDialog* dialog = openForm();
    std::optional<protocol::Patient> opened;
    connect(dialog, &PatientFormDialog::openExistingRequested, this,
            [&](const protocol::Patient& patient) { opened = patient; });
    fill(dialog);
    auto* box = dialog->findChild<QGroupBox*>(QStringLiteral("duplicates"));
    QTRY_VERIFY2_WITH_TIMEOUT(box->isVisible(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(dialog->duplicates().size(), 1);
    QCOMPARE(dialog->duplicates().first().id, first.id);
    QVERIFY(button(dialog, "registerAnyway")->isEnabled());
    QTest::mouseClick(button(dialog, "openExisting"), Qt::LeftButton);
    QVERIFY(opened.has_value());
    QCOMPARE(opened->id, first.id);
    QTRY_VERIFY(!dialog->isVisible());
    QCOMPARE(searchByName(name).size(), 1);

    // "Register anyway" registers a second patient of the same name and date of birth.
    dialog = openForm();
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& patient) { saved = patient; });
    fill(dialog);
    box = dialog->findChild<QGroupBox*>(QStringLiteral("duplicates"));
    QTRY_VERIFY2_WITH_TIMEOUT(box->isVisible(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    snapshot(dialog, QStringLiteral("reception-patient-duplicate"));
    QTest::mouseClick(button(dialog, "registerAnyway"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QVERIFY(saved->id != first.id);
    QCOMPARE(searchByName(name).size(), 2);
}

void TestAppReceptionPatients::editAPatientsPhone()
{
    protocol::PatientDetails d = details(QStringLiteral("Lerato Phoneberg"), QDate(1988, 8, 8));
    d.phone = QStringLiteral("011 555 0001");
    const protocol::Patient patient = registerDirectly(d);
    QVERIFY(!patient.id.isEmpty());

    // The card's "Edit details…" asks for the form; the desk opens it.
    m_card->showPatient(patient);
    std::optional<protocol::Patient> toEdit;
    auto connection = connect(m_card, &PatientCard::editRequested, this,
                              [&](const protocol::Patient& p) { toEdit = p; });
    QTest::mouseClick(button(m_card, "editPatient"), Qt::LeftButton);
    disconnect(connection);
    QVERIFY(toEdit.has_value());
    QCOMPARE(toEdit->id, patient.id);
    std::optional<protocol::Patient> toOpen;
    connection = connect(m_card, &PatientCard::openVisitRequested, this,
                         [&](const protocol::Patient& p) { toOpen = p; });
    QTest::mouseClick(button(m_card, "openVisit"), Qt::LeftButton);
    disconnect(connection);
    QVERIFY(toOpen.has_value());
    QCOMPARE(toOpen->id, patient.id);

    PatientFormDialog* dialog = openForm(*toEdit);
    QCOMPARE(qobject_cast<QLineEdit*>(field(dialog, "phone"))->text(), d.phone);
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    typeInto(dialog, "phone", QStringLiteral("+27 11 555 0002"));
    QTest::keyClick(field(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(saved->revision, 2);

    auto stored =
        call(*m_client, protocol::kGetPatient, protocol::GetPatientRequest{patient.id, {}});
    QVERIFY2(stored.ok(), qPrintable(stored.error().toString()));
    QCOMPARE(stored.value().patient.details.phone, QStringLiteral("+27 11 555 0002"));
    QCOMPARE(stored.value().patient.revision, 2);
    QCOMPARE(stored.value().patient.details.fullName, d.fullName);
    QCOMPARE(stored.value().patient.details.dateOfBirth, d.dateOfBirth);
}

void TestAppReceptionPatients::anEditOfAnOldRevisionIsRefusedThenReloaded()
{
    const protocol::Patient patient =
        registerDirectly(details(QStringLiteral("Mpho Revisionsky"), QDate(1966, 3, 3)));
    QVERIFY(!patient.id.isEmpty());
    PatientFormDialog* dialog = openForm(patient);

    // Meanwhile another desk changes the address (revision 2).
    protocol::UpdatePatientRequest other;
    other.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                   protocol::StaffRole::Reception};
    other.patientId = patient.id;
    other.revision = 1;
    other.patient = patient.details;
    other.patient.address = QStringLiteral("7 Other Desk Road");
    QVERIFY(call(*m_client, protocol::kUpdatePatient, other).ok());

    // This edit is based on revision 1: refused, nothing overwritten, Reload offered.
    typeInto(dialog, "phone", QStringLiteral("012 555 0303"));
    QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(button(dialog, "reload")->isVisible(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(dialog->command()->lastError().code, 409);
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QTest::mouseClick(button(dialog, "reload"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(qobject_cast<QLineEdit*>(field(dialog, "address"))->text(),
                              QStringLiteral("7 Other Desk Road"), kWait);
    QVERIFY(!button(dialog, "reload")->isVisible());

    // Edited again on the current revision, it is saved and keeps the other desk's change.
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    typeInto(dialog, "phone", QStringLiteral("012 555 0303"));
    QTest::keyClick(field(dialog, "phone"), Qt::Key_Return);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(saved->revision, 3);
    QCOMPARE(saved->details.address, QStringLiteral("7 Other Desk Road"));
    QCOMPARE(saved->details.phone, QStringLiteral("012 555 0303"));
}

void TestAppReceptionPatients::everyControlHasALabelAndAnAccessibleName()
{
    // Each input of the form and the search field is the buddy of a label (Alt+letter
    // reaches it) and has an accessible name; every button has text.
    PatientFormDialog* dialog = openForm();
    for (QWidget* root : {static_cast<QWidget*>(dialog), static_cast<QWidget*>(m_desk.get())}) {
        QSet<QWidget*> buddies;
        for (QLabel* label : root->findChildren<QLabel*>())
            if (label->buddy())
                buddies.insert(label->buddy());
        QList<QWidget*> inputs;
        for (QWidget* widget : root->findChildren<QWidget*>())
            if (qobject_cast<QLineEdit*>(widget) || qobject_cast<QComboBox*>(widget) ||
                qobject_cast<QPlainTextEdit*>(widget))
                inputs.append(widget);
        QVERIFY(inputs.size() >= (root == dialog ? 9 : 1));
        for (QWidget* input : inputs) {
            QVERIFY2(buddies.contains(input), qPrintable(input->objectName()));
            QVERIFY2(!input->accessibleName().isEmpty(), qPrintable(input->objectName()));
        }
        for (QPushButton* push : root->findChildren<QPushButton*>())
            QVERIFY2(!push->text().isEmpty() || !push->accessibleName().isEmpty(),
                     qPrintable(push->objectName()));
    }
    QVERIFY(!m_panel->results()->accessibleName().isEmpty());
    dialog->reject();
}

void TestAppReceptionPatients::aLostAnswerIsReadBeforeAnythingIsRepeated()
{
    // The registration service is frozen (SIGSTOP): the create is delivered but not answered
    // (a timeout: the outcome is unknown), and the read of the outcome times out too.
    const qint64 pid = m_cluster.processId(QStringLiteral("registration"));
    QVERIFY(pid > 0);
    const QString name = QStringLiteral("Lindiwe Frozenbach");
    PatientFormDialog* dialog = openForm();
    std::optional<protocol::Patient> saved;
    connect(dialog, &PatientFormDialog::patientSaved, this,
            [&](const protocol::Patient& p) { saved = p; });
    typeInto(dialog, "full_name", name);
    typeInto(dialog, "age", QStringLiteral("34"));
    chooseSex(dialog, QStringLiteral("F"));
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    auto thaw = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });
    QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);
    QVERIFY(!button(dialog, "save")->isEnabled());
    QVERIFY2(dialog->outcomeText().startsWith(QStringLiteral("Registering ") + name),
             qPrintable(dialog->outcomeText()));
    QTest::keyClick(dialog, Qt::Key_Escape); // no closing while the answer is awaited
    QVERIFY(dialog->isVisible());

    QTRY_VERIFY_WITH_TIMEOUT(dialog->outcomeBar()->checkButton()->isVisible(), 30000);
    QCOMPARE(dialog->command()->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!button(dialog, "save")->isEnabled()); // nothing new while it may have happened
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QVERIFY2(dialog->outcomeText().contains(u"not known"), qPrintable(dialog->outcomeText()));
    snapshot(dialog, QStringLiteral("reception-patient-outcome-unknown"));
    QCOMPARE(dialog->command()->attempts(), 1);

    // The service wakes up and does the create it was sent; checking again finds it.
    thaw.dismiss();
    QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(searchByName(name).size(), 1, kWait);
    QTest::mouseClick(dialog->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(),
                              qPrintable(dialog->statusText() + dialog->outcomeText()), kWait);
    QCOMPARE(saved->details.fullName, name);
    QVERIFY(saved->details.dateOfBirthEstimated);
    QCOMPARE(dialog->command()->attempts(), 1); // never sent twice
    QCOMPARE(searchByName(name).size(), 1);
}

void TestAppReceptionPatients::aSaveTheReadFoundNotDoneIsTriedAgainWithTheSameId()
{
    // The registration service is down (killed). Across the clinic's accounts a request to a
    // stopped service is not refused, it goes unanswered: the outcome is unknown, and the
    // read cannot tell either. Only once a read (after the restart) finds the patient not
    // registered is Try again offered, and it sends the same request id.
    const QString name = QStringLiteral("Kagiso Retrymore");
    PatientFormDialog* dialog = openForm();
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
    m_cluster.kill(QStringLiteral("registration"));
    auto restart = qScopeGuard([this] { m_cluster.restart(QStringLiteral("registration")); });
    QTest::mouseClick(button(dialog, "save"), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(dialog->outcomeBar()->checkButton()->isVisible(),
                              qPrintable(dialog->outcomeText()), 30000);
    QVERIFY(!dialog->outcomeBar()->repeatButton()->isVisible());
    QVERIFY(!button(dialog, "save")->isEnabled());
    const QByteArray requestId = dialog->command()->requestId();
    QVERIFY(!requestId.isEmpty());

    restart.dismiss();
    QVERIFY2(m_cluster.restart(QStringLiteral("registration")),
             qPrintable(m_cluster.errorString()));
    QTest::mouseClick(dialog->outcomeBar()->checkButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(dialog->outcomeBar()->repeatButton()->isVisible(),
                              qPrintable(dialog->outcomeText()), kWait);
    QCOMPARE(dialog->command()->lastCheck().verdict, OutcomeCheck::Verdict::NotDone);
    QVERIFY2(dialog->outcomeText().contains(u"was not registered"),
             qPrintable(dialog->outcomeText()));
    QCOMPARE(dialog->command()->attempts(), 1); // nothing was repeated by itself
    QCOMPARE(searchByName(name).size(), 0);

    QTest::mouseClick(dialog->outcomeBar()->repeatButton(), Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(saved.has_value(), qPrintable(dialog->outcomeText()), kWait);
    QCOMPARE(attemptsWhenSaved, 2);
    QCOMPARE(idWhenSaved, requestId);
    QCOMPARE(searchByName(name).size(), 1);
}

QTEST_MAIN(TestAppReceptionPatients)
#include "test_app_reception_patients.moc"
