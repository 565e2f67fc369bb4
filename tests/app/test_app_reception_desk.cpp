// The whole reception desk as main.cpp builds it (the standard workspaces) against the clinic
// as shipped (OpdCluster, secured), signed in through the real sign-in dialog:
// - a receptionist walks it with the keyboard alone: find a patient, open a visit, read the
//   token, see the visit in the waiting list;
// - a visit opened while the registration service is stopped times out, is read (not
//   repeated), and after the service is back exactly one visit exists;
// - a new patient is registered with the first visit in one request (the token page follows)
//   or alone (no visit; Ctrl+O then opens one);
// - a doctor does not see the desk.

#include "app_harness.h"
#include "core/command.h"
#include "flow_support.h"
#include "mnemonics.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "reception_bus.h"
#include "reception_steps.h"
#include "ui/reception/open_visit_dialog.h"
#include "ui/reception/patient_card.h"
#include "ui/reception/patient_form_dialog.h"
#include "ui/reception/patient_search_panel.h"
#include "ui/reception/reception_workspace.h"
#include "ui/reception/token_view.h"
#include "ui/reception/visit_fields.h"
#include "ui/reception/waiting_list_view.h"

#include <QAbstractButton>
#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <csignal>

using namespace openopd;
using namespace openopd::app;
using testing::flow::call;

namespace {
// What a screen reader announces for a widget: Qt's accessible name and description.
QString spoken(QWidget* widget)
{
    QAccessibleInterface* accessible = QAccessible::queryAccessibleInterface(widget);
    if (!accessible)
        return {};
    return accessible->text(QAccessible::Name) + u' ' + accessible->text(QAccessible::Description);
}

QString plain(const QString& richOrPlain)
{
    QTextDocument document;
    document.setHtml(richOrPlain);
    return document.toPlainText();
}

bool modelContains(const QAbstractItemModel& model, QStringView text)
{
    for (int row = 0; row < model.rowCount(); ++row)
        for (int column = 0; column < model.columnCount(); ++column)
            if (model.index(row, column).data().toString().contains(text))
                return true;
    return false;
}
} // namespace

class TestAppReceptionDesk : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aReceptionistWalksTheDeskWithTheKeyboard();
    void aVisitTimedOutByAStoppedServiceIsReadNotRepeated();
    void aNewPatientIsRegisteredWithOrWithoutTheFirstVisit();
    void openExistingCarriesWhatWasTypedForTheVisit();
    void aDoctorDoesNotSeeTheDesk();
    void aScreenReaderHearsEveryControlAndEveryValue();

private:
    std::unique_ptr<testing::AppHarness> makeApp(const QString& user);
    protocol::Patient createPatient(const QString& name);
    QList<protocol::Visit> openVisitsOf(const QString& patientId);

    testing::OpdCluster m_cluster;
    QTemporaryDir m_dir;
    std::unique_ptr<bus::Connection> m_other; // a second reception workstation
    int m_apps = 0;
};

std::unique_ptr<testing::AppHarness> TestAppReceptionDesk::makeApp(const QString& user)
{
    auto app = std::make_unique<testing::AppHarness>(
        QStringList{m_cluster.nats().url()},
        m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_apps)));
    QString why;
    if (!app->signIn(user, testing::OpdCluster::demoPassword(), &why))
        qWarning("sign-in as %s failed: %s", qPrintable(user), qPrintable(why));
    return app;
}

protocol::Patient TestAppReceptionDesk::createPatient(const QString& name)
{
    return testing::registerPatientOnBus(*m_other, name, QDate(1984, 2, 29), protocol::Sex::Male);
}

QList<protocol::Visit> TestAppReceptionDesk::openVisitsOf(const QString& patientId)
{
    auto reply = call(*m_other, protocol::kWaitingList, protocol::WaitingListRequest{});
    if (!reply)
        qFatal("visit.waiting failed: %s", qPrintable(reply.error().toString()));
    QList<protocol::Visit> visits;
    for (const protocol::Visit& visit : reply->visits)
        if (visit.patientId == patientId)
            visits.append(visit);
    return visits;
}

