#pragma once

// The chosen pending release (issue 11): the visit as the discharge service keeps it
// (consultation, dispensed medicines, lab results: opd.discharge.release.get "summary"), the
// form that records how it ends (discharged / admitted to a ward / referred to a facility,
// the medication to continue, notes, the next visit) and, once recorded, the visit summary
// to print or save as a PDF. Recording goes through app::Command (sent once; read with
// release.get before anything is repeated) and a CommandOutcomeBar.

#include "core/discharge/visit_summary_document.h"
#include "core/session.h"

#include <QPointer>
#include <QWidget>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPrinter;
class QPushButton;
class QTextBrowser;

namespace openopd::app {

class Command;
class CommandOutcomeBar;
class TokenSlipFileWriter;

class DischargePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DischargePanel(Session& session, QWidget* parent = nullptr);
    ~DischargePanel() override;

    // The visit to release (nullopt: none). Loads its summary from the discharge service.
    void setRelease(const std::optional<protocol::PendingRelease>& release);
    std::optional<protocol::PendingRelease> release() const { return m_release; }
    // A discharge was recorded here for the shown visit (its summary can be printed).
    bool isRecorded() const { return m_discharge.has_value(); }
    bool isSummaryLoaded() const { return m_summaryLoaded; }
    // A discharge is being sent or its outcome read.
    bool isBusy() const;
    // The shown visit must stay: recorded here, or its discharge's outcome is not known yet
    // (sending, reading, or a read that could not tell and may be checked again).
    bool holdsVisit() const;

    void record();
    void printSummary();
    void chooseSummaryFile(); // the save dialog (non-blocking), then saveSummaryTo
    void saveSummaryTo(const QString& path);
    VisitSummaryDocument summaryDocument() const;
    void focusForm();

    QString fieldError(const QString& field) const; // destination, notes, next_visit
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    Command* command() const; // the last discharge sent (or null)

Q_SIGNALS:
    void recorded(const QString& visitId);
    void summarySaved(const QString& path);
    void summarySaveFailed(const QString& path, const QString& error);

private:
    QLabel* addErrorLabel(const QString& field, const QString& description);
    void showProblems(const QHash<QString, QString>& problems);
    void clearProblem(const QString& field);
    void loadSummary();
    void showSummary();
    void onRecorded(const protocol::Discharge& discharge);
    void refreshEnabled();
    protocol::DischargeDetails details() const;

    Session& m_session;
    std::optional<protocol::PendingRelease> m_release;
    protocol::VisitSummary m_summary;
    bool m_summaryLoaded = false;
    std::optional<protocol::Discharge> m_discharge;
    QPointer<QObject> m_loading; // parent of the summary request in flight

    QLabel* m_title = nullptr;
    QTextBrowser* m_summaryView = nullptr;
    QWidget* m_form = nullptr;
    QComboBox* m_outcomeBox = nullptr;
    QLineEdit* m_destination = nullptr;
    QLabel* m_destinationLabel = nullptr;
    QListWidget* m_postMedication = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QCheckBox* m_hasNextVisit = nullptr;
    QDateEdit* m_nextVisit = nullptr;
    QPushButton* m_record = nullptr;
    QPushButton* m_print = nullptr;
    QPushButton* m_save = nullptr;
    QLabel* m_message = nullptr;
    QHash<QString, QLabel*> m_errors;
    CommandOutcomeBar* m_outcome = nullptr;
    QPointer<Command> m_command;
    TokenSlipFileWriter* m_writer = nullptr;
    std::unique_ptr<QPrinter> m_printer;
};

} // namespace openopd::app
