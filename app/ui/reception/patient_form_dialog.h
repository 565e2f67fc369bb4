#pragma once

// Register a new patient or edit one's details. Save checks the form here first (errors
// under their fields, nothing sent), then sends the command once with its request id
// (core/command.h): while it is in flight Save is disabled and the dialog says so. The
// service's field errors are shown under their field. A create answered with likely
// duplicates lists them with "Open existing" and "Register anyway" (confirm_duplicate).
// When the answer is lost, the dialog shows what the read found; only a read that found the
// change not done offers "Try again" (the same request id), one that could not tell offers
// "Check again". An edit refused because someone else saved first (409, revision) offers
// "Reload the current details" and never overwrites theirs. Non-blocking: show it with
// open() or show(), never exec().
//
// Registering, the form also opens the patient's first visit (queue, priority, complaint) in
// the same request, unless the receptionist unticks "Open a visit now": one transaction, so
// either both are done or neither (a full queue is shown under the queue field and nothing
// is registered). The token then comes with the answer (visitOpened).

#include "core/command.h"
#include "core/session.h"
#include "protocol/patient.h"
#include "protocol/registration_api.h"
#include "protocol/visit.h"

#include <QDialog>
#include <QPointer>
#include <optional>

class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace openopd::app {

class CommandOutcomeBar;
class PatientFormFields;
class VisitFields;

class PatientFormDialog final : public QDialog
{
    Q_OBJECT
public:
    // Register a new patient (name: e.g. what was typed into the search field).
    explicit PatientFormDialog(Session& session, QWidget* parent = nullptr,
                               const QString& name = {});
    // Edit this patient's details (based on its revision).
    PatientFormDialog(Session& session, const protocol::Patient& patient,
                      QWidget* parent = nullptr);

    bool isEditing() const { return m_editing.has_value(); }
    PatientFormFields* fields() const { return m_fields; }
    // The message under a field ("" when none); the form's own status line; where the last
    // Save stands (the outcome bar's text); the duplicates listed.
    QString fieldError(const QString& key) const;
    QString statusText() const;
    QString outcomeText() const;
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    // The first visit's section (registering only; null when editing).
    QGroupBox* firstVisitBox() const { return m_visitBox; }
    VisitFields* visitFields() const { return m_visitFields; }
    // The first visit asked for ("Open a visit now" ticked), if any: "Open existing" hands
    // it on to the existing patient's visit form.
    std::optional<protocol::FirstVisit> wantedVisit() const;
    QList<protocol::Patient> duplicates() const { return m_duplicates; }
    // The command of the last Save (null before), e.g. to see its request id.
    Command* command() const { return m_command; }

Q_SIGNALS:
    void patientSaved(const openopd::protocol::Patient& patient);
    // After patientSaved, when the first visit was opened with the registration.
    void visitOpened(const openopd::protocol::Patient& patient,
                     const openopd::protocol::Visit& visit);
    void openExistingRequested(const openopd::protocol::Patient& patient);

public:
    void reject() override;

private:
    void build();
    void save(bool confirmDuplicate = false);
    void send(const protocol::PatientDetails& details, bool confirmDuplicate);
    void onPhase(Command::Phase phase);
    void onSucceeded(const bus::Message& reply);
    void onFailed(const bus::BusError& error);
    void onChecked(const OutcomeCheck& check);
    void reload();
    void showDuplicates(const QList<protocol::Patient>& duplicates);
    void finish(const protocol::Patient& patient,
                const std::optional<protocol::Visit>& visit = std::nullopt);
    void updateSaveText();
    void setStatus(const QString& text);
    void growToFit();
    bool busy() const;

    Session& m_session;
    std::optional<protocol::Patient> m_editing;
    PatientFormFields* m_fields = nullptr;
    QGroupBox* m_visitBox = nullptr;
    VisitFields* m_visitFields = nullptr;
    QLabel* m_status = nullptr;
    QGroupBox* m_duplicateBox = nullptr;
    QLabel* m_duplicateText = nullptr;
    QListWidget* m_duplicateList = nullptr;
    QPushButton* m_openExisting = nullptr;
    QPushButton* m_reload = nullptr;
    QPushButton* m_registerAnyway = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_save = nullptr;
    QPointer<Command> m_command;
    protocol::PatientDetails m_sentDetails;
    bool m_sentConfirm = false;
    std::optional<protocol::FirstVisit> m_sentVisit;
    QList<protocol::Patient> m_duplicates;
};

} // namespace openopd::app
