#include "ui/lab/lab_workspace.h"

#include "core/error_text.h"
#include "core/lab/lab_orders_model.h"
#include "ui/lab/lab_order_panel.h"
#include "ui/list_focus.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

LabWorkspace::LabWorkspace(Session& session, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    auto* listSide = new QWidget(split);
    auto* listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    auto* heading = new QLabel(tr("Pending &lab orders (urgent first):"), listSide);
    listLayout->addWidget(heading);
    m_table = new QTableView(listSide);
    m_table->setObjectName(QStringLiteral("labOrders"));
    m_table->setAccessibleName(tr("Pending lab orders"));
    heading->setBuddy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false); // Tab leaves the list for the order's panel
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    listLayout->addWidget(m_table, 1);
    m_listStatus = new QLabel(listSide);
    m_listStatus->setObjectName(QStringLiteral("listStatus"));
    m_listStatus->setAccessibleDescription(tr("Pending lab orders status"));
    m_listStatus->setWordWrap(true);
    listLayout->addWidget(m_listStatus);

    m_panel = new LabOrderPanel(session, split);
    split->addWidget(listSide);
    split->addWidget(m_panel);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400}); // the list's columns fit; the panel keeps its form width

    if (bus::Connection* connection = session.connection())
        m_model = new LabOrdersModel(*connection, this);
    else
        m_model = new LabOrdersModel(this);
    m_table->setModel(m_model);
    for (int column : {LabOrdersModel::PatientColumn, LabOrdersModel::TestColumn,
                       LabOrdersModel::SpecimenColumn, LabOrdersModel::StateColumn})
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &LabWorkspace::onCurrentRowChanged);
    // A live change of the chosen order (collected) reaches its panel; when it left the list
    // (resulted) the panel empties.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &LabWorkspace::onCurrentRowChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &LabWorkspace::onCurrentRowChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &LabWorkspace::onCurrentRowChanged);
    connect(m_model, &LabOrdersModel::errorOccurred, this, [this](const bus::BusError& error) {
        m_listStatus->setText(tr("The list could not be loaded: %1").arg(userText(error)));
    });
    connect(m_model, &LabOrdersModel::currentChanged, this, [this](bool current) {
        if (current)
            m_listStatus->clear();
    });
    connect(m_table, &QAbstractItemView::activated, this, [this] { m_panel->focusNextStep(); });
    connect(m_panel, &LabOrderPanel::resultEntered, this, [this] { focusList(); });

    auto* toList = new QAction(tr("Go to the pending orders"), this);
    toList->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    // The whole window while this workspace's tab is shown (a hidden workspace's shortcuts do
    // not fire): after sign-in or a tab switch the keyboard may be on the tab bar.
    toList->setShortcutContext(Qt::WindowShortcut);
    connect(toList, &QAction::triggered, this, &LabWorkspace::focusList);
    addAction(toList);
    setFocusProxy(m_table);
}

void LabWorkspace::focusList()
{
    app::focusList(m_table);
}

bool LabWorkspace::selectOrder(const QString& orderId)
{
    const int row = m_model->rowOf(orderId);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
    return true;
}

void LabWorkspace::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || current.row() >= m_model->rowCount()) {
        // The chosen order left the list: keep showing it only while its command runs.
        if (m_panel->order() && !m_model->order(m_panel->order()->id))
            m_panel->setOrder(std::nullopt);
        return;
    }
    m_panel->setOrder(m_model->orderAt(current.row()));
}

} // namespace openopd::app
