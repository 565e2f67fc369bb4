#include "ui/reception/waiting_list_view.h"

#include "core/command.h"
#include "core/reception/visit_commands.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::VisitState;

WaitingListView::WaitingListView(Session& session, QWidget* parent)
    : WaitingListView(session, nullptr, parent)
{}

WaitingListView::WaitingListView(Session& session, WaitingListModel* model, QWidget* parent)
    : QWidget(parent), m_session(session), m_model(model)
{
    if (!m_model)
        m_model = session.connection() ? new WaitingListModel(*session.connection(), this)
                                       : new WaitingListModel(this);
    build();
}

WaitingListView::~WaitingListView() = default;

void WaitingListView::build()
{
    auto* layout = new QVBoxLayout(this);

    auto* header = new QHBoxLayout;
    auto* title = new QLabel(tr("&Waiting list"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title);
    header->addStretch();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setAccessibleDescription(tr("Waiting list status"));
    header->addWidget(m_status);
    layout->addLayout(header);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("waitingList"));
    m_table->setAccessibleName(tr("Waiting list"));
    m_table->setModel(m_model);
    title->setBuddy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false); // Tab leaves the table for the buttons
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights and no resize-to-contents: 10,000 rows cost nothing to lay out.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView* columns = m_table->horizontalHeader();
    columns->setSectionResizeMode(QHeaderView::Interactive);
    columns->setStretchLastSection(false);
    const int unit = fontMetrics().averageCharWidth();
    columns->resizeSection(WaitingListModel::TokenColumn, unit * 8);
    columns->resizeSection(WaitingListModel::PriorityColumn, unit * 13);
    columns->resizeSection(WaitingListModel::QueueColumn, unit * 12);
    columns->resizeSection(WaitingListModel::StateColumn, unit * 18);
    columns->resizeSection(WaitingListModel::WaitingColumn, unit * 10);
    columns->setSectionResizeMode(WaitingListModel::PatientColumn, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto* actions = new QHBoxLayout;
    m_cancel = new QPushButton(tr("&Cancel visit…"), this);
    m_cancel->setObjectName(QStringLiteral("cancelVisit"));
    m_cancel->setAccessibleName(tr("Cancel the selected visit"));
    m_cancel->setToolTip(tr("Cancel the selected visit (Delete)"));
    m_leftUnseen = new QPushButton(tr("&Left unseen…"), this);
    m_leftUnseen->setObjectName(QStringLiteral("leftUnseen"));
    m_leftUnseen->setAccessibleName(tr("Mark the selected visit as left unseen"));
    actions->addWidget(m_cancel);
    actions->addWidget(m_leftUnseen);
    actions->addStretch();
    layout->addLayout(actions);

    // The confirmation, inline: the list stays live and usable behind it.
    m_confirmBar = new QFrame(this);
    m_confirmBar->setObjectName(QStringLiteral("confirmBar"));
    m_confirmBar->setFrameShape(QFrame::StyledPanel);
    auto* bar = new QVBoxLayout(m_confirmBar);
    m_confirmText = new QLabel(m_confirmBar);
    m_confirmText->setObjectName(QStringLiteral("confirmText"));
    m_confirmText->setWordWrap(true);
    bar->addWidget(m_confirmText);
    auto* barRow = new QHBoxLayout;
    auto* reasonLabel = new QLabel(tr("&Reason:"), m_confirmBar);
    m_reason = new QLineEdit(m_confirmBar);
    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setAccessibleName(tr("Reason"));
    m_reason->setMaxLength(1000);
    reasonLabel->setBuddy(m_reason);
    m_confirm = new QPushButton(tr("Con&firm"), m_confirmBar);
    m_confirm->setObjectName(QStringLiteral("confirm"));
    auto* back = new QPushButton(tr("&Back"), m_confirmBar);
    back->setObjectName(QStringLiteral("back"));
    barRow->addWidget(reasonLabel);
    barRow->addWidget(m_reason, 1);
    barRow->addWidget(m_confirm);
    barRow->addWidget(back);
    bar->addLayout(barRow);
    m_confirmBar->hide();
    layout->addWidget(m_confirmBar);

    auto* outcomeRow = new QHBoxLayout;
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("outcome"));
    m_outcome->setAccessibleDescription(tr("Result of the last action"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_repeat = new QPushButton(tr("&Try again"), this);
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_repeat->hide();
    m_checkAgain = new QPushButton(tr("C&heck again"), this);
    m_checkAgain->setObjectName(QStringLiteral("checkAgain"));
    m_checkAgain->hide();
    outcomeRow->addWidget(m_outcome, 1);
    outcomeRow->addWidget(m_repeat);
    outcomeRow->addWidget(m_checkAgain);
    layout->addLayout(outcomeRow);

    m_table->installEventFilter(this); // Delete on a row: cancel it
    auto* escape = new QShortcut(Qt::Key_Escape, m_confirmBar);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &WaitingListView::closeConfirmBar);

    connect(m_cancel, &QPushButton::clicked, this, &WaitingListView::askToCancel);
    connect(m_leftUnseen, &QPushButton::clicked, this, &WaitingListView::askLeftUnseen);
    connect(m_confirm, &QPushButton::clicked, this, &WaitingListView::confirm);
    connect(m_reason, &QLineEdit::returnPressed, this, &WaitingListView::confirm);
    connect(m_reason, &QLineEdit::textChanged, this, &WaitingListView::updateButtons);
    connect(back, &QPushButton::clicked, this, &WaitingListView::closeConfirmBar);
    connect(m_repeat, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->repeat();
    });
    connect(m_checkAgain, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->checkAgain();
    });

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &WaitingListView::updateButtons);
    // A row's state changes (called) or it goes away: the buttons follow.
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& topLeft) {
        if (topLeft.column() != WaitingListModel::WaitingColumn)
            updateButtons();
    });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &WaitingListView::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &WaitingListView::updateButtons);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_model, signal, this, &WaitingListView::updateStatus);
    connect(m_model, &QAbstractItemModel::modelReset, this, &WaitingListView::updateStatus);
    connect(m_model, &WaitingListModel::currentChanged, this, &WaitingListView::updateStatus);
    connect(m_model, &WaitingListModel::loadingChanged, this, &WaitingListView::updateStatus);
    connect(m_model, &WaitingListModel::errorOccurred, this, &WaitingListView::updateStatus);
    connect(&m_session, &Session::connectionStateChanged, this, &WaitingListView::updateStatus);
    updateStatus();
    updateButtons();
}

