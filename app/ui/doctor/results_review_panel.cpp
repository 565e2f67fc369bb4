#include "ui/doctor/results_review_panel.h"

#include "bus/connection.h"
#include "core/command.h"
#include "core/doctor/results_review_model.h"
#include "core/error_text.h"
#include "core/session.h"
#include "ui/command_outcome_bar.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

ResultsReviewPanel::ResultsReviewPanel(Session& session, QWidget* parent)
    : ResultsReviewPanel(*session.connection(),
                         session.principal().actingAs({protocol::StaffRole::Doctor}), parent)
{}

ResultsReviewPanel::ResultsReviewPanel(bus::Connection& connection,
                                       const protocol::StaffRef& doctor, QWidget* parent)
    : QWidget(parent), m_connection(&connection), m_doctor(doctor)
{
    setObjectName(QStringLiteral("resultsReviewPanel"));
    m_model = new ResultsReviewModel(connection, doctor, this);

    auto* heading = new QLabel(tr("&Results to review"), this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("resultsReviewTable"));
    m_table->setAccessibleName(tr("Lab results to review"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    // Test, result, flag and time are short and must be read whole; the name takes the rest.
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(ResultsReviewModel::PatientColumn, QHeaderView::Stretch);
    connect(m_model, &ResultsReviewModel::resultsChanged, this, [this] {
        for (int column = ResultsReviewModel::TestColumn; column < ResultsReviewModel::ColumnCount;
             ++column)
            m_table->resizeColumnToContents(column);
    });
    heading->setBuddy(m_table);

    // Enter on the list marks the selected result, as the button does.
    auto* markAction = new QAction(tr("Mark reviewed"), m_table);
    markAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    markAction->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(markAction);
    connect(markAction, &QAction::triggered, this, &ResultsReviewPanel::markSelectedReviewed);

    m_mark = new QPushButton(tr("Mark re&viewed"), this);
    m_mark->setObjectName(QStringLiteral("markReviewedButton"));
    m_mark->setAccessibleDescription(tr("Marks the selected lab result as reviewed"));
    connect(m_mark, &QPushButton::clicked, this, &ResultsReviewPanel::markSelectedReviewed);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("resultsReviewStatus"));
    m_status->setWordWrap(true);
    m_outcome = new CommandOutcomeBar(this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_mark);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_outcome);

    connect(m_model, &ResultsReviewModel::resultsChanged, this, &ResultsReviewPanel::updateState);
    connect(m_model, &ResultsReviewModel::currentChanged, this, &ResultsReviewPanel::updateState);
    connect(m_model, &ResultsReviewModel::errorOccurred, this, &ResultsReviewPanel::updateState);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ResultsReviewPanel::updateState);
    updateState();
}

QString ResultsReviewPanel::statusText() const
{
    return m_status->text();
}

void ResultsReviewPanel::markSelectedReviewed()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_connection ||
        (m_command && m_command->phase() == Command::Phase::Sending))
        return;
    const protocol::ResultToReview& row = m_model->resultAt(rows.first().row());
    const QString orderId = row.orderId;
    if (m_command)
        m_command->deleteLater();
    m_command = ResultsReviewModel::markReviewedCommand(*m_connection, m_doctor, orderId, this);
    m_outcome->follow(m_command,
                      tr("Marking %1 of %2 reviewed").arg(row.result.testName, row.patientName));
    connect(m_command, &Command::succeeded, this, [this, orderId] {
        Q_EMIT reviewed(orderId);
        m_model->refresh(); // the live event removes it too; a refresh is cheap and certain
    });
    connect(m_command, &Command::checked, this, [this, orderId](const OutcomeCheck& check) {
        if (check.verdict == OutcomeCheck::Verdict::Done)
            Q_EMIT reviewed(orderId);
    });
    connect(m_command, &Command::phaseChanged, this, &ResultsReviewPanel::updateState);
    m_command->start();
    updateState();
}

void ResultsReviewPanel::updateState()
{
    const bool sending = m_command && m_command->phase() == Command::Phase::Sending;
    m_mark->setEnabled(!sending && m_table->selectionModel()->hasSelection());
    const int count = m_model->rowCount();
    if (m_model->lastError().isError() && !m_model->isCurrent())
        m_status->setText(
            tr("The results could not be read: %1").arg(userText(m_model->lastError())));
    else if (!m_model->isCurrent())
        m_status->setText(tr("Reading the results…"));
    else if (count == 0)
        m_status->setText(tr("No results to review."));
    else
        m_status->setText(tr("Results to review: %1").arg(count));
}

} // namespace openopd::app
