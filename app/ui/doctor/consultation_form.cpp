#include "ui/doctor/consultation_form.h"

#include "core/command.h"
#include "core/reception/token_slip.h"
#include "ui/command_outcome_bar.h"
#include "ui/doctor/lab_order_editor.h"
#include "ui/doctor/prescription_editor.h"
#include "ui/error_label.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPrinter>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::Disposition;

ConsultationForm::ConsultationForm(Session& session, DraftStore& drafts, QWidget* parent)
    : QWidget(parent), m_session(session), m_drafts(drafts)
{
    setObjectName(QStringLiteral("consultationForm"));
    // Typing pauses for a moment, then the draft is written (off the GUI thread).
    m_draftTimer.setSingleShot(true);
    m_draftTimer.setInterval(300);
    connect(&m_draftTimer, &QTimer::timeout, this, &ConsultationForm::writeDraftNow);
    m_writer = new TokenSlipFileWriter(this);
    connect(m_writer, &TokenSlipFileWriter::finished, this,
            [this](const QString& path, const QString& error) {
                setStatus(error.isEmpty() ? tr("The prescription was saved to %1.").arg(path)
                                          : error);
                Q_EMIT prescriptionWritten(path, error);
            });
    connect(&m_drafts, &DraftStore::loaded, this,
            [this](const QString& visitId, const std::optional<ConsultationDraft>& draft,
                   const QString& error) {
                if (visitId != m_visitId || m_saved)
                    return;
                if (draft) {
                    applyDraft(*draft);
                    setStatus(tr("Your unsaved draft of %1 was restored.")
                                  .arg(QLocale().toString(draft->updatedAt.toLocalTime(),
                                                          QLocale::ShortFormat)));
                } else if (!error.isEmpty()) {
                    setError(error);
                }
                Q_EMIT draftRestored(draft.has_value());
            });
    connect(&m_drafts, &DraftStore::saved, this, [this](const QString&, const QString& error) {
        if (!error.isEmpty())
            setError(error);
    });
    build();
    clear();
}

ConsultationForm::~ConsultationForm() = default;

void ConsultationForm::flushDraft()
{
    if (m_draftTimer.isActive())
        writeDraftNow();
}

QWidget* ConsultationForm::buildVitals()
{
    auto* box = new QGroupBox(tr("Vitals"), this);
    auto* grid = new QGridLayout(box);
    const auto field = [this, grid](QLineEdit*& edit, const QString& label, const char* name,
                                    int row, int column) {
        edit = new QLineEdit(this);
        edit->setObjectName(QString::fromLatin1(name));
        edit->setMaxLength(8);
        auto* caption = new QLabel(label, this);
        caption->setBuddy(edit);
        grid->addWidget(caption, row, column * 2);
        grid->addWidget(edit, row, column * 2 + 1);
        connect(edit, &QLineEdit::textEdited, this, &ConsultationForm::fieldChanged);
    };
    // No sample values as placeholders: a grey "37.0" reads like a measured temperature.
    field(m_temperature, tr("Te&mperature (°C):"), "temperature", 0, 0);
    field(m_pulse, tr("&Pulse (/min):"), "pulse", 0, 1);
    field(m_systolic, tr("BP s&ystolic (mmHg):"), "systolic", 1, 0);
    field(m_diastolic, tr("BP diasto&lic (mmHg):"), "diastolic", 1, 1);
    // No Alt+R: the results-to-review list has it.
    field(m_respiratoryRate, tr("Resp. rate (/min):"), "respiratoryRate", 2, 0);
    field(m_spo2, tr("SpO&2 (%):"), "spo2", 2, 1);
    field(m_weight, tr("Weight (&kg):"), "weight", 3, 0);
    field(m_height, tr("&Height (cm):"), "height", 3, 1);
    return box;
}

