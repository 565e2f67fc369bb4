#include "ui/doctor/doctor_workspace.h"

#include "core/command.h"
#include "core/doctor/consultation_commands.h"
#include "core/doctor/consultation_draft.h"
#include "core/doctor/doctor_queue_model.h"
#include "ui/doctor/consultation_form.h"
#include "ui/doctor/doctor_queue_panel.h"
#include "ui/doctor/patient_header.h"
#include "ui/doctor/patient_history_view.h"
#include "ui/doctor/results_review_panel.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::VisitState;

DoctorWorkspace::DoctorWorkspace(Session& session, QWidget* parent, const QString& draftDirectory)
    : QWidget(parent), m_session(session)
{
    m_drafts = new DraftStore(session.principal().staffId, draftDirectory, this);
    auto* layout = new QHBoxLayout(this);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    // Left: the queue, and below it the lab results that came back to this doctor.
    auto* lists = new QSplitter(Qt::Vertical, split);
    lists->setChildrenCollapsible(false);
    m_queue = new DoctorQueuePanel(session, lists);
    lists->addWidget(m_queue);
    m_results = new ResultsReviewPanel(session, lists);
    lists->addWidget(m_results);
    lists->setStretchFactor(0, 3);
    lists->setStretchFactor(1, 2);
    split->addWidget(lists);

    auto* patientSide = new QWidget(split);
    auto* patientLayout = new QVBoxLayout(patientSide);
    patientLayout->setContentsMargins(0, 0, 0, 0);
    m_header = new PatientHeader(session, patientSide);
    patientLayout->addWidget(m_header);
    auto* startRow = new QHBoxLayout;
    m_start = new QPushButton(tr("S&tart consultation"), patientSide);
    m_start->setObjectName(QStringLiteral("startConsultation"));
    m_start->setToolTip(tr("The patient is in the room (Ctrl+T)"));
    startRow->addWidget(m_start);
    m_state = new QLabel(patientSide);
    m_state->setObjectName(QStringLiteral("consultationState"));
    m_state->setAccessibleDescription(tr("Consultation state"));
    m_state->setWordWrap(true);
    startRow->addWidget(m_state, 1);
    patientLayout->addLayout(startRow);

    auto* work = new QSplitter(Qt::Horizontal, patientSide);
    work->setChildrenCollapsible(false);
    auto* scroll = new QScrollArea(work);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_form = new ConsultationForm(session, *m_drafts, scroll);
    scroll->setWidget(m_form);
    work->addWidget(scroll);
    m_history = new PatientHistoryView(session, work);
    work->addWidget(m_history);
    work->setStretchFactor(0, 3);
    work->setStretchFactor(1, 2);
    work->setSizes({540, 260}); // the history readable beside the form
    patientLayout->addWidget(work, 1);
    split->addWidget(patientSide);
    // The queue wide enough for its columns (priority, state, waiting) and both buttons.
    m_queue->setMinimumWidth(340);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({390, 810});
    layout->addWidget(split);

    connect(m_queue, &DoctorQueuePanel::patientCalled, this, &DoctorWorkspace::openEntry);
    connect(m_header, &PatientHeader::patientLoaded, m_form, &ConsultationForm::setPatient);
    connect(m_start, &QPushButton::clicked, this, &DoctorWorkspace::startConsultation);
    connect(m_form, &ConsultationForm::consultationSaved, this,
            [this](const protocol::Consultation& consultation) {
                m_history->reload(); // the new consultation heads the history
                if (m_current)
                    m_current->state = VisitState::Consulted;
                updateStartButton();
                Q_EMIT consultationSaved(consultation);
            });
    connect(m_queue->model(), &DoctorQueueModel::entriesChanged, this,
            &DoctorWorkspace::resumeMine);
    // The snapshot's rows may arrive before the list calls itself current: both are watched.
    connect(m_queue->model(), &DoctorQueueModel::currentChanged, this,
            &DoctorWorkspace::resumeMine);
    addShortcuts();
    updateStartButton();
    setFocusProxy(m_queue->table());
}

DoctorWorkspace::~DoctorWorkspace()
{
    // Typing not yet written goes to the store now; the store (the first child, deleted
    // first) then waits for its writes. The form must not reach the store after that.
    m_form->flushDraft();
    disconnect(m_drafts, nullptr, m_form, nullptr);
}

