#include "ui/reception/open_visit_dialog.h"

#include "core/command.h"
#include "core/reception/visit_commands.h"
#include "core/reception/waiting_list_model.h"
#include "ui/reception/token_view.h"
#include "ui/reception/visit_fields.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace openopd::app {

OpenVisitDialog::OpenVisitDialog(Session& session, const protocol::Patient& patient,
                                 QWidget* parent)
    : QDialog(parent), m_session(session), m_patient(patient)
{
    setWindowTitle(tr("Open a visit"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    auto* outer = new QVBoxLayout(this);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    // Page 1: the form.
    auto* formPage = new QWidget(m_pages);
    auto* layout = new QVBoxLayout(formPage);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* who = new QLabel(formPage);
    who->setObjectName(QStringLiteral("patient"));
    who->setWordWrap(true);
    who->setText(patient.mrn.isEmpty()
                     ? patient.details.fullName
                     : tr("%1 (MRN %2)").arg(patient.details.fullName, patient.mrn));
    QFont bold = who->font();
    bold.setBold(true);
    who->setFont(bold);
    layout->addWidget(who);

    m_fields = new VisitFields(formPage);
    layout->addWidget(m_fields);

    m_status = new QLabel(formPage);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setAccessibleDescription(tr("Open visit status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    layout->addWidget(m_status);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    m_repeat = new QPushButton(tr("&Try again"), formPage);
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_repeat->hide();
    m_checkAgain = new QPushButton(tr("C&heck again"), formPage);
    m_checkAgain->setObjectName(QStringLiteral("checkAgain"));
    m_checkAgain->hide();
    m_open = new QPushButton(tr("&Open visit"), formPage);
    m_open->setObjectName(QStringLiteral("open"));
    m_open->setDefault(true);
    auto* close = new QPushButton(tr("Close"), formPage);
    close->setObjectName(QStringLiteral("close"));
    close->setAutoDefault(false);
    buttons->addWidget(m_repeat);
    buttons->addWidget(m_checkAgain);
    buttons->addWidget(m_open);
    buttons->addWidget(close);
    layout->addLayout(buttons);
    m_pages->addWidget(formPage);

    // Page 2: the token.
    auto* tokenPage = new QWidget(m_pages);
    auto* tokenLayout = new QVBoxLayout(tokenPage);
    tokenLayout->setContentsMargins(0, 0, 0, 0);
    m_tokenView = new TokenView(tokenPage);
    tokenLayout->addWidget(m_tokenView);
    auto* done = new QPushButton(tr("&Done"), tokenPage);
    done->setObjectName(QStringLiteral("done"));
    auto* doneRow = new QHBoxLayout;
    doneRow->addStretch();
    doneRow->addWidget(done);
    tokenLayout->addLayout(doneRow);
    m_pages->addWidget(tokenPage);

    connect(m_open, &QPushButton::clicked, this, &OpenVisitDialog::openVisit);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(done, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_repeat, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->repeat();
    });
    connect(m_checkAgain, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->checkAgain();
    });
    m_fields->priorityField()->setFocus();
}

OpenVisitDialog::~OpenVisitDialog() = default;

void OpenVisitDialog::setQueues(const QStringList& queues)
{
    m_fields->setQueues(queues);
}

void OpenVisitDialog::setVisit(const protocol::FirstVisit& visit)
{
    m_fields->setVisit(visit);
}

QString OpenVisitDialog::statusText() const
{
    return m_status->text();
}

void OpenVisitDialog::setFormEnabled(bool enabled)
{
    m_fields->setEnabled(enabled);
    m_open->setEnabled(enabled);
}

void OpenVisitDialog::openVisit()
{
    bus::Connection* connection = m_session.connection();
    const protocol::FirstVisit fields = m_fields->visit();
    if (fields.queue.isEmpty()) {
        m_status->setText(tr("Choose a queue."));
        m_status->show();
        m_fields->queueField()->setFocus();
        return;
    }
    if (!connection) {
        m_status->setText(tr("Not signed in."));
        m_status->show();
        return;
    }
    if (m_command) {
        // The last attempt certainly failed (else Open is disabled): a new action, a new id.
        if (m_command->phase() != Command::Phase::Failed)
            return;
        m_command->deleteLater();
    }
    protocol::OpenVisitRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::Reception});
    request.patientId = m_patient.id;
    request.queue = fields.queue;
    request.priority = fields.priority;
    request.complaint = fields.complaint;
    m_command = openVisitCommand(*connection, request, m_patient.details.fullName, this);
    connect(m_command, &Command::phaseChanged, this, &OpenVisitDialog::onPhase);
    connect(m_command, &Command::succeeded, this, [this](const bus::Message& reply) {
        if (std::optional<protocol::Visit> visit = visitFromReply(reply.data))
            return showToken(*visit);
        m_status->setText(tr("The visit was opened, but the answer could not be read. Find it "
                             "in the waiting list."));
    });
    m_command->start();
}

void OpenVisitDialog::onPhase()
{
    Command* command = m_command;
    if (!command)
        return;
    m_repeat->hide();
    m_checkAgain->hide();
    m_status->show();
    switch (command->phase()) {
    case Command::Phase::Idle:
        return;
    case Command::Phase::Sending:
        setFormEnabled(false);
        m_status->setText(tr("Opening the visit…"));
        return;
    case Command::Phase::Checking:
        setFormEnabled(false);
        m_status->setText(
            tr("The answer was lost. Checking whether the visit was opened, before anything "
               "is sent again…"));
        return;
    case Command::Phase::Succeeded:
        return; // succeeded() carries the visit
    case Command::Phase::Failed:
        setFormEnabled(true);
        m_status->setText(
            tr("The visit was not opened: %1").arg(visitErrorText(command->lastError())));
        return;
    case Command::Phase::Checked:
        break;
    }
    const OutcomeCheck& check = command->lastCheck();
    m_status->setText(check.detail);
    switch (check.verdict) {
    case OutcomeCheck::Verdict::Done:
        if (std::optional<protocol::Visit> visit = visitFromReply(check.readBody))
            showToken(*visit);
        return;
    case OutcomeCheck::Verdict::NotDone:
        m_repeat->show();
        m_repeat->setFocus();
        return;
    case OutcomeCheck::Verdict::Unknown:
        m_checkAgain->show();
        m_checkAgain->setFocus();
        return;
    }
}

void OpenVisitDialog::showToken(const protocol::Visit& visit)
{
    m_tokenView->setVisit(visit, m_patient.mrn, m_clinicName);
    m_pages->setCurrentIndex(1);
    setWindowTitle(tr("Token %1 — %2").arg(visit.token).arg(visit.patientName));
    m_tokenView->setFocus();
    Q_EMIT visitOpened(visit);
}

} // namespace openopd::app
