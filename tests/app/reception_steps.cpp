#include "reception_steps.h"

#include "ui/reception/open_visit_dialog.h"
#include "ui/reception/patient_form_dialog.h"
#include "ui/reception/reception_workspace.h"

#include <QApplication>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <optional>

namespace openopd::testing::reception {

namespace {

// The dialog the desk opens next (dialogOpened), once shortcut keys have been pressed.
template <class Dialog>
Dialog* dialogAfter(app::ReceptionWorkspace* desk, Qt::Key key, QString* why)
{
    QSignalSpy opened(desk, &app::ReceptionWorkspace::dialogOpened);
    // Several apps share this process: the desk's window must be the active one first.
    desk->window()->activateWindow();
    if (!QTest::qWaitForWindowActive(desk->window())) {
        *why = QStringLiteral("the desk's window did not become active");
        return nullptr;
    }
    QTest::keyClick(desk->window(), key, Qt::ControlModifier);
    if (!QTest::qWaitFor([&] { return opened.count() > 0; }, 5000)) {
        *why = QStringLiteral("Ctrl+%1 opened no dialog").arg(QChar(char16_t(key)));
        return nullptr;
    }
    auto* dialog = qobject_cast<Dialog*>(opened.first().first().value<QWidget*>());
    if (!dialog)
        *why = QStringLiteral("Ctrl+%1 opened another dialog").arg(QChar(char16_t(key)));
    return dialog;
}

bool typeField(app::PatientFormDialog* dialog, const QString& key, const QString& text)
{
    auto* edit = dialog->findChild<QLineEdit*>(QStringLiteral("field_") + key);
    if (!edit)
        return false;
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
    return true;
}

} // namespace

namespace {

// Types every field of the form, sets "Open a visit now" and presses Enter; true once the
// service saved the patient (into *saved).
bool fillAndSave(app::PatientFormDialog* dialog, const NewPatient& input, bool withVisit,
                 protocol::Patient* saved, QString* why, int timeoutMs)
{
    std::optional<protocol::Patient> result;
    QObject::connect(dialog, &app::PatientFormDialog::patientSaved, dialog,
                     [&](const protocol::Patient& patient) { result = patient; });
    const std::pair<QString, QString> fields[] = {
        {QStringLiteral("full_name"), input.fullName},
        {QStringLiteral("date_of_birth"), input.dateOfBirth},
        {QStringLiteral("phone"), input.phone},
        {QStringLiteral("allergies"), input.allergies}};
    for (const auto& [key, text] : fields) {
        if (!text.isEmpty() && !typeField(dialog, key, text)) {
            *why = QStringLiteral("the form has no field %1").arg(key);
            return false;
        }
    }
    auto* sex = dialog->findChild<QComboBox*>(QStringLiteral("field_sex"));
    if (!sex) {
        *why = QStringLiteral("the form has no sex field");
        return false;
    }
    sex->setFocus();
    QTest::keyClicks(sex, input.sexLetter);
    QGroupBox* visitBox = dialog->firstVisitBox();
    if (!visitBox) {
        *why = QStringLiteral("the register form has no first-visit section");
        return false;
    }
    if (visitBox->isChecked() != withVisit) {
        visitBox->setFocus(); // its check box, by keyboard
        QTest::keyClick(visitBox, Qt::Key_Space);
        if (visitBox->isChecked() != withVisit) {
            *why = QStringLiteral("Space did not toggle \"Open a visit now\"");
            return false;
        }
    }
    // Enter in a field presses Save (the default button).
    QTest::keyClick(dialog->findChild<QLineEdit*>(QStringLiteral("field_full_name")),
                    Qt::Key_Return);
    if (!QTest::qWaitFor([&] { return result.has_value(); }, timeoutMs)) {
        *why = QStringLiteral("the patient was not saved: ") + dialog->statusText() + u' ' +
               dialog->outcomeText();
        return false;
    }
    *saved = *result;
    return true;
}

// True once the keyboard is in dialog's window; else *why names it.
bool waitForKeyboard(QWidget* dialog, const QString& what, QString* why)
{
    const bool got = QTest::qWaitFor(
        [&] {
            return QApplication::focusWidget() && QApplication::focusWidget()->window() == dialog;
        },
        5000);
    if (!got)
        *why = what + QStringLiteral(" did not get the keyboard");
    return got;
}

// The token a visit dialog shows (its number into *token), then Escape closes the dialog.
bool readToken(app::OpenVisitDialog* dialog, int* token, QString* why, int timeoutMs)
{
    auto* label = dialog->findChild<QLabel*>(QStringLiteral("token"));
    if (!label || !QTest::qWaitFor([&] { return !label->text().isEmpty() && label->isVisible(); },
                                   timeoutMs)) {
        *why = QStringLiteral("no token was shown");
        return false;
    }
    const QRegularExpressionMatch number =
        QRegularExpression(QStringLiteral("(\\d+)")).match(label->text());
    *token = number.hasMatch() ? number.captured(1).toInt() : 0;
    if (!waitForKeyboard(dialog, QStringLiteral("the token page"), why))
        return false;
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    return *token > 0;
}

} // namespace

bool registerPatient(app::ReceptionWorkspace* desk, const NewPatient& input,
                     protocol::Patient* saved, QString* why, int timeoutMs)
{
    auto* dialog = dialogAfter<app::PatientFormDialog>(desk, Qt::Key_N, why);
    return dialog && fillAndSave(dialog, input, false, saved, why, timeoutMs);
}

bool registerWithFirstVisit(app::ReceptionWorkspace* desk, const NewPatient& input,
                            protocol::Patient* saved, int* token, QString* why, int timeoutMs)
{
    auto* form = dialogAfter<app::PatientFormDialog>(desk, Qt::Key_N, why);
    if (!form)
        return false;
    QSignalSpy opened(desk, &app::ReceptionWorkspace::dialogOpened);
    if (!fillAndSave(form, input, true, saved, why, timeoutMs))
        return false;
    if (!QTest::qWaitFor([&] { return opened.count() > 0; }, timeoutMs)) {
        *why = QStringLiteral("no token page followed the registration");
        return false;
    }
    auto* tokenPage = qobject_cast<app::OpenVisitDialog*>(opened.first().first().value<QWidget*>());
    if (!tokenPage) {
        *why = QStringLiteral("the registration was followed by another dialog");
        return false;
    }
    return readToken(tokenPage, token, why, timeoutMs);
}

bool openVisit(app::ReceptionWorkspace* desk, int* token, QString* why, int timeoutMs)
{
    auto* dialog = dialogAfter<app::OpenVisitDialog>(desk, Qt::Key_O, why);
    if (!dialog)
        return false;
    if (!waitForKeyboard(dialog, QStringLiteral("the visit dialog"), why))
        return false;
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    return readToken(dialog, token, why, timeoutMs);
}

} // namespace openopd::testing::reception