void DoctorWorkspace::addShortcuts()
{
    const auto add = [this](const QKeySequence& keys, const QString& text, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add(QKeySequence(Qt::CTRL | Qt::Key_N), tr("Call the next patient"),
        [this] { m_queue->callNext(); });
    // Ctrl+W as in every workspace's list (Ctrl+L is the window's Sign out).
    add(QKeySequence(Qt::CTRL | Qt::Key_W), tr("Go to the queue"),
        [this] { m_queue->focusQueue(); });
    add(QKeySequence(Qt::CTRL | Qt::Key_T), tr("Start the consultation"),
        [this] { startConsultation(); });
    add(QKeySequence::Save, tr("Save the consultation"), [this] { m_form->save(); });
    add(QKeySequence::Print, tr("Print the prescription"), [this] { m_form->printPrescription(); });
    add(QKeySequence(Qt::CTRL | Qt::Key_H), tr("Go to the history"),
        [this] { m_history->tree()->setFocus(); });
}

void DoctorWorkspace::resumeMine()
{
    // Once, after the first snapshot: a patient this doctor called before the app was closed
    // (and whose consultation is not saved) is opened again, with its draft.
    if (m_resumeChecked || !m_queue->model()->isCurrent())
        return;
    m_resumeChecked = true;
    if (m_current)
        return;
    const QList<protocol::QueueEntry> mine =
        m_queue->model()->inHandsOf(m_session.principal().staffId);
    if (!mine.isEmpty())
        openEntry(mine.first());
}

void DoctorWorkspace::openEntry(const protocol::QueueEntry& entry)
{
    m_current = entry;
    m_header->showEntry(entry);
    m_history->showPatient(entry.patientId);
    m_form->setVisit(entry);
    updateStartButton();
    if (m_start->isEnabled())
        m_start->setFocus(); // Enter starts the consultation
    else
        m_form->focusFirstField();
    Q_EMIT patientOpened(entry);
}

QString DoctorWorkspace::consultationStateText() const
{
    return m_state->text();
}

void DoctorWorkspace::updateStartButton()
{
    const bool busy = m_startCommand && (m_startCommand->phase() == Command::Phase::Sending ||
                                         m_startCommand->phase() == Command::Phase::Checking);
    m_start->setEnabled(m_current && m_current->state == VisitState::Called && !busy);
    if (!m_current)
        m_state->setText(tr("No patient called."));
    else if (m_current->state == VisitState::Called)
        m_state->setText(busy ? tr("Starting…")
                              : tr("Called; waiting for the patient to come in."));
    else if (m_current->state == VisitState::InConsultation)
        m_state->setText(tr("In consultation."));
    else if (m_current->state == VisitState::Consulted)
        m_state->setText(tr("Consultation saved."));
}

void DoctorWorkspace::startConsultation()
{
    bus::Connection* connection = m_session.connection();
    if (!connection || !m_start->isEnabled() || !m_current)
        return;
    protocol::StartConsultationRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::Doctor});
    request.visitId = m_current->visitId;
    if (m_startCommand)
        m_startCommand->deleteLater();
    m_startCommand = startConsultationCommand(*connection, request, this);
    const QString visitId = m_current->visitId;
    const auto started = [this, visitId](const QByteArray& body) {
        std::optional<protocol::QueueEntry> entry = calledEntryFromReply(body);
        if (!m_current || m_current->visitId != visitId)
            return;
        m_current->state = entry ? entry->state : VisitState::InConsultation;
        updateStartButton();
        m_form->focusFirstField();
        Q_EMIT consultationStarted(*m_current);
    };
    connect(m_startCommand, &Command::phaseChanged, this, &DoctorWorkspace::updateStartButton);
    connect(m_startCommand, &Command::succeeded, this,
            [started](const bus::Message& reply) { started(reply.data); });
    connect(m_startCommand, &Command::checked, this, [this, started](const OutcomeCheck& check) {
        if (check.verdict == OutcomeCheck::Verdict::Done && !check.readBody.isEmpty())
            started(check.readBody);
        else
            m_state->setText(check.detail);
    });
    connect(m_startCommand, &Command::failed, this, [this](const bus::BusError& error) {
        m_state->setText(
            tr("The consultation could not be started: %1").arg(doctorErrorText(error)));
    });
    m_startCommand->start();
    updateStartButton();
}

} // namespace openopd::app