void ConsultationForm::build()
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildVitals());

    auto* assessment = new QFormLayout;
    assessment->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_diagnosis = new QLineEdit(this);
    m_diagnosis->setObjectName(QStringLiteral("diagnosis"));
    m_diagnosis->setMaxLength(500);
    m_icd10 = new QLineEdit(this);
    m_icd10->setObjectName(QStringLiteral("icd10"));
    m_icd10->setPlaceholderText(tr("optional, e.g. J02.9"));
    m_icd10->setMaxLength(8);
    m_icd10->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[A-Za-z][0-9]{0,2}[0-9A-Za-z]?(\\.[0-9A-Za-z]{0,4})?")),
        m_icd10));
    auto* diagnosisRow = new QHBoxLayout;
    diagnosisRow->addWidget(m_diagnosis, 1);
    auto* icdLabel = new QLabel(tr("ICD-1&0:"), this);
    icdLabel->setBuddy(m_icd10);
    diagnosisRow->addWidget(icdLabel);
    diagnosisRow->addWidget(m_icd10);
    auto* diagnosisLabel = new QLabel(tr("Dia&gnosis:"), this);
    diagnosisLabel->setBuddy(m_diagnosis);
    assessment->addRow(diagnosisLabel, diagnosisRow);
    m_notes = new QPlainTextEdit(this);
    m_notes->setObjectName(QStringLiteral("notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setMaximumHeight(80);
    assessment->addRow(tr("N&otes:"), m_notes);
    layout->addLayout(assessment);
    connect(m_diagnosis, &QLineEdit::textEdited, this, &ConsultationForm::fieldChanged);
    connect(m_icd10, &QLineEdit::textEdited, this, &ConsultationForm::fieldChanged);
    connect(m_notes, &QPlainTextEdit::textChanged, this, &ConsultationForm::fieldChanged);

    auto* drugs = new QGroupBox(tr("Prescription"), this);
    auto* drugsLayout = new QVBoxLayout(drugs);
    m_prescriptions = new PrescriptionEditor(m_session, drugs);
    drugsLayout->addWidget(m_prescriptions);
    layout->addWidget(drugs);
    connect(m_prescriptions, &PrescriptionEditor::changed, this, &ConsultationForm::fieldChanged);

    auto* lab = new QGroupBox(tr("Lab orders"), this);
    auto* labLayout = new QVBoxLayout(lab);
    m_labOrders = new LabOrderEditor(lab);
    labLayout->addWidget(m_labOrders);
    layout->addWidget(lab);
    connect(m_labOrders, &LabOrderEditor::changed, this, &ConsultationForm::fieldChanged);

    auto* next = new QFormLayout;
    next->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_disposition = new QComboBox(this);
    m_disposition->setObjectName(QStringLiteral("disposition"));
    m_disposition->addItem(tr("To pharmacy"), int(Disposition::ToPharmacy));
    m_disposition->addItem(tr("To lab"), int(Disposition::ToLab));
    m_disposition->addItem(tr("Discharge"), int(Disposition::Discharge));
    m_disposition->addItem(tr("Admit"), int(Disposition::Admit));
    m_disposition->addItem(tr("Refer"), int(Disposition::Refer));
    next->addRow(tr("Ne&xt:"), m_disposition);
    m_referral = new QLineEdit(this);
    m_referral->setObjectName(QStringLiteral("referralTo"));
    m_referral->setMaxLength(200);
    m_referral->setPlaceholderText(tr("Where to (required when referring)"));
    next->addRow(tr("Referred to:"), m_referral);
    // With lab orders the patient waits for the results unless released explicitly.
    m_releaseEarly = new QCheckBox(tr("Release without waiting for the lab results"), this);
    m_releaseEarly->setObjectName(QStringLiteral("releaseWithoutResults"));
    next->addRow(QString(), m_releaseEarly);
    connect(m_releaseEarly, &QCheckBox::toggled, this, &ConsultationForm::fieldChanged);
    connect(m_labOrders, &LabOrderEditor::changed, this, &ConsultationForm::updateReferral);
    layout->addLayout(next);
    connect(m_disposition, &QComboBox::currentIndexChanged, this, [this] {
        updateReferral();
        fieldChanged();
    });
    connect(m_referral, &QLineEdit::textEdited, this, &ConsultationForm::fieldChanged);

    m_error = makeErrorLabel(this, tr("Why the consultation was not saved"));
    m_error->setObjectName(QStringLiteral("formError"));
    layout->addWidget(m_error);
    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("formStatus"));
    m_status->setAccessibleDescription(tr("Consultation status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* buttons = new QHBoxLayout;
    m_save = new QPushButton(tr("Save consultation"), this);
    m_save->setObjectName(QStringLiteral("saveConsultation"));
    m_save->setToolTip(tr("Save the consultation (Ctrl+S)"));
    m_print = new QPushButton(tr("Print prescription…"), this);
    m_print->setObjectName(QStringLiteral("printPrescription"));
    m_print->setToolTip(tr("Print the prescription (Ctrl+P)"));
    m_pdf = new QPushButton(tr("Prescription as PDF…"), this);
    m_pdf->setObjectName(QStringLiteral("savePrescriptionPdf"));
    m_pdf->setAccessibleName(tr("Save the prescription as a PDF file"));
    buttons->addWidget(m_save);
    buttons->addStretch();
    buttons->addWidget(m_print);
    buttons->addWidget(m_pdf);
    layout->addLayout(buttons);
    layout->addStretch();
    connect(m_save, &QPushButton::clicked, this, &ConsultationForm::save);
    connect(m_print, &QPushButton::clicked, this, &ConsultationForm::printPrescription);
    connect(m_pdf, &QPushButton::clicked, this, &ConsultationForm::choosePrescriptionFile);
}

void ConsultationForm::updateReferral()
{
    m_referral->setEnabled(m_disposition->isEnabled() &&
                           m_disposition->currentData().toInt() == int(Disposition::Refer));
    m_releaseEarly->setEnabled(m_disposition->isEnabled() && !m_labOrders->lines().isEmpty());
}

void ConsultationForm::clear()
{
    m_draftTimer.stop();
    m_visitId.clear();
    m_patientId.clear();
    m_patientName.clear();
    m_reviewOf.clear();
    m_patient.reset();
    m_saved.reset();
    if (m_command)
        m_command->deleteLater();
    m_outcome->clear();
    ConsultationDraft empty;
    applyDraft(empty);
    setError({});
    setStatus(tr("Call a patient to start a consultation."));
    setEditable(false);
}

void ConsultationForm::setVisit(const protocol::QueueEntry& entry)
{
    if (m_draftTimer.isActive())
        writeDraftNow(); // the previous visit's typing is kept
    clear();
    m_visitId = entry.visitId;
    m_patientId = entry.patientId;
    m_patientName = entry.patientName;
    m_reviewOf = entry.reviewOf;
    setEditable(true);
    setStatus(tr("Consultation for %1 (token %2).").arg(entry.patientName).arg(entry.token));
    m_drafts.load(entry.visitId);
}

void ConsultationForm::setPatient(const protocol::Patient& patient)
{
    if (patient.id == m_patientId)
        m_patient = patient;
}

void ConsultationForm::setEditable(bool editable)
{
    for (QWidget* widget : std::initializer_list<QWidget*>{
             m_temperature, m_pulse, m_respiratoryRate, m_systolic, m_diastolic, m_spo2, m_weight,
             m_height, m_diagnosis, m_icd10, m_notes, m_disposition, m_save})
        widget->setEnabled(editable);
    m_prescriptions->setReadOnly(!editable);
    m_labOrders->setReadOnly(!editable);
    updateReferral();
    const bool hasPatient = !m_visitId.isEmpty();
    m_print->setEnabled(hasPatient);
    m_pdf->setEnabled(hasPatient);
}

void ConsultationForm::focusFirstField()
{
    if (m_temperature->isEnabled())
        m_temperature->setFocus();
}

ConsultationDraft ConsultationForm::draft() const
{
    ConsultationDraft draft;
    draft.visitId = m_visitId;
    draft.patientId = m_patientId;
    draft.patientName = m_patientName;
    draft.temperature = m_temperature->text();
    draft.pulse = m_pulse->text();
    draft.respiratoryRate = m_respiratoryRate->text();
    draft.systolic = m_systolic->text();
    draft.diastolic = m_diastolic->text();
    draft.spo2 = m_spo2->text();
    draft.weight = m_weight->text();
    draft.height = m_height->text();
    draft.diagnosis = m_diagnosis->text();
    draft.icd10 = m_icd10->text();
    draft.notes = m_notes->toPlainText();
    draft.prescriptions = m_prescriptions->lines();
    draft.labOrders = m_labOrders->lines();
    draft.disposition = Disposition(m_disposition->currentData().toInt());
    draft.referralTo = m_referral->text();
    draft.releaseWithoutResults = m_releaseEarly->isChecked();
    draft.updatedAt = QDateTime::currentDateTimeUtc();
    return draft;
}

void ConsultationForm::applyDraft(const ConsultationDraft& draft)
{
    m_applying = true; // filling the fields is not typing: no draft is written for it
    m_temperature->setText(draft.temperature);
    m_pulse->setText(draft.pulse);
    m_respiratoryRate->setText(draft.respiratoryRate);
    m_systolic->setText(draft.systolic);
    m_diastolic->setText(draft.diastolic);
    m_spo2->setText(draft.spo2);
    m_weight->setText(draft.weight);
    m_height->setText(draft.height);
    m_diagnosis->setText(draft.diagnosis);
    m_icd10->setText(draft.icd10);
    m_notes->setPlainText(draft.notes);
    m_prescriptions->setLines(draft.prescriptions);
    m_labOrders->setLines(draft.labOrders);
    m_disposition->setCurrentIndex(m_disposition->findData(int(draft.disposition)));
    m_referral->setText(draft.referralTo);
    m_releaseEarly->setChecked(draft.releaseWithoutResults);
    updateReferral();
    m_applying = false;
}

void ConsultationForm::fieldChanged()
{
    if (m_applying || m_visitId.isEmpty() || m_saved)
        return;
    m_draftTimer.start();
}

void ConsultationForm::writeDraftNow()
{
    m_draftTimer.stop();
    if (m_visitId.isEmpty() || m_saved)
        return;
    m_drafts.save(draft());
}

void ConsultationForm::setStatus(const QString& text)
{
    m_status->setText(text);
}

void ConsultationForm::setError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

QString ConsultationForm::statusText() const
{
    return m_status->text();
}

QString ConsultationForm::errorText() const
{
    QStringList parts;
    if (!m_error->isHidden())
        parts << m_error->text();
    if (!m_outcome->text().isEmpty())
        parts << m_outcome->text();
    return parts.join(u'\n');
}

} // namespace openopd::app
