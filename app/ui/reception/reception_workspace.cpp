#include "ui/reception/reception_workspace.h"

#include "ui/list_focus.h"
#include "ui/reception/open_visit_dialog.h"
#include "ui/reception/patient_card.h"
#include "ui/reception/patient_form_dialog.h"
#include "ui/reception/patient_search_panel.h"
#include "ui/reception/waiting_list_view.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace openopd::app {

ReceptionWorkspace::ReceptionWorkspace(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);

    // Top: the search (left) and the chosen patient (right), with "Register" above the card:
    // the way out when the search finds nobody.
    m_search = new PatientSearchPanel(session, this);
    auto* patientSide = new QWidget(this);
    auto* patientLayout = new QVBoxLayout(patientSide);
    patientLayout->setContentsMargins(0, 0, 0, 0);
    auto* registerButton = new QPushButton(tr("&Register new patient…"), patientSide);
    registerButton->setObjectName(QStringLiteral("registerPatient"));
    registerButton->setToolTip(tr("Register a patient the search does not find (Ctrl+N)"));
    patientLayout->addWidget(registerButton, 0, Qt::AlignLeading);
    m_card = new PatientCard(session, patientSide);
    patientLayout->addWidget(m_card, 1);
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->setChildrenCollapsible(false);
    top->addWidget(m_search);
    top->addWidget(patientSide);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);

    // Bottom: today's waiting list (it has its own heading and buttons).
    m_waiting = new WaitingListView(session, this);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(top);
    split->addWidget(m_waiting);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(registerButton, &QPushButton::clicked, this, &ReceptionWorkspace::registerPatient);
    connect(m_search, &PatientSearchPanel::patientChosen, this, &ReceptionWorkspace::choose);
    connect(m_card, &PatientCard::openVisitRequested, this, &ReceptionWorkspace::openVisit);
    connect(m_card, &PatientCard::editRequested, this, &ReceptionWorkspace::editPatient);
    addShortcuts();
    setFocusProxy(m_search);
}

void ReceptionWorkspace::addShortcuts()
{
    const auto add = [this](const QKeySequence& keys, const QString& text, auto slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add(QKeySequence::Find, tr("Find a patient"), [this] { m_search->focusSearch(); });
    add(QKeySequence::New, tr("Register new patient"), [this] { registerPatient(); });
    add(QKeySequence(Qt::CTRL | Qt::Key_O), tr("Open a visit"), [this] {
        if (m_chosen)
            openVisit(*m_chosen);
    });
    add(QKeySequence(Qt::CTRL | Qt::Key_E), tr("Edit patient details"), [this] {
        if (m_chosen)
            editPatient(*m_chosen);
    });
    add(QKeySequence(Qt::CTRL | Qt::Key_W), tr("Go to the waiting list"), [this] {
        // The first visit is selected at once, so Cancel and Left unseen work without a
        // further arrow key.
        focusList(m_waiting->table());
    });
}

void ReceptionWorkspace::choose(const protocol::Patient& patient)
{
    m_chosen = patient;
    m_card->showPatient(patient);
    m_card->setFocus();
}

void ReceptionWorkspace::giveKeyboardTo(QWidget* widget)
{
    // Not left to the window manager: without one (a kiosk, a remote session) the keyboard
    // would stay with the closed dialog.
    window()->activateWindow();
    widget->setFocus();
}

void ReceptionWorkspace::saved(const protocol::Patient& patient)
{
    choose(patient);
    m_search->refresh(); // the results show the new details
}

void ReceptionWorkspace::registerPatient()
{
    // A name typed into the search (not a phone number or an MRN) starts the form.
    const QString typed = m_search->query();
    const bool looksLikeName =
        !typed.isEmpty() &&
        std::none_of(typed.begin(), typed.end(), [](QChar c) { return c.isDigit(); });
    auto* dialog = new PatientFormDialog(m_session, this, looksLikeName ? typed : QString());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PatientFormDialog::patientSaved, this, &ReceptionWorkspace::saved);
    connect(dialog, &PatientFormDialog::visitOpened, this, &ReceptionWorkspace::showToken);
    connect(dialog, &PatientFormDialog::openExistingRequested, this,
            [this, dialog](const protocol::Patient& patient) {
                choose(patient);
                // What was typed for the visit is not lost: the existing patient's visit
                // form comes up with it, to be opened (or not) with Enter.
                if (const auto visit = dialog->wantedVisit())
                    openVisitWith(patient, *visit);
            });
    connect(dialog, &QDialog::finished, this, [this] { giveKeyboardTo(m_card); });
    dialog->open();
    dialog->activateWindow(); // the keyboard goes to the dialog at once
    Q_EMIT dialogOpened(dialog);
}

void ReceptionWorkspace::editPatient(const protocol::Patient& patient)
{
    auto* dialog = new PatientFormDialog(m_session, patient, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &PatientFormDialog::patientSaved, this, &ReceptionWorkspace::saved);
    connect(dialog, &QDialog::finished, this, [this] { giveKeyboardTo(m_card); });
    dialog->open();
    dialog->activateWindow(); // the keyboard goes to the dialog at once
    Q_EMIT dialogOpened(dialog);
}

void ReceptionWorkspace::openVisit(const protocol::Patient& patient)
{
    OpenVisitDialog* dialog = visitDialog(patient);
    dialog->open();
    dialog->activateWindow(); // the keyboard goes to the dialog at once
    Q_EMIT dialogOpened(dialog);
}

void ReceptionWorkspace::openVisitWith(const protocol::Patient& patient,
                                       const protocol::FirstVisit& visit)
{
    OpenVisitDialog* dialog = visitDialog(patient);
    dialog->setVisit(visit);
    openAfterTheForm(dialog);
}

void ReceptionWorkspace::showToken(const protocol::Patient& patient, const protocol::Visit& visit)
{
    // The register form opened the first visit with the patient: the same token page (and
    // slip) as Open visit shows, once the form has closed.
    OpenVisitDialog* dialog = visitDialog(patient);
    dialog->showToken(visit);
    openAfterTheForm(dialog);
}

void ReceptionWorkspace::openAfterTheForm(OpenVisitDialog* dialog)
{
    // Once the register form has closed: it gives the keyboard back to the card first.
    QTimer::singleShot(0, dialog, [this, dialog] {
        dialog->open();
        dialog->activateWindow();
        Q_EMIT dialogOpened(dialog);
    });
}

OpenVisitDialog* ReceptionWorkspace::visitDialog(const protocol::Patient& patient)
{
    auto* dialog = new OpenVisitDialog(m_session, patient, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OpenVisitDialog::visitOpened, this,
            [this](const protocol::Visit& visit) { m_waiting->selectVisit(visit.id); });
    // The token is handed out: the keyboard goes back to the search, for the next patient.
    connect(dialog, &QDialog::finished, this, [this] { giveKeyboardTo(m_search); });
    return dialog;
}

} // namespace openopd::app
