#include "doctor_steps.h"

#include "core/command.h"
#include "ui/doctor/consultation_form.h"
#include "ui/doctor/doctor_queue_panel.h"
#include "ui/doctor/doctor_workspace.h"
#include "ui/doctor/patient_header.h"
#include "ui/doctor/patient_history_view.h"
#include "ui/doctor/prescription_editor.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

namespace openopd::testing::doctor {

using app::DoctorWorkspace;

namespace {

template <class W> W* child(QWidget* parent, const char* name, QString* why)
{
    W* widget = parent->findChild<W*>(QString::fromLatin1(name));
    if (!widget && why)
        *why = QStringLiteral("no widget named %1").arg(QString::fromLatin1(name));
    return widget;
}

bool fail(QString* why, const QString& text)
{
    if (why)
        *why = text;
    return false;
}

bool click(QWidget* parent, const char* name, QString* why)
{
    auto* button = child<QPushButton>(parent, name, why);
    if (!button)
        return false;
    if (!QTest::qWaitFor([button] { return button->isEnabled(); }, 10000))
        return fail(why, QStringLiteral("%1 stays disabled").arg(QString::fromLatin1(name)));
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

bool type(QWidget* parent, const char* name, const QString& text, QString* why)
{
    auto* edit = child<QLineEdit>(parent, name, why);
    if (!edit)
        return false;
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
    return true;
}

// Types into an editable combo box's line and closes the completion popup it opened.
bool typeInCombo(QWidget* parent, const char* name, const QString& text, QString* why)
{
    auto* combo = child<QComboBox>(parent, name, why);
    if (!combo)
        return false;
    combo->lineEdit()->selectAll();
    QTest::keyClick(combo->lineEdit(), Qt::Key_Backspace);
    QTest::keyClicks(combo->lineEdit(), text);
    if (combo->completer() && combo->completer()->popup()->isVisible())
        combo->completer()->popup()->hide();
    return true;
}

bool setSpin(QWidget* parent, const char* name, int value, QString* why)
{
    auto* spin = child<QSpinBox>(parent, name, why);
    if (!spin)
        return false;
    spin->selectAll();
    QTest::keyClicks(spin, QString::number(value));
    if (spin->value() != value)
        return fail(why, QStringLiteral("%1 shows %2 after typing %3")
                             .arg(QString::fromLatin1(name))
                             .arg(spin->value())
                             .arg(value));
    return true;
}

} // namespace

DoctorWorkspace* workspaceIn(QWidget* window)
{
    return window ? window->findChild<DoctorWorkspace*>() : nullptr;
}

bool callNext(DoctorWorkspace* workspace, QString* why, QString* patientName, int timeoutMs)
{
    if (!workspace)
        return fail(why, QStringLiteral("no doctor workspace"));
    const QString before = workspace->current() ? workspace->current()->visitId : QString();
    if (!click(workspace, "callNext", why))
        return false;
    const bool opened = QTest::qWaitFor(
        [&] { return workspace->current() && workspace->current()->visitId != before; }, timeoutMs);
    if (!opened)
        return fail(why, QStringLiteral("nobody was called: %1")
                             .arg(workspace->queue()->message() +
                                  workspace->queue()
                                      ->findChild<QLabel*>(QStringLiteral("commandOutcomeText"))
                                      ->text()));
    if (patientName)
        *patientName = workspace->current()->patientName;
    return true;
}

bool startConsultation(DoctorWorkspace* workspace, QString* why, int timeoutMs)
{
    if (!click(workspace, "startConsultation", why))
        return false;
    if (!QTest::qWaitFor(
            [&] {
                return workspace->current() &&
                       workspace->current()->state == protocol::VisitState::InConsultation;
            },
            timeoutMs))
        return fail(why, workspace->consultationStateText());
    return true;
}

bool fillConsultation(DoctorWorkspace* workspace, const ConsultationInput& input, QString* why,
                      int timeoutMs)
{
    app::ConsultationForm* form = workspace->form();
    if (!type(form, "temperature", input.temperature, why) ||
        !type(form, "diagnosis", input.diagnosis, why) || !type(form, "icd10", input.icd10, why))
        return false;
    if (!input.notes.isEmpty()) {
        auto* notes = child<QPlainTextEdit>(form, "notes", why);
        if (!notes)
            return false;
        QTest::keyClicks(notes, input.notes);
    }
    if (!input.drug.isEmpty()) {
        // The formulary arrives from the pharmacy service.
        if (!QTest::qWaitFor([form] { return !form->prescriptions()->drugChoices().isEmpty(); },
                             timeoutMs))
            return fail(why, QStringLiteral("the drug picker stays empty"));
        const qsizetype linesBefore = form->prescriptions()->lines().size();
        if (!typeInCombo(form, "drugPicker", input.drug, why) ||
            !type(form, "dose", input.dose, why) ||
            !type(form, "frequency", input.frequency, why) ||
            !setSpin(form, "durationDays", input.days, why) ||
            !setSpin(form, "quantity", input.quantity, why) || !click(form, "addDrug", why))
            return false;
        if (form->prescriptions()->lines().size() != linesBefore + 1)
            return fail(why,
                        QStringLiteral("the drug was not added: %1")
                            .arg(form->findChild<QLabel*>(QStringLiteral("drugError"))->text()));
    }
    if (!input.labTest.isEmpty()) {
        if (!typeInCombo(form, "labTest", input.labTest, why) || !click(form, "addLabTest", why))
            return false;
    }
    auto* disposition = child<QComboBox>(form, "disposition", why);
    if (!disposition)
        return false;
    // As the keyboard does it: the combo has the focus, Home then Down until it shows.
    disposition->setFocus();
    QTest::keyClick(disposition, Qt::Key_Home);
    for (int i = 0;
         i < disposition->count() && disposition->currentData().toInt() != int(input.disposition);
         ++i)
        QTest::keyClick(disposition, Qt::Key_Down);
    if (disposition->currentData().toInt() != int(input.disposition))
        return fail(why, QStringLiteral("the disposition could not be chosen"));
    if (!input.referralTo.isEmpty() && !type(form, "referralTo", input.referralTo, why))
        return false;
    return true;
}

bool saveConsultation(DoctorWorkspace* workspace, QString* why, int timeoutMs)
{
    app::ConsultationForm* form = workspace->form();
    if (!click(form, "saveConsultation", why))
        return false;
    if (!QTest::qWaitFor([form] { return form->isSaved(); }, timeoutMs))
        return fail(why, QStringLiteral("not saved: %1").arg(form->errorText()));
    return true;
}

bool waitForHeader(DoctorWorkspace* workspace, QString* why, int timeoutMs)
{
    if (QTest::qWaitFor([workspace] { return workspace->header()->patient().has_value(); },
                        timeoutMs))
        return true;
    return fail(why, workspace->header()->text());
}

QString headerText(DoctorWorkspace* workspace)
{
    return workspace->header()->text();
}

QStringList historyLines(DoctorWorkspace* workspace)
{
    return workspace->history()->lines();
}

bool waitForHistory(DoctorWorkspace* workspace, const QString& text, QString* why, int timeoutMs)
{
    const auto found = [&] {
        const QStringList lines = workspace->history()->lines();
        return std::any_of(lines.cbegin(), lines.cend(),
                           [&](const QString& line) { return line.contains(text); });
    };
    if (QTest::qWaitFor(found, timeoutMs))
        return true;
    return fail(why, QStringLiteral("\"%1\" not in the history:\n%2")
                         .arg(text, workspace->history()->lines().join(u'\n')));
}

} // namespace openopd::testing::doctor
