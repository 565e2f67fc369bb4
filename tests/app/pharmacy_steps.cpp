#include "pharmacy_steps.h"

#include "core/pharmacy/pending_prescriptions_model.h"
#include "core/pharmacy/stock_model.h"
#include "ui/command_outcome_bar.h"
#include "ui/pharmacy/dispense_dialog.h"
#include "ui/pharmacy/pending_list_view.h"
#include "ui/pharmacy/pharmacy_workspace.h"
#include "ui/pharmacy/stock_change_dialog.h"
#include "ui/pharmacy/stock_view.h"

#include <QApplication>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPointer>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

namespace openopd::testing::pharmacy {

using app::DispenseDialog;
using app::PharmacyWorkspace;
using app::StockChangeDialog;

namespace {

void say(QString* why, const QString& text)
{
    if (why)
        *why = text;
}

// The dialog the workspace opens next, after press() (null when none opened).
template <class Dialog, class Press> Dialog* dialogAfter(PharmacyWorkspace* workspace, Press press)
{
    QSignalSpy opened(workspace, &PharmacyWorkspace::dialogOpened);
    press();
    if (opened.isEmpty())
        return nullptr;
    return qobject_cast<Dialog*>(opened.constFirst().constFirst().value<QWidget*>());
}

void replaceText(QWidget* field, const QString& text)
{
    field->setFocus(Qt::OtherFocusReason);
    QTest::keyClick(field, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(field, Qt::Key_Backspace);
    if (!text.isEmpty())
        QTest::keyClicks(field, text);
}

} // namespace

void show(PharmacyWorkspace* workspace)
{
    for (QWidget* up = workspace->parentWidget(); up; up = up->parentWidget())
        if (auto* tabs = qobject_cast<QTabWidget*>(up)) {
            for (int i = 0; i < tabs->count(); ++i)
                if (tabs->widget(i)->isAncestorOf(workspace) || tabs->widget(i) == workspace)
                    tabs->setCurrentIndex(i);
            break;
        }
    // The workspace's shortcuts need its window active and the keyboard inside it.
    workspace->window()->activateWindow();
    (void)QTest::qWaitForWindowActive(workspace->window(), 5000); // a shortcut then says why
    if (!workspace->isAncestorOf(QApplication::focusWidget()))
        workspace->setFocus(Qt::OtherFocusReason);
}

bool waitForPending(PharmacyWorkspace* workspace, const QString& patientName, QString* why,
                    int timeoutMs)
{
    const app::PendingPrescriptionsModel* model = workspace->pendingList()->model();
    if (QTest::qWaitFor([&] { return model->rowOfPatient(patientName) >= 0; }, timeoutMs))
        return true;
    say(why, QStringLiteral("%1 never appeared in the list (%2)")
                 .arg(patientName, workspace->pendingList()->statusText()));
    return false;
}

DispenseDialog* openDispenseFor(PharmacyWorkspace* workspace, const QString& patientName,
                                QString* why, int timeoutMs)
{
    if (!waitForPending(workspace, patientName, why, timeoutMs))
        return nullptr;
    show(workspace);
    QTableView* table = workspace->pendingList()->table();
    QTest::keyClick(workspace, Qt::Key_W, Qt::ControlModifier);
    if (!table->hasFocus()) {
        say(why, QStringLiteral("Ctrl+W did not give the list the keyboard"));
        return nullptr;
    }
    const app::PendingPrescriptionsModel* model = workspace->pendingList()->model();
    // Down until the patient's row is the current one (the list may change meanwhile).
    for (int steps = 0; steps < model->rowCount() + 2; ++steps) {
        const int target = model->rowOfPatient(patientName);
        const int current = table->currentIndex().row();
        if (target < 0 || current == target)
            break;
        QTest::keyClick(table, current < target ? Qt::Key_Down : Qt::Key_Up);
    }
    const int row = table->currentIndex().row();
    if (row < 0 || row >= model->rowCount() ||
        model->prescriptionAt(row).patientName != patientName) {
        say(why, QStringLiteral("the keyboard did not reach %1's row").arg(patientName));
        return nullptr;
    }
    auto* dialog =
        dialogAfter<DispenseDialog>(workspace, [table] { QTest::keyClick(table, Qt::Key_Return); });
    if (!dialog) {
        say(why, QStringLiteral("Enter on the row opened no dispense dialog"));
        return nullptr;
    }
    QPointer<DispenseDialog> guard = dialog;
    if (!QTest::qWaitFor([&] { return !guard || guard->isReady(); }, timeoutMs) || !guard) {
        say(why, QStringLiteral("the dispense dialog never read the prescription: %1")
                     .arg(guard ? guard->statusText() : QStringLiteral("closed")));
        return nullptr;
    }
    return dialog;
}

void setQuantity(DispenseDialog* dialog, int line, int quantity)
{
    if (QSpinBox* box = dialog->quantityBox(line))
        replaceText(box, QString::number(quantity));
}

bool confirmDispense(DispenseDialog* dialog, QString* why, int timeoutMs)
{
    QPointer<DispenseDialog> guard = dialog;
    QSpinBox* box = dialog->quantityBox(0);
    if (!box) {
        say(why, QStringLiteral("the dialog has no line"));
        return false;
    }
    // Enter in a quantity presses the default button, Dispense.
    box->setFocus(Qt::OtherFocusReason);
    QTest::keyClick(box, Qt::Key_Return);
    if (QTest::qWaitFor([&] { return !guard || !guard->isVisible(); }, timeoutMs))
        return true;
    say(why, QStringLiteral("the dialog stayed open: %1 %2 %3")
                 .arg(guard->statusText(), guard->outcomeBar()->text(), guard->lineError(0)));
    return false;
}

bool dispenseAllFor(PharmacyWorkspace* workspace, const QString& patientName, QString* why,
                    int timeoutMs)
{
    DispenseDialog* dialog = openDispenseFor(workspace, patientName, why, timeoutMs);
    if (!dialog || !confirmDispense(dialog, why, timeoutMs))
        return false;
    const app::PendingPrescriptionsModel* model = workspace->pendingList()->model();
    if (QTest::qWaitFor([&] { return model->rowOfPatient(patientName) < 0; }, timeoutMs))
        return true;
    say(why, QStringLiteral("%1 is still in the list after the dispense").arg(patientName));
    return false;
}

StockChangeDialog* openReceiveStock(PharmacyWorkspace* workspace, QString* why)
{
    show(workspace);
    auto* dialog = dialogAfter<StockChangeDialog>(
        workspace, [workspace] { QTest::keyClick(workspace, Qt::Key_R, Qt::ControlModifier); });
    if (!dialog)
        say(why, QStringLiteral("Ctrl+R opened no receive dialog"));
    return dialog;
}

StockChangeDialog* openAdjustStock(PharmacyWorkspace* workspace, const QString& drugCode,
                                   const QString& batch, QString* why, int timeoutMs)
{
    show(workspace);
    app::StockView* stock = workspace->stockView();
    QTest::keyClick(workspace, Qt::Key_F, Qt::ControlModifier);
    replaceText(stock->searchField(), drugCode);
    const app::StockModel* model = stock->model();
    if (!QTest::qWaitFor(
            [&] { return model->query() == drugCode && model->rowOf(drugCode, batch) >= 0; },
            timeoutMs)) {
        say(why, QStringLiteral("batch %1 of %2 is not in the stock view (%3)")
                     .arg(batch, drugCode, stock->statusText()));
        return nullptr;
    }
    // Tab to the table, then down to the batch.
    QTableView* table = stock->table();
    table->setFocus(Qt::TabFocusReason);
    const int target = model->rowOf(drugCode, batch);
    QTest::keyClick(table, Qt::Key_Home, Qt::ControlModifier); // the first row
    for (int i = 0; i < target; ++i)
        QTest::keyClick(table, Qt::Key_Down);
    if (!stock->selected() || stock->selected()->batch != batch) {
        say(why, QStringLiteral("the keyboard did not select batch %1 (row %2 of %3, current %4)")
                     .arg(batch)
                     .arg(target)
                     .arg(model->rowCount())
                     .arg(table->currentIndex().row()));
        return nullptr;
    }
    auto* dialog = dialogAfter<StockChangeDialog>(
        workspace, [table] { QTest::keyClick(table, Qt::Key_J, Qt::ControlModifier); });
    if (!dialog)
        say(why, QStringLiteral("Ctrl+J opened no adjust dialog"));
    return dialog;
}

bool typeInto(StockChangeDialog* dialog, const QString& key, const QString& text)
{
    QWidget* field = dialog->field(key);
    if (!field)
        return false;
    if (auto* combo = qobject_cast<QComboBox*>(field)) {
        const int index = combo->findText(text);
        if (index < 0)
            return false;
        combo->setFocus(Qt::OtherFocusReason);
        // Keyboard: Home, then Down to the entry.
        QTest::keyClick(combo, Qt::Key_Home);
        for (int i = 0; i < index; ++i)
            QTest::keyClick(combo, Qt::Key_Down);
        return combo->currentIndex() == index;
    }
    replaceText(field, text);
    return true;
}

bool confirmStockChange(StockChangeDialog* dialog, QString* why, int timeoutMs)
{
    QPointer<StockChangeDialog> guard = dialog;
    QWidget* first = dialog->field(dialog->mode() == StockChangeDialog::Mode::Receive
                                       ? QStringLiteral("drug_code")
                                       : QStringLiteral("delta"));
    first->setFocus(Qt::OtherFocusReason);
    QTest::keyClick(first, Qt::Key_Return); // the default button, Save / Receive
    if (QTest::qWaitFor([&] { return !guard || !guard->isVisible(); }, timeoutMs))
        return true;
    say(why, QStringLiteral("the dialog stayed open: %1 %2")
                 .arg(guard->statusText(), guard->outcomeBar()->text()));
    return false;
}

} // namespace openopd::testing::pharmacy
