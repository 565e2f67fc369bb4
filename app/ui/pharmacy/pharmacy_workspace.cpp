#include "ui/pharmacy/pharmacy_workspace.h"

#include "ui/list_focus.h"
#include "ui/pharmacy/dispense_dialog.h"
#include "ui/pharmacy/pending_list_view.h"
#include "ui/pharmacy/stock_change_dialog.h"
#include "ui/pharmacy/stock_view.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

PharmacyWorkspace::PharmacyWorkspace(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("pharmacyWorkspace"));
    auto* layout = new QVBoxLayout(this);
    m_pending = new PendingListView(session, this);
    m_stock = new StockView(session, this);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_pending);
    split->addWidget(m_stock);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(m_pending, &PendingListView::dispenseRequested, this, &PharmacyWorkspace::dispense);
    connect(m_stock, &StockView::receiveRequested, this, &PharmacyWorkspace::receiveStock);
    connect(m_stock, &StockView::adjustRequested, this, &PharmacyWorkspace::adjustStock);
    addShortcuts();
    setFocusProxy(m_pending->table());
}

void PharmacyWorkspace::addShortcuts()
{
    const auto add = [this](const QKeySequence& keys, const QString& text, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        // The whole window while this workspace's tab is shown (a hidden workspace's
        // shortcuts do not fire): after sign-in the keyboard may be on the tab bar.
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add(QKeySequence(Qt::CTRL | Qt::Key_W), tr("Go to the prescriptions awaiting dispensing"),
        [this] {
            // The first row is selected at once, so Enter dispenses without an arrow key.
            focusList(m_pending->table(), Qt::ShortcutFocusReason);
        });
    add(QKeySequence::Find, tr("Search the stock"), [this] { m_stock->focusSearch(); });
    add(QKeySequence(Qt::CTRL | Qt::Key_R), tr("Receive stock"),
        [this] { receiveStock(m_stock->selected()); });
    add(QKeySequence(Qt::CTRL | Qt::Key_J), tr("Adjust the selected batch"), [this] {
        if (std::optional<protocol::StockItem> item = m_stock->selected())
            adjustStock(*item);
    });
}

void PharmacyWorkspace::openDialog(QDialog* dialog, QWidget* returnTo)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<QWidget> back = returnTo;
    connect(dialog, &QDialog::finished, this, [this, back] {
        // Not left to the window manager: without one the keyboard would stay nowhere.
        window()->activateWindow();
        if (back)
            back->setFocus(Qt::OtherFocusReason);
    });
    dialog->open();
    dialog->activateWindow(); // the keyboard goes to the dialog at once
    Q_EMIT dialogOpened(dialog);
}

void PharmacyWorkspace::dispense(const protocol::PendingPrescription& prescription)
{
    openDialog(new DispenseDialog(m_session, prescription, this), m_pending->table());
}

void PharmacyWorkspace::receiveStock(const std::optional<protocol::StockItem>& item)
{
    auto* dialog = new StockChangeDialog(m_session, StockChangeDialog::Mode::Receive, item,
                                         m_stock->model()->items(), this);
    connect(dialog, &StockChangeDialog::stockChanged, this, [this](const protocol::StockItem& i) {
        // The stock event makes the list fetch again; the new batch is selected then.
        m_stock->selectAfterNextLoad(i.drugCode, i.batch);
    });
    openDialog(dialog, m_stock->table());
}

void PharmacyWorkspace::adjustStock(const protocol::StockItem& item)
{
    auto* dialog = new StockChangeDialog(m_session, StockChangeDialog::Mode::Adjust, item,
                                         m_stock->model()->items(), this);
    openDialog(dialog, m_stock->table());
}

} // namespace openopd::app