void TestAppReceptionDesk::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_cluster.setSecured(true);
    QVERIFY2(m_cluster.startAll(true), qPrintable(m_cluster.errorString()));
    m_other = m_cluster.signIn(QStringLiteral("reception"), testing::OpdCluster::demoPassword());
    QVERIFY2(m_other, qPrintable(m_cluster.errorString()));
}

void TestAppReceptionDesk::aNewPatientIsRegisteredWithOrWithoutTheFirstVisit()
{
    auto app = makeApp(QStringLiteral("reception"));
    auto* desk = qobject_cast<ReceptionWorkspace*>(app->workspace(QStringLiteral("reception")));
    QVERIFY(desk);
    QString why;

    // With the first visit: one request, and the token page comes up with its token.
    protocol::Patient first;
    int token = 0;
    QVERIFY2(testing::reception::registerWithFirstVisit(
                 desk, {QStringLiteral("Odalys Brightwater-Nkosi"), QStringLiteral("1992-11-05")},
                 &first, &token, &why),
             qPrintable(why));
    const QList<protocol::Visit> visits = openVisitsOf(first.id);
    QCOMPARE(visits.size(), 1);
    QCOMPARE(visits.first().token, token);
    QCOMPARE(visits.first().queue, QStringLiteral("general"));
    QVERIFY(!visits.first().history.isEmpty());
    QCOMPARE(visits.first().history.first().by.id, QStringLiteral("reception"));
    QTRY_VERIFY_WITH_TIMEOUT(
        modelContains(*desk->waitingList()->table()->model(), u"Odalys Brightwater-Nkosi"), 10000);

    // Alone ("Open a visit now" unticked): no visit until Ctrl+O opens one.
    protocol::Patient second;
    QVERIFY2(
        testing::reception::registerPatient(desk,
                                            {QStringLiteral("Teodor Ashcombe-Mbeki"),
                                             QStringLiteral("1958-02-14"), QStringLiteral("M")},
                                            &second, &why),
        qPrintable(why));
    QVERIFY(openVisitsOf(second.id).isEmpty());
    QCOMPARE(desk->patientCard()->patient()->id, second.id); // the card shows them
    QVERIFY2(testing::reception::openVisit(desk, &token, &why), qPrintable(why));
    QCOMPARE(openVisitsOf(second.id).size(), 1);
    QCOMPARE(openVisitsOf(second.id).first().token, token);
}

