#include "ui/discharge/discharge_workspace.h"

#include "core/discharge/pending_releases_model.h"
#include "core/error_text.h"
#include "ui/discharge/discharge_panel.h"
#include "ui/list_focus.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

DischargeWorkspace::DischargeWorkspace(Session& session, QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);

    auto* listSide = new QWidget(split);
    auto* listLayout = new QVBoxLayout(listSide);
    listLayout->setContentsMargins(0, 0, 0, 0);
    auto* heading = new QLabel(tr("&Visits ready for release (oldest first):"), listSide);
    listLayout->addWidget(heading);
    m_table = new QTableView(listSide);
    m_table->setObjectName(QStringLiteral("pendingReleases"));
    m_table->setAccessibleName(tr("Visits ready for release"));
    heading->setBuddy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    listLayout->addWidget(m_table, 1);
    m_listStatus = new QLabel(listSide);
    m_listStatus->setObjectName(QStringLiteral("listStatus"));
    m_listStatus->setAccessibleDescription(tr("Pending releases status"));
    m_listStatus->setWordWrap(true);
    listLayout->addWidget(m_listStatus);

    m_panel = new DischargePanel(session, split);
    split->addWidget(listSide);
    split->addWidget(m_panel);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({580, 540}); // the list's columns fit; the panel keeps its form width

    if (bus::Connection* connection = session.connection())
        m_model = new PendingReleasesModel(*connection, this);
    else
        m_model = new PendingReleasesModel(this);
    // Before setModel: these run before the selection model moves the current row away
    // from a row that leaves (which is not the user choosing another visit).
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this] { m_removing = true; });
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_removing = true; });
    m_table->setModel(m_model);
    for (int column : {PendingReleasesModel::TokenColumn, PendingReleasesModel::PatientColumn,
                       PendingReleasesModel::QueueColumn, PendingReleasesModel::StateColumn})
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DischargeWorkspace::onCurrentRowChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        m_removing = false;
        onCurrentRowChanged();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_removing = false;
        onCurrentRowChanged();
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            &DischargeWorkspace::onCurrentRowChanged);
    connect(m_model, &PendingReleasesModel::errorOccurred, this, [this](const bus::BusError& e) {
        m_listStatus->setText(tr("The list could not be loaded: %1").arg(userText(e)));
    });
    connect(m_model, &PendingReleasesModel::currentChanged, this, [this](bool current) {
        if (current)
            m_listStatus->clear();
    });
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        // Enter on a row shows that visit, even while a recorded one is still on the panel.
        if (index.isValid() && index.row() < m_model->rowCount() &&
            (!m_panel->release() ||
             m_panel->release()->visitId != m_model->releaseAt(index.row()).visitId))
            m_panel->setRelease(m_model->releaseAt(index.row()));
        m_panel->focusForm();
    });

    auto* toList = new QAction(tr("Go to the visits ready for release"), this);
    toList->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    // The whole window while this workspace's tab is shown (a hidden workspace's shortcuts do
    // not fire): after sign-in or a tab switch the keyboard may be on the tab bar.
    toList->setShortcutContext(Qt::WindowShortcut);
    connect(toList, &QAction::triggered, this, &DischargeWorkspace::focusList);
    addAction(toList);
    setFocusProxy(m_table);
}

void DischargeWorkspace::focusList()
{
    app::focusList(m_table);
}

bool DischargeWorkspace::selectVisit(const QString& visitId)
{
    const int row = m_model->rowOf(visitId);
    if (row < 0)
        return false;
    m_table->setCurrentIndex(m_model->index(row, 0));
    m_table->selectRow(row);
    return true;
}

void DischargeWorkspace::onCurrentRowChanged()
{
    if (m_removing)
        return;
    const auto shown = m_panel->release();
    const bool shownListed = shown && m_model->rowOf(shown->visitId) >= 0;
    // A visit recorded here stays on the panel (its summary is to be printed) until the
    // user picks another; one closed elsewhere leaves the panel with the list.
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    // (The list event may come before the record's answer: keep it while that is awaited.)
    if (shown && !shownListed && m_panel->holdsVisit() &&
        (!current.isValid() || !m_table->hasFocus()))
        return;
    if (!current.isValid() || current.row() >= m_model->rowCount()) {
        if (shown && !shownListed)
            m_panel->setRelease(std::nullopt);
        return;
    }
    m_panel->setRelease(m_model->releaseAt(current.row()));
}

} // namespace openopd::app
