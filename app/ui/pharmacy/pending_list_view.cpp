#include "ui/pharmacy/pending_list_view.h"

#include "core/error_text.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

PendingListView::PendingListView(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = session.connection() ? new PendingPrescriptionsModel(*session.connection(), this)
                                   : new PendingPrescriptionsModel(this);
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    auto* title = new QLabel(tr("&Awaiting dispensing"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title);
    header->addStretch();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("pendingStatus"));
    m_status->setAccessibleDescription(tr("Dispensing list status"));
    header->addWidget(m_status);
    layout->addLayout(header);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("pendingPrescriptions"));
    m_table->setAccessibleName(tr("Prescriptions awaiting dispensing"));
    m_table->setModel(m_model);
    title->setBuddy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    QHeaderView* columns = m_table->horizontalHeader();
    const int unit = fontMetrics().averageCharWidth();
    columns->resizeSection(PendingPrescriptionsModel::PatientColumn, unit * 28);
    columns->resizeSection(PendingPrescriptionsModel::TokenColumn, unit * 8);
    columns->resizeSection(PendingPrescriptionsModel::DoctorColumn, unit * 20);
    columns->resizeSection(PendingPrescriptionsModel::WhenColumn, unit * 16);
    columns->setStretchLastSection(true);
    layout->addWidget(m_table, 1);

    auto* actions = new QHBoxLayout;
    m_dispense = new QPushButton(tr("&Dispense…"), this);
    m_dispense->setObjectName(QStringLiteral("dispense"));
    m_dispense->setAccessibleName(tr("Dispense the selected prescription"));
    m_dispense->setToolTip(tr("Dispense the selected prescription (Enter)"));
    actions->addWidget(m_dispense);
    actions->addStretch();
    layout->addLayout(actions);

    connect(m_dispense, &QPushButton::clicked, this, &PendingListView::requestDispense);
    connect(m_table, &QAbstractItemView::activated, this, &PendingListView::requestDispense);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PendingListView::updateButtons);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, [this] {
            updateStatus();
            updateButtons();
        });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateStatus();
        updateButtons();
    });
    connect(m_model, &PendingPrescriptionsModel::currentChanged, this,
            &PendingListView::updateStatus);
    connect(m_model, &PendingPrescriptionsModel::loadingChanged, this,
            &PendingListView::updateStatus);
    connect(m_model, &PendingPrescriptionsModel::errorOccurred, this,
            &PendingListView::updateStatus);
    connect(&m_session, &Session::connectionStateChanged, this, &PendingListView::updateStatus);
    updateStatus();
    updateButtons();
}

QString PendingListView::statusText() const
{
    return m_status->text();
}

void PendingListView::updateStatus()
{
    const bus::Connection* connection = m_session.connection();
    const bool connected = !connection || connection->state() == bus::Connection::State::Connected;
    QString text;
    if (!connected)
        text = tr("Reconnecting — list may be out of date");
    else if (m_model->isCurrent())
        text = m_model->isTruncated() ? tr("Live — the oldest %n shown; more are waiting", nullptr,
                                           m_model->rowCount())
                                      : tr("Live — %n waiting", nullptr, m_model->rowCount());
    else if (m_model->lastError().isError())
        text =
            tr("Could not load the list (%1); trying again…").arg(userText(m_model->lastError()));
    else
        text = tr("Loading the prescriptions…");
    m_status->setText(text);
}

std::optional<protocol::PendingPrescription> PendingListView::selected() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->prescriptionAt(rows.constFirst().row());
}

bool PendingListView::selectPatient(const QString& patientName)
{
    const int row = m_model->rowOfPatient(patientName);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
    return true;
}

void PendingListView::updateButtons()
{
    m_dispense->setEnabled(selected().has_value());
}

void PendingListView::requestDispense()
{
    if (std::optional<protocol::PendingPrescription> prescription = selected())
        Q_EMIT dispenseRequested(*prescription);
}

} // namespace openopd::app