void TestAppReceptionDesk::openExistingCarriesWhatWasTypedForTheVisit()
{
    // The receptionist starts to register someone who is registered already, with the
    // visit's priority and complaint typed: "Open existing" (Enter on the duplicate) brings
    // up that patient's visit form with them, and Enter opens the visit.
    const QString name = QStringLiteral("Wilhelmina Okoro-Strand");
    const protocol::Patient known = createPatient(name);
    auto app = makeApp(QStringLiteral("reception"));
    auto* desk = qobject_cast<ReceptionWorkspace*>(app->workspace(QStringLiteral("reception")));
    QVERIFY(desk);
    desk->window()->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(desk->window()));
    QSignalSpy dialogs(desk, &ReceptionWorkspace::dialogOpened);
    QTest::keyClick(desk->window(), Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE(dialogs.size(), 1);
    auto* form = qobject_cast<PatientFormDialog*>(dialogs.at(0).at(0).value<QWidget*>());
    QVERIFY(form);
    auto* fullName = form->findChild<QLineEdit*>(QStringLiteral("field_full_name"));
    auto* dateOfBirth = form->findChild<QLineEdit*>(QStringLiteral("field_date_of_birth"));
    auto* sex = form->findChild<QComboBox*>(QStringLiteral("field_sex"));
    QVERIFY(fullName && dateOfBirth && sex);
    QTest::keyClicks(fullName, name);
    QTest::keyClicks(dateOfBirth, QStringLiteral("1984-02-29"));
    sex->setFocus();
    QTest::keyClicks(sex, QStringLiteral("M"));
    VisitFields* visit = form->visitFields();
    QVERIFY(visit && form->firstVisitBox()->isChecked());
    visit->priorityField()->setFocus();
    QTest::keyClick(visit->priorityField(), Qt::Key_Down); // Urgent
    QTest::keyClicks(visit->complaintField(), QStringLiteral("Chest pain since last night"));
    QTest::keyClick(fullName, Qt::Key_Return);
    auto* duplicates = form->findChild<QWidget*>(QStringLiteral("duplicateList"));
    QTRY_VERIFY2_WITH_TIMEOUT(duplicates->isVisible() && duplicates->hasFocus(),
                              qPrintable(form->statusText()), 15000);
    QCOMPARE(form->duplicates().size(), 1);
    QCOMPARE(form->duplicates().first().id, known.id);
    QTest::keyClick(duplicates, Qt::Key_Return); // Open existing

    QTRY_COMPARE(dialogs.size(), 2);
    auto* visitForm = qobject_cast<OpenVisitDialog*>(dialogs.at(1).at(0).value<QWidget*>());
    QVERIFY(visitForm);
    QCOMPARE(visitForm->patient().id, known.id);
    QCOMPARE(desk->patientCard()->patient()->id, known.id);
    auto* complaint = visitForm->findChild<QPlainTextEdit*>(QStringLiteral("complaint"));
    auto* priority = visitForm->findChild<QComboBox*>(QStringLiteral("priority"));
    QVERIFY(complaint && priority);
    QCOMPARE(complaint->toPlainText(), QStringLiteral("Chest pain since last night"));
    QCOMPARE(priority->currentData().toInt(), int(protocol::Priority::Urgent));
    QVERIFY(openVisitsOf(known.id).isEmpty()); // nothing is sent before Enter
    QTRY_VERIFY(QApplication::focusWidget() && QApplication::focusWidget()->window() == visitForm);
    QSignalSpy opened(visitForm, &OpenVisitDialog::visitOpened);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(opened.size(), 1, 15000);
    const QList<protocol::Visit> visits = openVisitsOf(known.id);
    QCOMPARE(visits.size(), 1);
    QCOMPARE(visits.first().complaint, QStringLiteral("Chest pain since last night"));
    QCOMPARE(visits.first().priority, protocol::Priority::Urgent);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
}

