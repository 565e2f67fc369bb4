#pragma once

// The doctor's workspace (issue 11):
//
//   [ queue (live): Call next, Call this one ] [ patient header: name, age, sex, ALLERGIES     ]
//                                              [ Start consultation                             ]
//                                              [ consultation form        ] [ history (live)  ]
//
// Calling a patient opens them: the header and history load, the form takes the visit (and
// its draft, if one was left). A patient this doctor called earlier (before the app was
// closed) is opened again by itself once the queue has loaded.
// Keyboard: Ctrl+N call next, Ctrl+L the queue, Ctrl+T start the consultation, Ctrl+D the
// diagnosis... (Alt+letter on every field), Ctrl+S save, Ctrl+P print, Ctrl+H the history.

#include "core/session.h"
#include "protocol/consultation.h"
#include "protocol/visit.h"

#include <QPointer>
#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;

namespace openopd::app {

class Command;
class ConsultationForm;
class DoctorQueuePanel;
class DraftStore;
class PatientHeader;
class PatientHistoryView;
class ResultsReviewPanel;

class DoctorWorkspace final : public QWidget
{
    Q_OBJECT
public:
    // draftDirectory empty: DraftStore::defaultDirectory().
    explicit DoctorWorkspace(Session& session, QWidget* parent = nullptr,
                             const QString& draftDirectory = {});
    ~DoctorWorkspace() override;

    DoctorQueuePanel* queue() const { return m_queue; }
    PatientHeader* header() const { return m_header; }
    PatientHistoryView* history() const { return m_history; }
    ResultsReviewPanel* results() const { return m_results; }
    ConsultationForm* form() const { return m_form; }
    DraftStore* drafts() const { return m_drafts; }
    const std::optional<protocol::QueueEntry>& current() const { return m_current; }

    // Opens a visit this doctor called (header, history, form with its draft).
    void openEntry(const protocol::QueueEntry& entry);
    void startConsultation();
    QString consultationStateText() const;

Q_SIGNALS:
    void patientOpened(const openopd::protocol::QueueEntry& entry);
    void consultationStarted(const openopd::protocol::QueueEntry& entry);
    void consultationSaved(const openopd::protocol::Consultation& consultation);

private:
    void addShortcuts();
    void resumeMine();
    void updateStartButton();

    Session& m_session;
    DraftStore* m_drafts = nullptr;
    DoctorQueuePanel* m_queue = nullptr;
    ResultsReviewPanel* m_results = nullptr;
    PatientHeader* m_header = nullptr;
    PatientHistoryView* m_history = nullptr;
    ConsultationForm* m_form = nullptr;
    QPushButton* m_start = nullptr;
    QLabel* m_state = nullptr;
    QPointer<Command> m_startCommand;
    std::optional<protocol::QueueEntry> m_current;
    bool m_resumeChecked = false;
};

} // namespace openopd::app