bool WaitingListView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Delete)) {
        askToCancel();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

QString WaitingListView::statusText() const
{
    return m_status->text();
}

QString WaitingListView::outcomeText() const
{
    return m_outcome->text();
}

void WaitingListView::updateStatus()
{
    const bus::Connection* connection = m_session.connection();
    const bool connected = !connection || connection->state() == bus::Connection::State::Connected;
    QString text;
    if (!connected)
        text = tr("Reconnecting — list may be out of date");
    else if (m_model->isCurrent())
        text = tr("Live — %n waiting", nullptr, m_model->rowCount());
    else if (m_model->lastError().isError())
        text = tr("Could not load the list (%1); trying again…")
                   .arg(visitErrorText(m_model->lastError()));
    else
        text = tr("Loading the waiting list…");
    m_status->setText(text);
}

std::optional<protocol::Visit> WaitingListView::selectedVisit() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    return m_model->visitAt(rows.constFirst().row());
}

bool WaitingListView::selectVisit(const QString& visitId)
{
    const int row = m_model->rowOf(visitId);
    if (row < 0)
        return false;
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
    return true;
}

void WaitingListView::updateButtons()
{
    const std::optional<protocol::Visit> visit = selectedVisit();
    const bool idle = !m_command || m_command->phase() == Command::Phase::Succeeded ||
                      m_command->phase() == Command::Phase::Failed ||
                      (m_command->phase() == Command::Phase::Checked &&
                       m_command->lastCheck().verdict == OutcomeCheck::Verdict::Done);
    m_cancel->setEnabled(idle && visit &&
                         protocol::isTransitionAllowed(visit->state, VisitState::Cancelled));
    m_leftUnseen->setEnabled(idle && visit &&
                             protocol::isTransitionAllowed(visit->state, VisitState::LeftUnseen));
    // Cancelling needs a reason (docs/protocol.md); left unseen may go without one.
    m_confirm->setEnabled(m_action == Action::LeftUnseen || !m_reason->text().trimmed().isEmpty());
}

