// ConsultationForm: checking and saving the consultation, and the prescription's print / PDF.

#include "core/command.h"
#include "core/doctor/consultation_commands.h"
#include "core/doctor/prescription_sheet.h"
#include "core/reception/patient_text.h"
#include "core/reception/token_slip.h"
#include "ui/command_outcome_bar.h"
#include "ui/doctor/consultation_form.h"
#include "ui/doctor/lab_order_editor.h"
#include "ui/doctor/prescription_editor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QStandardPaths>

namespace openopd::app {

using protocol::Disposition;

namespace {

// A number typed into a vitals field, within its range; nullopt when empty. Sets *bad (the
// field's label) when something is typed that is not such a number.
template <class T>
std::optional<T> number(const QLineEdit* edit, double low, double high, const QString& label,
                        QString* bad)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double value = QLocale().toDouble(text, &ok);
    const double fallback = ok ? value : text.toDouble(&ok); // "37.5" in any locale
    if (!ok || fallback < low || fallback > high) {
        if (bad->isEmpty())
            *bad = ConsultationForm::tr("%1 must be a number from %2 to %3.")
                       .arg(label)
                       .arg(low)
                       .arg(high);
        return std::nullopt;
    }
    return static_cast<T>(std::is_integral_v<T> ? qRound(fallback) : fallback);
}

} // namespace

std::optional<protocol::ConsultationContent> ConsultationForm::content(QString* why) const
{
    QString bad;
    protocol::Vitals vitals;
    vitals.temperatureC = number<double>(m_temperature, 25, 45, tr("Temperature"), &bad);
    vitals.pulseBpm = number<int>(m_pulse, 20, 250, tr("Pulse"), &bad);
    vitals.respiratoryRate = number<int>(m_respiratoryRate, 4, 80, tr("Respiratory rate"), &bad);
    vitals.systolicMmHg = number<int>(m_systolic, 50, 300, tr("Systolic pressure"), &bad);
    vitals.diastolicMmHg = number<int>(m_diastolic, 20, 200, tr("Diastolic pressure"), &bad);
    vitals.spo2Percent = number<int>(m_spo2, 50, 100, tr("SpO2"), &bad);
    vitals.weightKg = number<double>(m_weight, 0.2, 500, tr("Weight"), &bad);
    vitals.heightCm = number<double>(m_height, 20, 260, tr("Height"), &bad);
    if (bad.isEmpty() && vitals.systolicMmHg.has_value() != vitals.diastolicMmHg.has_value())
        bad = tr("Enter both blood pressure values, or neither.");
    if (bad.isEmpty() && vitals.systolicMmHg && *vitals.systolicMmHg <= *vitals.diastolicMmHg)
        bad = tr("The systolic pressure must be higher than the diastolic.");

    protocol::ConsultationContent content;
    if (vitals != protocol::Vitals{})
        content.vitals = vitals;
    const QString diagnosis = m_diagnosis->text().trimmed();
    const QString icd10 = m_icd10->text().trimmed().toUpper();
    if (bad.isEmpty() && diagnosis.isEmpty() && !icd10.isEmpty())
        bad = tr("Describe the diagnosis for the ICD-10 code %1.").arg(icd10);
    if (!diagnosis.isEmpty())
        content.diagnoses.append({diagnosis, icd10});
    content.notes = m_notes->toPlainText().trimmed();
    content.prescriptions = m_prescriptions->lines();
    content.labOrders = m_labOrders->lines();
    content.disposition = Disposition(m_disposition->currentData().toInt());
    if (content.disposition == Disposition::Refer)
        content.referralTo = m_referral->text().trimmed();
    content.releaseWithoutResults = !content.labOrders.isEmpty() && m_releaseEarly->isChecked();
    if (bad.isEmpty() && content.disposition == Disposition::ToPharmacy &&
        content.prescriptions.isEmpty())
        bad = tr("Add a drug before sending the patient to the pharmacy.");
    if (bad.isEmpty() && content.disposition == Disposition::ToLab && content.labOrders.isEmpty())
        bad = tr("Add a lab test before sending the patient to the lab.");
    if (bad.isEmpty() && content.disposition == Disposition::Refer && content.referralTo.isEmpty())
        bad = tr("Say where the patient is referred to.");
    if (!bad.isEmpty()) {
        if (why)
            *why = bad;
        return std::nullopt;
    }
    return content;
}