void TestAppReceptionDesk::aReceptionistWalksTheDeskWithTheKeyboard()
{
    const protocol::Patient patient = createPatient(QStringLiteral("Bartholomew Quillfeather"));
    auto app = makeApp(QStringLiteral("reception"));
    QVERIFY(app->window()->isVisible());
    auto* desk = qobject_cast<ReceptionWorkspace*>(app->workspace(QStringLiteral("reception")));
    QVERIFY(desk);
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    OPENOPD_VERIFY_MNEMONICS(app->window());
    QSignalSpy dialogs(desk, &ReceptionWorkspace::dialogOpened);

    // Ctrl+F, part of the name, Down into the results, Enter: the card shows the patient.
    QTest::keyClick(app->window(), Qt::Key_F, Qt::ControlModifier);
    auto* search = desk->findChild<QLineEdit*>(QStringLiteral("patientSearch"));
    QVERIFY(search);
    QTRY_VERIFY(search->hasFocus());
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("quillfeath"));
    auto* results = desk->findChild<QTableView*>(QStringLiteral("patientResults"));
    QVERIFY(results);
    QTRY_VERIFY_WITH_TIMEOUT(results->model()->rowCount() >= 1, 10000);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Down);
    QTRY_VERIFY(results->hasFocus());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    auto* name = desk->findChild<QLabel*>(QStringLiteral("patient_name"));
    QVERIFY(name);
    QTRY_VERIFY2(name->text().contains(u"Quillfeather"), qPrintable(name->text()));

    // Ctrl+O opens the visit dialog for them; Enter opens the visit; the token is shown.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_O, Qt::ControlModifier);
    QTRY_COMPARE(dialogs.count(), 1);
    auto* dialog = qobject_cast<OpenVisitDialog*>(dialogs.first().first().value<QWidget*>());
    QVERIFY(dialog);
    QCOMPARE(dialog->patient().id, patient.id);
    QTRY_COMPARE(QApplication::focusWidget()->window(), dialog);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    auto* token = dialog->findChild<QLabel*>(QStringLiteral("token"));
    QVERIFY(token);
    QTRY_VERIFY_WITH_TIMEOUT(!token->text().isEmpty() && token->isVisible(), 15000);
    const QList<protocol::Visit> visits = openVisitsOf(patient.id);
    QCOMPARE(visits.size(), 1);
    QVERIFY2(token->text().contains(QString::number(visits.first().token)),
             qPrintable(token->text()));

    // Escape closes the dialog; the waiting list shows the visit.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    QTRY_VERIFY(!dialog || !dialog->isVisible());
    // The keyboard is back in the search field, ready for the next patient.
    QTRY_VERIFY(search->hasFocus());
    auto* waiting = desk->findChild<QTableView*>(QStringLiteral("waitingList"));
    QVERIFY(waiting);
    QTRY_VERIFY_WITH_TIMEOUT(modelContains(*waiting->model(), u"Quillfeather"), 10000);
    // Ctrl+W: the list has the keyboard and a visit selected, so Cancel works at once.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_W, Qt::ControlModifier);
    QTRY_VERIFY(waiting->hasFocus());
    QVERIFY(waiting->selectionModel()->hasSelection());
    auto* cancel = desk->findChild<QPushButton*>(QStringLiteral("cancelVisit"));
    QVERIFY(cancel && cancel->isEnabled());
}

