#include "ui/discharge/discharge_panel.h"

#include "bus/request_handle.h"
#include "core/command.h"
#include "core/discharge/discharge_commands.h"
#include "core/error_text.h"
#include "core/reception/token_slip.h"
#include "protocol/endpoints.h"
#include "ui/command_outcome_bar.h"
#include "ui/error_label.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QStandardPaths>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::DischargeOutcome;

namespace {
constexpr int kLineRole = Qt::UserRole + 1; // the PrescriptionLine's index in the consultation
}

DischargePanel::DischargePanel(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(tr("Choose a visit from the list."), this);
    m_title->setObjectName(QStringLiteral("releaseTitle"));
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    layout->addWidget(m_title);

    auto* summaryLabel = new QLabel(tr("&The visit:"), this);
    layout->addWidget(summaryLabel);
    m_summaryView = new QTextBrowser(this);
    m_summaryView->setObjectName(QStringLiteral("visitSummary"));
    m_summaryView->setAccessibleName(tr("The visit: consultation, medicines, lab results"));
    m_summaryView->setTabChangesFocus(true);
    summaryLabel->setBuddy(m_summaryView);
    layout->addWidget(m_summaryView, 1);

    m_form = new QWidget(this);
    auto* form = new QFormLayout(m_form);
    form->setContentsMargins(0, 0, 0, 0);
    m_outcomeBox = new QComboBox(m_form);
    m_outcomeBox->setObjectName(QStringLiteral("outcome"));
    m_outcomeBox->setAccessibleName(tr("Outcome"));
    for (DischargeOutcome o :
         {DischargeOutcome::Discharged, DischargeOutcome::Admitted, DischargeOutcome::Referred})
        m_outcomeBox->addItem(outcomeText(o), int(o));
    auto* outcomeLabel = new QLabel(tr("&Outcome:"), m_form);
    outcomeLabel->setBuddy(m_outcomeBox);
    form->addRow(outcomeLabel, m_outcomeBox);

    m_destination = new QLineEdit(m_form);
    m_destination->setObjectName(QStringLiteral("destination"));
    m_destination->setMaxLength(200);
    m_destinationLabel = new QLabel(tr("War&d:"), m_form);
    m_destinationLabel->setBuddy(m_destination);
    form->addRow(m_destinationLabel, m_destination);
    form->addRow(addErrorLabel(QStringLiteral("destination"), tr("Ward or facility problem")));

    m_postMedication = new QListWidget(m_form);
    m_postMedication->setObjectName(QStringLiteral("postMedication"));
    m_postMedication->setAccessibleName(tr("Medication to continue (Space ticks a line)"));
    m_postMedication->setMaximumHeight(fontMetrics().lineSpacing() * 4 + 12);
    auto* medicationLabel = new QLabel(tr("&Medication to continue:"), m_form);
    medicationLabel->setBuddy(m_postMedication);
    form->addRow(medicationLabel, m_postMedication);

    m_notes = new QPlainTextEdit(m_form);
    m_notes->setObjectName(QStringLiteral("dischargeNotes"));
    m_notes->setAccessibleName(tr("Discharge notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(fontMetrics().lineSpacing() * 3 + 12);
    auto* notesLabel = new QLabel(tr("Not&es:"), m_form);
    notesLabel->setBuddy(m_notes);
    form->addRow(notesLabel, m_notes);
    form->addRow(addErrorLabel(QStringLiteral("notes"), tr("Notes problem")));

    auto* nextRow = new QHBoxLayout;
    m_hasNextVisit = new QCheckBox(tr("Plan a &next visit on"), m_form);
    m_hasNextVisit->setObjectName(QStringLiteral("hasNextVisit"));
    m_nextVisit = new QDateEdit(QDate::currentDate().addDays(7), m_form);
    m_nextVisit->setObjectName(QStringLiteral("nextVisit"));
    m_nextVisit->setAccessibleName(tr("Next visit date"));
    m_nextVisit->setCalendarPopup(true);
    m_nextVisit->setEnabled(false);
    nextRow->addWidget(m_hasNextVisit);
    nextRow->addWidget(m_nextVisit, 1);
    form->addRow(nextRow);
    form->addRow(addErrorLabel(QStringLiteral("next_visit"), tr("Next visit problem")));
    layout->addWidget(m_form);

    auto* buttons = new QHBoxLayout;
    m_record = new QPushButton(tr("&Record and close the visit"), this);
    m_record->setObjectName(QStringLiteral("recordDischarge"));
    m_print = new QPushButton(tr("&Print summary…"), this);
    m_print->setObjectName(QStringLiteral("printSummary"));
    m_print->setAccessibleName(tr("Print the visit summary"));
    m_save = new QPushButton(tr("&Save summary as PDF…"), this);
    m_save->setObjectName(QStringLiteral("saveSummary"));
    m_save->setAccessibleName(tr("Save the visit summary as a PDF file"));
    buttons->addWidget(m_record);
    buttons->addStretch();
    buttons->addWidget(m_print);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);

    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("summaryMessage"));
    m_message->setAccessibleDescription(tr("Visit summary status"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    m_writer = new TokenSlipFileWriter(this);
    connect(m_writer, &TokenSlipFileWriter::finished, this,
            [this](const QString& path, const QString& error) {
                m_save->setEnabled(true);
                if (!error.isEmpty()) {
                    m_message->setText(error);
                    Q_EMIT summarySaveFailed(path, error);
                    return;
                }
                m_message->setText(
                    tr("The visit summary was saved to %1.").arg(QDir::toNativeSeparators(path)));
                Q_EMIT summarySaved(path);
            });
    connect(m_outcomeBox, &QComboBox::currentIndexChanged, this, [this] {
        const auto outcome = DischargeOutcome(m_outcomeBox->currentData().toInt());
        m_destinationLabel->setText(outcome == DischargeOutcome::Referred ? tr("F&acility:")
                                                                          : tr("War&d:"));
        m_destination->setAccessibleName(m_destinationLabel->text().remove(u'&').remove(u':'));
        refreshEnabled();
    });
    connect(m_hasNextVisit, &QCheckBox::toggled, m_nextVisit, &QWidget::setEnabled);
    // A problem shown under a field goes once the field is changed.
    connect(m_destination, &QLineEdit::textEdited, this,
            [this] { clearProblem(QStringLiteral("destination")); });
    connect(m_outcomeBox, &QComboBox::currentIndexChanged, this,
            [this] { clearProblem(QStringLiteral("destination")); });
    connect(m_notes, &QPlainTextEdit::textChanged, this,
            [this] { clearProblem(QStringLiteral("notes")); });
    connect(m_nextVisit, &QDateEdit::dateChanged, this,
            [this] { clearProblem(QStringLiteral("next_visit")); });
    connect(m_hasNextVisit, &QCheckBox::toggled, this,
            [this] { clearProblem(QStringLiteral("next_visit")); });
    connect(m_record, &QPushButton::clicked, this, &DischargePanel::record);
    connect(m_print, &QPushButton::clicked, this, &DischargePanel::printSummary);
    connect(m_save, &QPushButton::clicked, this, &DischargePanel::chooseSummaryFile);
    m_destination->setAccessibleName(tr("Ward"));
    refreshEnabled();
}

DischargePanel::~DischargePanel() = default;

QLabel* DischargePanel::addErrorLabel(const QString& field, const QString& description)
{
    QLabel* label = makeErrorLabel(this, description);
    label->setObjectName(field + QStringLiteral("Error"));
    m_errors.insert(field, label);
    return label;
}

QString DischargePanel::fieldError(const QString& field) const
{
    QLabel* label = m_errors.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void DischargePanel::clearProblem(const QString& field)
{
    if (QLabel* label = m_errors.value(field))
        label->hide();
}

Command* DischargePanel::command() const
{
    return m_command;
}

bool DischargePanel::holdsVisit() const
{
    if (m_discharge)
        return true;
    if (!m_command)
        return false;
    return isBusy() || (m_command->phase() == Command::Phase::Checked &&
                        m_command->lastCheck().verdict == OutcomeCheck::Verdict::Unknown);
}

bool DischargePanel::isBusy() const
{
    return m_command && (m_command->phase() == Command::Phase::Sending ||
                         m_command->phase() == Command::Phase::Checking);
}

void DischargePanel::showProblems(const QHash<QString, QString>& problems)
{
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it) {
        const QString problem = problems.value(it.key());
        it.value()->setText(problem);
        it.value()->setVisible(!problem.isEmpty());
    }
}

void DischargePanel::setRelease(const std::optional<protocol::PendingRelease>& release)
{
    if (release && m_release && release->visitId == m_release->visitId && !m_discharge) {
        m_release = release; // a newer row of the same visit: keep what was typed
        return;
    }
    m_release = release;
    m_discharge.reset();
    m_summary = {};
    m_summaryLoaded = false;
    m_outcomeBox->setCurrentIndex(0);
    m_destination->clear();
    m_postMedication->clear();
    m_notes->clear();
    m_hasNextVisit->setChecked(false);
    m_nextVisit->setDate(QDate::currentDate().addDays(7));
    showProblems({});
    m_message->clear();
    if (!isBusy()) { // another visit: the last one's discharge is no longer this panel's
        if (m_command)
            m_command->deleteLater();
        m_command = nullptr;
        m_outcome->clear();
    }
    m_title->setText(release ? tr("%1 — token %2").arg(release->patientName).arg(release->token)
                             : tr("Choose a visit from the list."));
    showSummary();
    loadSummary();
    refreshEnabled();
}

void DischargePanel::loadSummary()
{
    delete m_loading; // drops an older request's answer
    bus::Connection* connection = m_session.connection();
    if (!m_release || !connection)
        return;
    m_loading = new QObject(this);
    m_summaryView->setPlainText(tr("Loading the visit…"));
    const QString visitId = m_release->visitId;
    bus::sendRequest(
        *connection, protocol::kGetRelease, protocol::GetReleaseRequest{visitId}, m_loading.data(),
        [this, visitId](bus::Result<protocol::ReleaseStatusReply> reply) {
            m_loading->deleteLater();
            if (!m_release || m_release->visitId != visitId)
                return;
            if (!reply) {
                m_summaryView->setPlainText(
                    tr("The visit could not be loaded: %1").arg(userText(reply.error())));
                return;
            }
            m_summary = reply->summary;
            m_summaryLoaded = true;
            // What the doctor prescribed is offered as medication to continue.
            m_postMedication->clear();
            if (m_summary.consultation)
                for (int i = 0; i < m_summary.consultation->content.prescriptions.size(); ++i) {
                    const auto& line = m_summary.consultation->content.prescriptions.at(i);
                    auto* item = new QListWidgetItem(
                        tr("%1 — %2, %3").arg(line.drugName, line.dose, line.frequency),
                        m_postMedication);
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(Qt::Unchecked);
                    item->setData(kLineRole, i);
                }
            showSummary();
            refreshEnabled();
        });
}

VisitSummaryDocument DischargePanel::summaryDocument() const
{
    VisitSummaryDocument doc;
    if (m_release)
        doc.visit = *m_release;
    doc.summary = m_summary;
    if (m_discharge) {
        doc.details = m_discharge->details;
        doc.recordedAt = m_discharge->recordedAt;
        doc.recordedBy = m_discharge->recordedBy.name;
    } else {
        doc.details = details();
    }
    return doc;
}

void DischargePanel::showSummary()
{
    if (!m_release) {
        m_summaryView->clear();
        return;
    }
    if (m_summaryLoaded)
        m_summaryView->setHtml(summaryDocument().toHtml());
}

protocol::DischargeDetails DischargePanel::details() const
{
    protocol::DischargeDetails d;
    d.outcome = DischargeOutcome(m_outcomeBox->currentData().toInt());
    if (d.outcome != DischargeOutcome::Discharged)
        d.destination = m_destination->text().trimmed();
    if (m_summary.consultation)
        for (int row = 0; row < m_postMedication->count(); ++row) {
            const QListWidgetItem* item = m_postMedication->item(row);
            if (item->checkState() == Qt::Checked)
                d.postMedication.append(m_summary.consultation->content.prescriptions.at(
                    item->data(kLineRole).toInt()));
        }
    d.notes = m_notes->toPlainText().trimmed();
    if (m_hasNextVisit->isChecked())
        d.nextVisit = m_nextVisit->date();
    return d;
}

void DischargePanel::refreshEnabled()
{
    const bool open = m_release && !m_discharge;
    // Not disabled while sending: the keyboard stays where it was (the request has its copy).
    m_form->setEnabled(open);
    m_destination->setEnabled(DischargeOutcome(m_outcomeBox->currentData().toInt()) !=
                              DischargeOutcome::Discharged);
    // Not disabled while sending either (the keyboard would leave it); record() ignores it.
    m_record->setEnabled(open);
    m_print->setEnabled(m_discharge.has_value());
    m_save->setEnabled(m_discharge.has_value() && !m_writer->isBusy());
}

void DischargePanel::focusForm()
{
    if (m_discharge)
        m_save->setFocus();
    else if (m_release)
        m_outcomeBox->setFocus();
}

void DischargePanel::record()
{
    if (!m_release || m_discharge || isBusy())
        return;
    const protocol::DischargeDetails d = details();
    const QHash<QString, QString> problems = dischargeProblems(d, QDate::currentDate());
    showProblems(problems);
    if (problems.contains(QStringLiteral("destination")))
        return m_destination->setFocus();
    if (problems.contains(QStringLiteral("notes")))
        return m_notes->setFocus();
    if (problems.contains(QStringLiteral("next_visit")))
        return m_nextVisit->setFocus();
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    protocol::RecordDischargeRequest request;
    request.staff = m_session.principal().actingAs(
        {protocol::StaffRole::Doctor, protocol::StaffRole::Pharmacist});
    request.visitId = m_release->visitId;
    request.details = d;
    if (m_command && m_command->phase() != Command::Phase::Sending &&
        m_command->phase() != Command::Phase::Checking)
        m_command->deleteLater();
    Command* command = recordDischargeCommand(*connection, request, m_release->patientName, this);
    m_command = command;
    m_outcome->follow(command,
                      tr("Recording how the visit of %1 ends").arg(m_release->patientName));
    const QString visitId = m_release->visitId;
    connect(command, &Command::phaseChanged, this, [this] { refreshEnabled(); });
    connect(command, &Command::succeeded, this, [this, visitId](const bus::Message& reply) {
        if (const auto discharge = dischargeFromReply(reply.data);
            discharge && m_release && m_release->visitId == visitId)
            onRecorded(*discharge);
    });
    connect(command, &Command::checked, this, [this, visitId](const OutcomeCheck& check) {
        if (const auto discharge = dischargeFromReply(check.readBody);
            discharge && m_release && m_release->visitId == visitId)
            onRecorded(*discharge);
    });
    connect(command, &Command::failed, this, [this](const bus::BusError& error) {
        if (!error.field.isEmpty() && m_errors.contains(error.field))
            showProblems({{error.field, userText(error)}});
    });
    command->start();
    refreshEnabled();
}

void DischargePanel::onRecorded(const protocol::Discharge& discharge)
{
    m_discharge = discharge;
    m_message->setText(tr("Recorded: %1. The visit summary can be printed or saved.")
                           .arg(outcomeText(discharge.details.outcome)));
    showSummary();
    refreshEnabled();
    m_save->setFocus();
    Q_EMIT recorded(discharge.visitId);
}

void DischargePanel::printSummary()
{
    if (!m_discharge)
        return;
    if (!m_printer) {
        m_printer = std::make_unique<QPrinter>(QPrinter::HighResolution);
        m_printer->setPageSize(QPageSize(QPageSize::A4));
    }
    m_printer->setDocName(tr("Visit summary: %1").arg(m_release->patientName));
    auto* dialog = new QPrintDialog(m_printer.get(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Print the visit summary"));
    connect(dialog, qOverload<QPrinter*>(&QPrintDialog::accepted), this, [this](QPrinter*) {
        summaryDocument().print(m_printer.get());
        m_message->setText(tr("The visit summary was sent to the printer."));
    });
    dialog->open();
}

void DischargePanel::chooseSummaryFile()
{
    if (!m_discharge)
        return;
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    auto* dialog =
        new QFileDialog(this, tr("Save the visit summary"),
                        QDir(dir).filePath(summaryDocument().defaultFileName()), tr("PDF (*.pdf)"));
    dialog->setObjectName(QStringLiteral("saveSummaryDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("pdf"));
    dialog->setOption(QFileDialog::DontUseNativeDialog); // the platform's may block this thread
    connect(dialog, &QFileDialog::fileSelected, this, &DischargePanel::saveSummaryTo);
    dialog->open();
}

void DischargePanel::saveSummaryTo(const QString& path)
{
    if (!m_writer->write(summaryDocument().toPdf(), path)) {
        m_message->setText(tr("Still saving the previous summary; try again in a moment."));
        return;
    }
    m_save->setEnabled(false);
    m_message->setText(tr("Saving the visit summary to %1…").arg(QDir::toNativeSeparators(path)));
}

} // namespace openopd::app