void ConsultationForm::save()
{
    bus::Connection* connection = m_session.connection();
    if (m_visitId.isEmpty() || m_saved || !connection || !m_save->isEnabled())
        return;
    if (m_command && (m_command->phase() == Command::Phase::Sending ||
                      m_command->phase() == Command::Phase::Checking))
        return;
    QString why;
    const std::optional<protocol::ConsultationContent> checked = content(&why);
    if (!checked) {
        setError(why);
        return;
    }
    setError({});
    writeDraftNow(); // on disk before it is sent: a crash while saving loses nothing
    protocol::SaveConsultationRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::Doctor});
    request.visitId = m_visitId;
    request.consultation = *checked;
    if (m_command)
        m_command->deleteLater();
    m_command = saveConsultationCommand(*connection, request, m_patientId, m_reviewOf, this);
    m_outcome->follow(m_command, tr("Saving the consultation of %1").arg(m_patientName));
    connect(m_command, &Command::succeeded, this, [this](const bus::Message& reply) {
        if (std::optional<protocol::Consultation> saved = consultationFromReply(reply.data))
            onSaved(*saved);
    });
    connect(m_command, &Command::checked, this, [this](const OutcomeCheck& check) {
        if (check.verdict != OutcomeCheck::Verdict::Done)
            return setStatus(tr("Not saved yet. Everything you typed is kept as a draft."));
        if (std::optional<protocol::Consultation> saved = consultationFromReply(check.readBody))
            onSaved(*saved);
    });
    connect(m_command, &Command::failed, this, [this](const bus::BusError& error) {
        setError(tr("The consultation was not saved: %1").arg(doctorErrorText(error)));
        setStatus(tr("Everything you typed is kept as a draft, also if the app is closed."));
    });
    connect(m_command, &Command::phaseChanged, this, [this](Command::Phase phase) {
        m_save->setEnabled(!m_saved && phase != Command::Phase::Sending &&
                           phase != Command::Phase::Checking);
    });
    setStatus(tr("Saving…"));
    m_command->start();
}

void ConsultationForm::onSaved(const protocol::Consultation& consultation)
{
    m_saved = consultation;
    m_draftTimer.stop();
    m_drafts.remove(m_visitId); // saved: the draft has done its work
    m_outcome->clear();
    setError({});
    setEditable(false);
    m_print->setEnabled(true);
    m_pdf->setEnabled(true);
    setStatus(
        tr("Saved: the consultation of %1 is recorded (%2).")
            .arg(consultation.patientName,
                 QLocale().toString(consultation.savedAt.toLocalTime(), QLocale::ShortFormat)));
    Q_EMIT consultationSaved(consultation);
}

PrescriptionSheet ConsultationForm::prescriptionSheet() const
{
    PrescriptionSheet sheet;
    sheet.patientName = m_patientName;
    if (m_patient) {
        const protocol::PatientDetails& details = m_patient->details;
        sheet.patientName = details.fullName;
        sheet.mrn = m_patient->mrn;
        sheet.age = PatientText::age(details, QDate::currentDate());
        sheet.sex = PatientText::sex(details.sex);
        sheet.allergies = details.allergies;
    }
    if (m_saved) {
        const protocol::ConsultationContent& saved = m_saved->content;
        sheet.lines = saved.prescriptions;
        if (!saved.diagnoses.isEmpty())
            sheet.diagnosis = saved.diagnoses.first().text;
        sheet.doctorName = m_saved->doctor.name;
        sheet.date = m_saved->savedAt;
    } else {
        sheet.lines = m_prescriptions->lines();
        sheet.diagnosis = m_diagnosis->text().trimmed();
        sheet.doctorName = m_session.principal().displayName;
        sheet.date = QDateTime::currentDateTimeUtc();
    }
    return sheet;
}

void ConsultationForm::printPrescription()
{
    if (m_visitId.isEmpty())
        return;
    if (!m_printer) {
        m_printer = std::make_unique<QPrinter>(QPrinter::HighResolution);
        m_printer->setPageSize(PrescriptionSheet::pageSize());
    }
    m_printer->setDocName(tr("Prescription for %1").arg(m_patientName));
    auto* dialog = new QPrintDialog(m_printer.get(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Print the prescription"));
    const PrescriptionSheet sheet = prescriptionSheet();
    connect(dialog, qOverload<QPrinter*>(&QPrintDialog::accepted), this, [this, sheet](QPrinter*) {
        QPainter painter;
        if (!painter.begin(m_printer.get())) {
            setStatus(tr("The printer could not be started."));
            return;
        }
        sheet.paint(painter, m_printer->pageRect(QPrinter::DevicePixel));
        painter.end();
        setStatus(tr("The prescription was sent to the printer."));
    });
    dialog->open(); // non-modal for the event loop: never exec()
}

void ConsultationForm::choosePrescriptionFile()
{
    if (m_visitId.isEmpty())
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString name = tr("prescription-%1-%2.pdf")
                             .arg(m_patientName.simplified().replace(u' ', u'-'),
                                  QDate::currentDate().toString(Qt::ISODate));
    auto* dialog = new QFileDialog(this, tr("Save the prescription"), QDir(folder).filePath(name),
                                   tr("PDF (*.pdf)"));
    dialog->setObjectName(QStringLiteral("savePrescriptionDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("pdf"));
    connect(dialog, &QFileDialog::fileSelected, this, &ConsultationForm::savePrescriptionPdf);
    dialog->open();
}

void ConsultationForm::savePrescriptionPdf(const QString& path)
{
    // Rendered here in memory (fast), written on a worker thread.
    if (!m_writer->write(prescriptionSheet().toPdf(), path))
        setStatus(tr("The prescription is still being saved; try again in a moment."));
}

} // namespace openopd::app
