#include "reception_steps.h"

#include "ui/reception/open_visit_dialog.h"
#include "ui/reception/patient_form_dialog.h"
#include "ui/reception/reception_workspace.h"

#include <QApplication>
#include <QComboBox>
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

bool registerPatient(app::ReceptionWorkspace* desk, const NewPatient& input,
                     protocol::Patient* saved, QString* why, int timeoutMs)
{
    auto* dialog = dialogAfter<app::PatientFormDialog>(desk, Qt::Key_N, why);
    if (!dialog)
        return false;
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

bool openVisit(app::ReceptionWorkspace* desk, int* token, QString* why, int timeoutMs)
{
    auto* dialog = dialogAfter<app::OpenVisitDialog>(desk, Qt::Key_O, why);
    if (!dialog)
        return false;
    if (!QTest::qWaitFor(
            [&] {
                return QApplication::focusWidget() &&
                       QApplication::focusWidget()->window() == dialog;
            },
            5000)) {
        *why = QStringLiteral("the visit dialog did not get the keyboard");
        return false;
    }
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    auto* label = dialog->findChild<QLabel*>(QStringLiteral("token"));
    if (!label || !QTest::qWaitFor([&] { return !label->text().isEmpty() && label->isVisible(); },
                                   timeoutMs)) {
        *why = QStringLiteral("no token was shown");
        return false;
    }
    const QRegularExpressionMatch number =
        QRegularExpression(QStringLiteral("(\\d+)")).match(label->text());
    *token = number.hasMatch() ? number.captured(1).toInt() : 0;
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
    return *token > 0;
}

} // namespace openopd::testing::reception
