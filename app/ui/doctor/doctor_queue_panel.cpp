#include "ui/doctor/doctor_queue_panel.h"

#include "core/command.h"
#include "core/doctor/consultation_commands.h"
#include "core/doctor/doctor_queue_model.h"
#include "core/error_text.h"
#include "ui/command_outcome_bar.h"
#include "ui/list_focus.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::QueueEntry;

DoctorQueuePanel::DoctorQueuePanel(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    m_model = session.connection() ? new DoctorQueueModel(*session.connection(), this)
                                   : new DoctorQueueModel(this);
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    auto* title = new QLabel(tr("Queue"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title);
    header->addStretch();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("queueStatus"));
    m_status->setAccessibleDescription(tr("Queue status"));
    header->addWidget(m_status);
    layout->addLayout(header);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("doctorQueue"));
    m_table->setAccessibleName(tr("Patients waiting for a doctor"));
    m_table->setModel(m_model);
    title->setBuddy(m_table);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false); // one line per visit; a long name is elided, not wrapped
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(DoctorQueueModel::PatientColumn,
                                                      QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto* buttons = new QHBoxLayout;
    m_callNext = new QPushButton(tr("Call &next"), this);
    m_callNext->setObjectName(QStringLiteral("callNext"));
    m_callNext->setToolTip(tr("Call the first waiting patient (Ctrl+N)"));
    m_callThis = new QPushButton(tr("Call th&is one"), this);
    m_callThis->setObjectName(QStringLiteral("callThis"));
    m_callThis->setToolTip(tr("Call the patient selected in the queue"));
    buttons->addWidget(m_callNext);
    buttons->addWidget(m_callThis);
    buttons->addStretch();
    layout->addLayout(buttons);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("queueMessage"));
    m_message->setAccessibleDescription(tr("What the last call did"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);

    connect(m_callNext, &QPushButton::clicked, this, &DoctorQueuePanel::callNext);
    connect(m_callThis, &QPushButton::clicked, this, &DoctorQueuePanel::callSelected);
    connect(m_table, &QTableView::activated, this, &DoctorQueuePanel::callSelected);
    connect(m_model, &DoctorQueueModel::entriesChanged, this, &DoctorQueuePanel::updateStatus);
    connect(m_model, &DoctorQueueModel::currentChanged, this, &DoctorQueuePanel::updateStatus);
    connect(m_model, &DoctorQueueModel::errorOccurred, this, &DoctorQueuePanel::updateStatus);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DoctorQueuePanel::updateButtons);
    updateStatus();
}

QString DoctorQueuePanel::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

void DoctorQueuePanel::focusQueue()
{
    focusList(m_table);
}

void DoctorQueuePanel::showMessage(const QString& text)
{
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

void DoctorQueuePanel::updateStatus()
{
    if (m_model->lastError().isError() && !m_model->isCurrent())
        m_status->setText(tr("Not up to date: %1").arg(userText(m_model->lastError())));
    else if (!m_model->isCurrent())
        m_status->setText(tr("Loading…"));
    else
        m_status->setText(tr("%n waiting", nullptr, m_model->waitingCount()));
    updateButtons();
}

void DoctorQueuePanel::updateButtons()
{
    const bool busy = m_command && (m_command->phase() == Command::Phase::Sending ||
                                    m_command->phase() == Command::Phase::Checking);
    m_callNext->setEnabled(!busy && m_session.connection());
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const bool waiting =
        !rows.isEmpty() && rows.first().data(DoctorQueueModel::StateRole).toInt() ==
                               int(protocol::VisitState::Registered);
    m_callThis->setEnabled(!busy && waiting && m_session.connection());
}

void DoctorQueuePanel::callNext()
{
    bus::Connection* connection = m_session.connection();
    if (!connection || !m_callNext->isEnabled())
        return;
    protocol::CallNextRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::Doctor});
    const int waitingBefore = m_model->waitingCount();
    followCall(callNextCommand(*connection, request, this), tr("Calling the next patient"), true,
               waitingBefore);
}

void DoctorQueuePanel::callSelected()
{
    bus::Connection* connection = m_session.connection();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (!connection || rows.isEmpty() || !m_callThis->isEnabled())
        return;
    const QueueEntry entry = m_model->entryAt(rows.first().row());
    const protocol::StaffRef me = m_session.principal().actingAs({protocol::StaffRole::Doctor});
    followCall(callVisitCommand(*connection, me, entry.visitId, this),
               tr("Calling %1").arg(entry.patientName), false, m_model->waitingCount());
}

void DoctorQueuePanel::followCall(Command* command, const QString& action, bool next,
                                  int waitingBefore)
{
    if (m_command)
        m_command->deleteLater();
    m_command = command;
    showMessage({});
    m_outcome->follow(command, action);
    connect(command, &Command::phaseChanged, this, &DoctorQueuePanel::updateButtons);
    const auto called = [this, next, waitingBefore](const QByteArray& body) {
        const std::optional<QueueEntry> entry = calledEntryFromReply(body);
        if (!entry) {
            // Nobody was called: the queue was empty, or others took the last ones first.
            showMessage(next && waitingBefore > 0
                            ? tr("Another doctor called the waiting patients first: nobody is "
                                 "waiting now.")
                            : tr("Nobody is waiting."));
            return;
        }
        showMessage(tr("Called token %1: %2.").arg(entry->token).arg(entry->patientName));
        Q_EMIT patientCalled(*entry);
    };
    connect(command, &Command::succeeded, this, [this, called](const bus::Message& reply) {
        m_outcome->clear();
        called(reply.data);
    });
    connect(command, &Command::checked, this, [called](const OutcomeCheck& check) {
        if (check.verdict == OutcomeCheck::Verdict::Done && !check.readBody.isEmpty())
            called(check.readBody);
    });
    connect(command, &Command::failed, this, [this](const bus::BusError& error) {
        if (error.kind == bus::BusError::Kind::ServiceError && error.code == 409) {
            m_outcome->clear();
            showMessage(tr("Another doctor got there first: %1").arg(doctorErrorText(error)));
        }
    });
    command->start();
    updateButtons();
}

} // namespace openopd::app