void WaitingListView::askToCancel()
{
    ask(Action::Cancel);
}

void WaitingListView::askLeftUnseen()
{
    ask(Action::LeftUnseen);
}

void WaitingListView::ask(Action action)
{
    const std::optional<protocol::Visit> visit = selectedVisit();
    QPushButton* button = action == Action::Cancel ? m_cancel : m_leftUnseen;
    if (!visit || !button->isEnabled())
        return;
    m_action = action;
    m_target = *visit;
    const QString who = tr("token %1, %2").arg(visit->token).arg(visit->patientName);
    if (action == Action::Cancel)
        m_confirmText->setText(tr("Cancel the visit of %1? Give a reason.").arg(who));
    else
        m_confirmText->setText(tr("Mark %1 as left unseen? A reason is optional.").arg(who));
    m_reason->clear();
    m_confirmBar->show();
    updateButtons();
    m_reason->setFocus();
}

void WaitingListView::closeConfirmBar()
{
    m_confirmBar->hide();
    m_table->setFocus();
}

void WaitingListView::confirm()
{
    bus::Connection* connection = m_session.connection();
    if (!m_confirm->isEnabled() || !m_confirmBar->isVisible() || !connection)
        return;
    if (m_command)
        m_command->deleteLater();
    const protocol::StaffRef staff =
        m_session.principal().actingAs({protocol::StaffRole::Reception});
    const QString reason = m_reason->text().trimmed();
    if (m_action == Action::Cancel)
        m_command = cancelVisitCommand(*connection, {staff, m_target.id, reason}, m_target, this);
    else
        m_command = leftUnseenCommand(*connection, {staff, m_target.id, reason}, m_target, this);
    connect(m_command, &Command::phaseChanged, this, &WaitingListView::onPhase);
    connect(m_command, &Command::succeeded, this, [this](const bus::Message& reply) {
        if (std::optional<protocol::Visit> visit = visitFromReply(reply.data))
            Q_EMIT visitClosed(*visit);
    });
    closeConfirmBar();
    m_command->start();
}

void WaitingListView::onPhase()
{
    Command* command = m_command;
    if (!command)
        return;
    m_repeat->hide();
    m_checkAgain->hide();
    const QString token = QString::number(m_target.token);
    const bool cancel = m_action == Action::Cancel;
    switch (command->phase()) {
    case Command::Phase::Idle:
        break;
    case Command::Phase::Sending:
        m_outcome->setText(cancel ? tr("Cancelling token %1…").arg(token)
                                  : tr("Marking token %1 as left unseen…").arg(token));
        break;
    case Command::Phase::Succeeded:
        m_outcome->setText(cancel ? tr("Token %1 was cancelled.").arg(token)
                                  : tr("Token %1 was marked left unseen.").arg(token));
        break;
    case Command::Phase::Failed:
        m_outcome->setText(tr("Not done: %1").arg(visitErrorText(command->lastError())));
        if (command->canRepeat())
            m_repeat->show();
        break;
    case Command::Phase::Checking:
        m_outcome->setText(tr("The answer was lost. Checking token %1 before anything is sent "
                              "again…")
                               .arg(token));
        break;
    case Command::Phase::Checked: {
        const OutcomeCheck& check = command->lastCheck();
        m_outcome->setText(check.detail);
        if (check.verdict == OutcomeCheck::Verdict::NotDone)
            m_repeat->show();
        else if (check.verdict == OutcomeCheck::Verdict::Unknown)
            m_checkAgain->show();
        else if (std::optional<protocol::Visit> visit = visitFromReply(check.readBody))
            Q_EMIT visitClosed(*visit);
        break;
    }
    }
    updateButtons();
}

} // namespace openopd::app