void TestAppReceptionDesk::aVisitTimedOutByAStoppedServiceIsReadNotRepeated()
{
    const protocol::Patient patient = createPatient(QStringLiteral("Søren Øvergaard-Mbeki"));
    auto app = makeApp(QStringLiteral("reception"));
    auto* desk = qobject_cast<ReceptionWorkspace*>(app->workspace(QStringLiteral("reception")));
    QVERIFY(desk);
    QSignalSpy dialogs(desk, &ReceptionWorkspace::dialogOpened);
    desk->openVisit(patient);
    QTRY_COMPARE(dialogs.count(), 1);
    auto* dialog = qobject_cast<OpenVisitDialog*>(dialogs.first().first().value<QWidget*>());
    QVERIFY(dialog);

    // The service receives the request but cannot answer: the app times out.
    const qint64 pid = m_cluster.processId(QStringLiteral("registration"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGSTOP), 0);
    auto* open = dialog->findChild<QPushButton*>(QStringLiteral("open"));
    QVERIFY(open);
    QTest::mouseClick(open, Qt::LeftButton);
    QTRY_VERIFY(dialog->command());
    Command* command = dialog->command();
    // The answer times out, the read times out too: "not known", nothing repeated.
    QTRY_VERIFY_WITH_TIMEOUT(command->phase() == Command::Phase::Checked, 30000);
    QCOMPARE(command->lastCheck().verdict, OutcomeCheck::Verdict::Unknown);
    QVERIFY(!command->canRepeat());
    QCOMPARE(command->attempts(), 1);
    auto* repeat = dialog->findChild<QPushButton*>(QStringLiteral("repeat"));
    QVERIFY(!repeat || !repeat->isVisible());

    // The service comes back and handles the one request it received.
    QCOMPARE(::kill(static_cast<pid_t>(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(openVisitsOf(patient.id).size(), 1, 15000);
    // Checking again finds the visit: done, with its token; still one send, one visit.
    auto* checkAgain = dialog->findChild<QPushButton*>(QStringLiteral("checkAgain"));
    QVERIFY(checkAgain && checkAgain->isVisible());
    QTest::mouseClick(checkAgain, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(command->lastCheck().verdict, OutcomeCheck::Verdict::Done, 15000);
    QCOMPARE(command->attempts(), 1);
    QTest::qWait(500);
    QCOMPARE(openVisitsOf(patient.id).size(), 1);
}

void TestAppReceptionDesk::aDoctorDoesNotSeeTheDesk()
{
    auto app = makeApp(QStringLiteral("dr.silva"));
    QVERIFY(app->window()->isVisible());
    QVERIFY(!app->window()->workspaceIds().contains(QStringLiteral("reception")));
    QVERIFY(!app->window()->findChild<ReceptionWorkspace*>());
    // A doctor has two workspaces; Ctrl+2 goes to the second whatever has the keyboard.
    const QStringList ids = app->window()->workspaceIds();
    QCOMPARE(ids, (QStringList{QStringLiteral("doctor"), QStringLiteral("discharge")}));
    auto* tabs = app->window()->findChild<QTabWidget*>(QStringLiteral("workspaces"));
    QVERIFY(tabs);
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("doctor"));
    QVERIFY(QTest::qWaitForWindowActive(app->window()));
    QTest::keyClick(app->window(), Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("discharge"));
    QTest::keyClick(app->window(), Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(tabs->currentWidget()->objectName(), QStringLiteral("doctor"));
    auto reception = makeApp(QStringLiteral("reception"));
    QVERIFY(reception->window()->workspaceIds().contains(QStringLiteral("reception")));
}

void TestAppReceptionDesk::aScreenReaderHearsEveryControlAndEveryValue()
{
    auto app = makeApp(QStringLiteral("reception"));
    auto* desk = qobject_cast<ReceptionWorkspace*>(app->workspace(QStringLiteral("reception")));
    QVERIFY(desk);
    // A chosen patient and a status line, so that value labels have something to say.
    auto* search = desk->findChild<QLineEdit*>(QStringLiteral("patientSearch"));
    QVERIFY(search);
    QTest::keyClicks(search, QStringLiteral("ana"));
    auto* results = desk->findChild<QTableView*>(QStringLiteral("patientResults"));
    QTRY_VERIFY_WITH_TIMEOUT(results->model()->rowCount() >= 1, 10000);
    QTest::keyClick(search, Qt::Key_Down);
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    auto* name = desk->findChild<QLabel*>(QStringLiteral("patient_name"));
    QTRY_VERIFY(name && !name->text().isEmpty());

    QStringList problems;
    for (QWidget* widget : app->window()->findChildren<QWidget*>()) {
        if (!widget->isVisible())
            continue;
        const QString what =
            QString::fromLatin1(widget->metaObject()->className()) + u' ' + widget->objectName();
        if (auto* label = qobject_cast<QLabel*>(widget)) {
            // A label is heard by its text: a fixed accessible name must not hide the value.
            const QString text = plain(label->text()).simplified().remove(u'&');
            if (!text.isEmpty() && !spoken(label).simplified().contains(text))
                problems << what + QStringLiteral(": shows \"%1\" but says \"%2\"")
                                       .arg(text, spoken(label).simplified());
        } else if (qobject_cast<QAbstractButton*>(widget) || qobject_cast<QLineEdit*>(widget) ||
                   qobject_cast<QComboBox*>(widget) || qobject_cast<QAbstractItemView*>(widget)) {
            if (widget->focusPolicy() != Qt::NoFocus && spoken(widget).trimmed().isEmpty())
                problems << what + QStringLiteral(": no accessible name");
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

QTEST_MAIN(TestAppReceptionDesk)
#include "test_app_reception_desk.moc"
