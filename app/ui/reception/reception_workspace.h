#pragma once

// The reception desk (issue 10): find or register a patient, open a visit and hand out its
// token, and keep the day's waiting list. It composes the panels of app/ui/reception:
//
//   [ search field + results ]  [ Register new patient… / the chosen patient: Open visit…, Edit
//   details… ] [ today's waiting list (live): Cancel visit, Left unseen                      ]
//
// Keyboard: Ctrl+F search, Ctrl+N register, Ctrl+O open a visit for the chosen patient,
// Ctrl+E edit them, Ctrl+W the waiting list. Dialogs are non-modal (never exec()). A new
// patient registered with their first visit (the form's "Open a visit now") gets the token
// page at once, as Open visit shows it.

#include "core/session.h"
#include "protocol/patient.h"
#include "protocol/registration_api.h"
#include "protocol/visit.h"

#include <QWidget>
#include <optional>

namespace openopd::app {

class OpenVisitDialog;
class PatientCard;
class PatientSearchPanel;
class WaitingListView;

class ReceptionWorkspace final : public QWidget
{
    Q_OBJECT
public:
    ReceptionWorkspace(Session& session, QWidget* parent = nullptr);

    PatientSearchPanel* searchPanel() const { return m_search; }
    PatientCard* patientCard() const { return m_card; }
    WaitingListView* waitingList() const { return m_waiting; }

    void registerPatient();
    void editPatient(const protocol::Patient& patient);
    void openVisit(const protocol::Patient& patient);

Q_SIGNALS:
    // A dialog this desk opened (register, edit, open visit), for tests and screenshots.
    void dialogOpened(QWidget* dialog);

private:
    void choose(const protocol::Patient& patient);
    void saved(const protocol::Patient& patient);
    void showToken(const protocol::Patient& patient, const protocol::Visit& visit);
    // "Open existing" from the register form: the patient's visit form with what was typed.
    void openVisitWith(const protocol::Patient& patient, const protocol::FirstVisit& visit);
    // Shows a visit dialog made while the register form was open, after that form closes.
    void openAfterTheForm(OpenVisitDialog* dialog);
    // A visit dialog for the patient, wired to the waiting list; not yet shown.
    OpenVisitDialog* visitDialog(const protocol::Patient& patient);
    void addShortcuts();
    void giveKeyboardTo(QWidget* widget);

    Session& m_session;
    PatientSearchPanel* m_search = nullptr;
    PatientCard* m_card = nullptr;
    WaitingListView* m_waiting = nullptr;
    std::optional<protocol::Patient> m_chosen;
};

} // namespace openopd::app
