#pragma once

// The consultation of the called patient (issue 11): vitals, diagnosis (free text and an
// optional ICD-10 code), notes, prescription lines, lab orders and where the patient goes
// next. "Save consultation" sends opd.consultation.record.save as an app::Command (request id;
// an unknown outcome is read from opd.consultation.patient.history, never repeated by
// itself). Everything typed is kept as a draft on disk (DraftStore, per user and visit,
// written off the GUI thread) until a save succeeds: a failed save, a crash or closing the
// app loses nothing (the owner calls flushDraft() before the DraftStore is destroyed, and the
// store outlives the form). The prescription prints or exports as a PDF.

#include "core/doctor/consultation_draft.h"
#include "core/session.h"
#include "protocol/consultation_api.h"
#include "protocol/patient.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPrinter;
class QPushButton;

namespace openopd::app {

class Command;
class CommandOutcomeBar;
class LabOrderEditor;
class PrescriptionEditor;
class TokenSlipFileWriter;
struct PrescriptionSheet;

class ConsultationForm final : public QWidget
{
    Q_OBJECT
public:
    ConsultationForm(Session& session, DraftStore& drafts, QWidget* parent = nullptr);
    ~ConsultationForm() override;

    // A new visit: the fields are cleared and its draft (if any) is loaded.
    void setVisit(const protocol::QueueEntry& entry);
    void setPatient(const protocol::Patient& patient);
    void clear();
    QString visitId() const { return m_visitId; }

    ConsultationDraft draft() const;
    void applyDraft(const ConsultationDraft& draft);
    // The request the form would send; nullopt (and the reason shown) when it is not complete.
    std::optional<protocol::ConsultationContent> content(QString* why = nullptr) const;

    // Writes typing not yet on disk now (the owner calls it before the store goes).
    void flushDraft();
    void save();
    bool isSaved() const { return m_saved.has_value(); }
    Command* command() const { return m_command; }
    PrescriptionEditor* prescriptions() const { return m_prescriptions; }
    LabOrderEditor* labOrders() const { return m_labOrders; }
    QString statusText() const;
    QString errorText() const;

    PrescriptionSheet prescriptionSheet() const;
    void printPrescription();
    void choosePrescriptionFile();
    void savePrescriptionPdf(const QString& path);
    void focusFirstField();

Q_SIGNALS:
    void consultationSaved(const openopd::protocol::Consultation& consultation);
    // A draft load finished (found or not) for the current visit.
    void draftRestored(bool found);
    void prescriptionWritten(const QString& path, const QString& error);

private:
    void build();
    QWidget* buildVitals();
    void fieldChanged();
    void writeDraftNow();
    void onSaved(const protocol::Consultation& consultation);
    void setEditable(bool editable);
    void setStatus(const QString& text);
    void setError(const QString& text);
    void updateReferral();

    Session& m_session;
    DraftStore& m_drafts;
    QString m_visitId;
    QString m_patientId;
    QString m_patientName;
    QString m_reviewOf; // a visit back from the lab: its first consultation
    std::optional<protocol::Patient> m_patient;
    std::optional<protocol::Consultation> m_saved;
    bool m_applying = false;
    QTimer m_draftTimer;

    QLineEdit* m_temperature = nullptr;
    QLineEdit* m_pulse = nullptr;
    QLineEdit* m_respiratoryRate = nullptr;
    QLineEdit* m_systolic = nullptr;
    QLineEdit* m_diastolic = nullptr;
    QLineEdit* m_spo2 = nullptr;
    QLineEdit* m_weight = nullptr;
    QLineEdit* m_height = nullptr;
    QLineEdit* m_diagnosis = nullptr;
    QLineEdit* m_icd10 = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    PrescriptionEditor* m_prescriptions = nullptr;
    LabOrderEditor* m_labOrders = nullptr;
    QComboBox* m_disposition = nullptr;
    QLineEdit* m_referral = nullptr;
    QCheckBox* m_releaseEarly = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_print = nullptr;
    QPushButton* m_pdf = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QPointer<Command> m_command;
    TokenSlipFileWriter* m_writer = nullptr;
    std::unique_ptr<QPrinter> m_printer;
};

} // namespace openopd::app
