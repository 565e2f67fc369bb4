#include "lab_steps.h"

#include "core/lab/lab_orders_model.h"
#include "ui/command_outcome_bar.h"
#include "ui/lab/lab_order_panel.h"
#include "ui/lab/lab_workspace.h"

#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

namespace openopd::testing::lab {

using app::LabOrdersModel;

namespace {

bool fail(QString* why, const QString& text)
{
    if (why)
        *why = text;
    return false;
}

// Moves the list's current row to the order with the keyboard (Ctrl+W, then Down / Up).
bool chooseOrder(app::LabWorkspace* lab, const QString& orderId, QString* why)
{
    QTableView* table = lab->table();
    showWorkspace(lab);
    if (!lab->isVisible())
        return fail(why, QStringLiteral("the lab workspace is not shown"));
    QTest::keyClick(table->window(), Qt::Key_W, Qt::ControlModifier);
    const int target = lab->model()->rowOf(orderId);
    if (target < 0)
        return fail(why, QStringLiteral("order %1 is not listed").arg(orderId));
    for (int guard = 0; guard < 500 && table->currentIndex().row() != target; ++guard)
        QTest::keyClick(table, table->currentIndex().row() < target ? Qt::Key_Down : Qt::Key_Up);
    if (table->currentIndex().row() != target)
        return fail(why, QStringLiteral("could not move to the order's row"));
    if (!lab->panel()->order() || lab->panel()->order()->id != orderId)
        return fail(why, QStringLiteral("the panel does not show the chosen order"));
    return true;
}

template <class W> W* child(QWidget* parent, const char* name)
{
    return parent->findChild<W*>(QString::fromLatin1(name));
}

} // namespace

// Brings the workspace's tab to the front with the keyboard (Ctrl+Tab through the tabs)
// and gives it the keyboard.
void showWorkspace(QWidget* workspace)
{
    QTabWidget* tabs = nullptr;
    for (QWidget* w = workspace->parentWidget(); w && !tabs; w = w->parentWidget())
        tabs = qobject_cast<QTabWidget*>(w);
    for (int guard = 0; tabs && guard < tabs->count() && !workspace->isVisible(); ++guard)
        QTest::keyClick(tabs, Qt::Key_Tab, Qt::ControlModifier);
    workspace->setFocus();
}

bool waitForOrder(app::LabWorkspace* lab, const QString& patientName, const QString& testName,
                  QString* orderId, QString* why, int timeoutMs)
{
    const auto find = [&] {
        LabOrdersModel* model = lab->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            const protocol::LabOrder& order = model->orderAt(row);
            if (order.patientName == patientName && order.test.testName == testName) {
                if (orderId)
                    *orderId = order.id;
                return true;
            }
        }
        return false;
    };
    if (!QTest::qWaitFor(find, timeoutMs))
        return fail(why,
                    QStringLiteral("no pending %1 for %2 appeared").arg(testName, patientName));
    return true;
}

bool collectSample(app::LabWorkspace* lab, const QString& orderId, const QString& sampleId,
                   QString* why, int timeoutMs)
{
    if (!chooseOrder(lab, orderId, why))
        return false;
    QTest::keyClick(lab->table(), Qt::Key_Return); // the order's next step: the sample id
    auto* field = child<QLineEdit>(lab->panel(), "sampleId");
    if (!field || !field->hasFocus())
        return fail(why, QStringLiteral("Enter did not put the keyboard on the sample id"));
    QTest::keyClicks(field, sampleId);
    QTest::keyClick(field, Qt::Key_Return);
    const bool collected = QTest::qWaitFor(
        [&] {
            const auto order = lab->model()->order(orderId);
            return order && order->state == protocol::LabOrderState::Collected;
        },
        timeoutMs);
    if (!collected)
        return fail(why, QStringLiteral("the order was not shown collected: %1")
                             .arg(lab->panel()->fieldError(QStringLiteral("sample_id"))));
    return true;
}

bool enterResult(app::LabWorkspace* lab, const QString& orderId,
                 const protocol::LabResultEntry& entry, QString* why, int timeoutMs)
{
    if (!lab->panel()->order() || lab->panel()->order()->id != orderId) {
        if (!chooseOrder(lab, orderId, why))
            return false;
    }
    app::LabOrderPanel* panel = lab->panel();
    if (!QTest::qWaitFor(
            [&] {
                return panel->order() &&
                       panel->order()->state == protocol::LabOrderState::Collected;
            },
            timeoutMs))
        return fail(why, QStringLiteral("the order's sample is not collected"));
    panel->focusNextStep();
    auto* value = child<QLineEdit>(panel, "resultValue");
    auto* unit = child<QLineEdit>(panel, "resultUnit");
    auto* range = child<QLineEdit>(panel, "referenceRange");
    auto* flag = child<QComboBox>(panel, "resultFlag");
    auto* notes = child<QPlainTextEdit>(panel, "resultNotes");
    if (!value || !unit || !range || !flag || !notes)
        return fail(why, QStringLiteral("the result form is incomplete"));
    for (QLineEdit* edit : {value, unit, range})
        edit->clear();
    QTest::keyClicks(value, entry.value);
    QTest::keyClicks(unit, entry.unit);
    QTest::keyClicks(range, entry.referenceRange);
    flag->setFocus();
    QTest::keyClick(flag, Qt::Key_Home);
    while (flag->currentData().toInt() != int(entry.flag) &&
           flag->currentIndex() < flag->count() - 1)
        QTest::keyClick(flag, Qt::Key_Down);
    notes->setFocus();
    QTest::keyClicks(notes, entry.notes);
    QTest::keyClick(notes, Qt::Key_S, Qt::AltModifier); // "&Save result"
    if (!QTest::qWaitFor([&] { return lab->model()->rowOf(orderId) < 0; }, timeoutMs))
        return fail(
            why, QStringLiteral("the order did not leave the list: %1 %2")
                     .arg(panel->fieldError(QStringLiteral("value")), panel->outcomeBar()->text()));
    return true;
}

} // namespace openopd::testing::lab
