#include "ui/reception/patient_form_dialog.h"

#include "bus/reply_decoding.h"
#include "bus/typed.h"
#include "core/error_text.h"
#include "core/reception/patient_commands.h"
#include "core/reception/patient_form_rules.h"
#include "core/reception/patient_text.h"
#include "protocol/catalog.h"
#include "protocol/endpoints.h"
#include "ui/command_outcome_bar.h"
#include "ui/reception/patient_form_fields.h"
#include "ui/reception/visit_fields.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace openopd::app {
namespace {

// A decoder's message is "<field>: <rule>"; next to the field, the rule is enough.
QString withoutFieldPrefix(const bus::BusError& error)
{
    const QString prefix = error.field + QStringLiteral(": ");
    return !error.field.isEmpty() && error.message.startsWith(prefix)
               ? error.message.mid(prefix.size())
               : error.message;
}

QString describe(const protocol::Patient& patient)
{
    QStringList parts{
        patient.details.fullName, PatientFormDialog::tr("MRN %1").arg(patient.mrn),
        PatientFormDialog::tr("born %1").arg(PatientText::dateOfBirth(patient.details))};
    if (!patient.details.nationalId.isEmpty())
        parts.append(PatientFormDialog::tr("national id %1").arg(patient.details.nationalId));
    if (!patient.details.phone.isEmpty())
        parts.append(patient.details.phone);
    return parts.join(QStringLiteral(" · "));
}

} // namespace

PatientFormDialog::PatientFormDialog(Session& session, QWidget* parent, const QString& name)
    : QDialog(parent), m_session(session)
{
    build();
    m_fields->setFullName(name);
    setWindowTitle(tr("Register a patient"));
}

PatientFormDialog::PatientFormDialog(Session& session, const protocol::Patient& patient,
                                     QWidget* parent)
    : QDialog(parent), m_session(session), m_editing(patient)
{
    build();
    m_fields->setPatient(patient);
    setWindowTitle(tr("Edit %1 (MRN %2)").arg(patient.details.fullName, patient.mrn));
}

void PatientFormDialog::build()
{
    setObjectName(QStringLiteral("patientFormDialog"));
    setMinimumWidth(520);
    m_fields = new PatientFormFields(this);

    if (!m_editing) {
        // Most new patients have come to be seen now: the first visit goes with the
        // registration, in one request, unless this is ticked off.
        m_visitBox = new QGroupBox(tr("Open a &visit now"), this);
        m_visitBox->setObjectName(QStringLiteral("firstVisit"));
        m_visitBox->setCheckable(true);
        m_visitBox->setChecked(true);
        m_visitBox->setAccessibleName(tr("Open a visit now"));
        m_visitFields = new VisitFields(m_visitBox);
        auto* visitLayout = new QVBoxLayout(m_visitBox);
        visitLayout->addWidget(m_visitFields);
        connect(m_visitBox, &QGroupBox::toggled, this, [this] {
            updateSaveText();
            m_visitFields->setQueueError({});
        });
    }

    m_duplicateBox = new QGroupBox(tr("Already registered?"), this);
    m_duplicateBox->setObjectName(QStringLiteral("duplicates"));
    m_duplicateText = new QLabel(m_duplicateBox);
    m_duplicateText->setWordWrap(true);
    m_duplicateList = new QListWidget(m_duplicateBox);
    m_duplicateList->setObjectName(QStringLiteral("duplicateList"));
    m_duplicateList->setMaximumHeight(fontMetrics().lineSpacing() * 7);
    m_duplicateList->setAccessibleName(tr("Patients already registered"));
    m_duplicateText->setBuddy(m_duplicateList);
    m_openExisting = new QPushButton(tr("&Open existing"), m_duplicateBox);
    m_openExisting->setObjectName(QStringLiteral("openExisting"));
    m_registerAnyway = new QPushButton(tr("Register &anyway"), m_duplicateBox);
    m_registerAnyway->setObjectName(QStringLiteral("registerAnyway"));
    auto* duplicateButtons = new QHBoxLayout;
    duplicateButtons->addWidget(m_openExisting);
    duplicateButtons->addWidget(m_registerAnyway);
    duplicateButtons->addStretch(1);
    auto* duplicateLayout = new QVBoxLayout(m_duplicateBox);
    duplicateLayout->addWidget(m_duplicateText);
    duplicateLayout->addWidget(m_duplicateList);
    duplicateLayout->addLayout(duplicateButtons);
    m_duplicateBox->hide();

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("formStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();

    // Where the last Save stands; "Try again" (same request id) only when that is safe.
    m_outcome = new CommandOutcomeBar(this);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_save = m_buttons->addButton(tr("&Save"), QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("save"));
    m_save->setDefault(true); // Enter in a field saves
    updateSaveText();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_fields);
    if (m_visitBox)
        layout->addWidget(m_visitBox);
    layout->addWidget(m_duplicateBox);
    layout->addWidget(m_status);
    m_reload = new QPushButton(tr("&Reload the current details"), this);
    m_reload->setObjectName(QStringLiteral("reload"));
    m_reload->hide();
    layout->addWidget(m_reload, 0, Qt::AlignLeading);
    layout->addWidget(m_outcome);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    connect(m_reload, &QPushButton::clicked, this, &PatientFormDialog::reload);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &PatientFormDialog::reject);
    connect(m_openExisting, &QPushButton::clicked, this, [this] {
        const int row = m_duplicateList->currentRow();
        if (row < 0 || row >= m_duplicates.size())
            return;
        Q_EMIT openExistingRequested(m_duplicates.at(row));
        accept();
    });
    connect(m_registerAnyway, &QPushButton::clicked, this, [this] { save(true); });
    connect(m_duplicateList, &QListWidget::itemActivated, m_openExisting, &QPushButton::click);
    // An edited draft is another question: the duplicates found for the old one go.
    connect(m_fields, &PatientFormFields::edited, this, [this] {
        if (!busy())
            m_duplicateBox->hide();
    });
}

QString PatientFormDialog::fieldError(const QString& key) const
{
    return m_fields->error(key);
}

QString PatientFormDialog::statusText() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

QString PatientFormDialog::outcomeText() const
{
    return m_outcome->text();
}

bool PatientFormDialog::busy() const
{
    return m_command && (m_command->phase() == Command::Phase::Sending ||
                         m_command->phase() == Command::Phase::Checking);
}

std::optional<protocol::FirstVisit> PatientFormDialog::wantedVisit() const
{
    if (!m_visitBox || !m_visitBox->isChecked())
        return std::nullopt;
    return m_visitFields->visit();
}

void PatientFormDialog::updateSaveText()
{
    if (m_editing)
        m_save->setText(tr("&Save"));
    else if (m_visitBox->isChecked())
        m_save->setText(tr("&Register and open visit"));
    else
        m_save->setText(tr("&Register"));
}

void PatientFormDialog::setStatus(const QString& text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    growToFit();
}

void PatientFormDialog::growToFit()
{
    // Grow (never shrink) with error lines and the duplicates instead of squeezing the
    // fields; wrapped lines need the height for the current width.
    layout()->activate();
    const int needed =
        std::max(layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width())
                                               : sizeHint().height(),
                 minimumSizeHint().height());
    if (needed > height())
        resize(width(), needed);
}

void PatientFormDialog::save(bool confirmDuplicate)
{
    if (busy() || !m_save->isEnabled())
        return;
    m_fields->clearErrors();
    if (m_visitFields)
        m_visitFields->setQueueError({});
    setStatus({});
    const PatientFormCheck check = PatientFormRules::check(m_fields->input(), QDate::currentDate());
    const std::optional<protocol::FirstVisit> visit = wantedVisit();
    const bool queueMissing = visit && visit->queue.isEmpty();
    if (!check.ok() || queueMissing) {
        for (auto it = check.errors.cbegin(); it != check.errors.cend(); ++it)
            m_fields->showError(it.key(), it.value());
        if (queueMissing)
            m_visitFields->setQueueError(tr("Choose the queue the patient waits in."));
        if (!check.ok())
            m_fields->focusFirstError();
        else
            m_visitFields->queueField()->setFocus(Qt::OtherFocusReason);
        setStatus(tr("Nothing was sent: correct the fields marked in red."));
        return;
    }
    // The same draft again after a failure that was certainly not done, or a read that found
    // it not done: the same request id, so a late first attempt is never done twice.
    if (m_command && m_command->canRepeat() && check.details == m_sentDetails &&
        confirmDuplicate == m_sentConfirm && visit == m_sentVisit) {
        m_command->repeat();
        return;
    }
    send(check.details, confirmDuplicate);
}

void PatientFormDialog::send(const protocol::PatientDetails& details, bool confirmDuplicate)
{
    bus::Connection* connection = m_session.connection();
    if (!connection) {
        setStatus(tr("Not signed in: nothing was sent."));
        return;
    }
    if (m_command)
        m_command->deleteLater(); // its outcome is known (busy and Unknown never get here)
    m_duplicateBox->hide();
    m_sentDetails = details;
    m_sentConfirm = confirmDuplicate;
    m_sentVisit = wantedVisit();
    const QByteArray subject = m_editing ? protocol::kUpdatePatient.subjectBytes()
                                         : protocol::kCreatePatient.subjectBytes();
    const protocol::EndpointInfo* endpoint = protocol::findEndpoint(subject);
    const protocol::StaffRef staff =
        m_session.principal().actingAs(endpoint ? endpoint->roles : QList<protocol::StaffRole>{});
    if (m_editing) {
        protocol::UpdatePatientRequest request{staff, m_editing->id, m_editing->revision, details};
        m_command = PatientCommands::update(*connection, request, this);
    } else {
        protocol::CreatePatientRequest request{staff, details, {}, confirmDuplicate, m_sentVisit};
        m_command = PatientCommands::create(*connection, request, this);
    }
    // The bar first, so it has its new text when onPhase sizes the dialog.
    m_outcome->follow(
        m_command, m_editing     ? tr("Saving the changes to %1").arg(details.fullName)
                   : m_sentVisit ? tr("Registering %1 and opening the visit").arg(details.fullName)
                                 : tr("Registering %1").arg(details.fullName));
    connect(m_command, &Command::phaseChanged, this, &PatientFormDialog::onPhase);
    connect(m_command, &Command::succeeded, this, &PatientFormDialog::onSucceeded);
    connect(m_command, &Command::failed, this, &PatientFormDialog::onFailed);
    connect(m_command, &Command::checked, this, &PatientFormDialog::onChecked);
    m_command->start();
}

void PatientFormDialog::onPhase(Command::Phase phase)
{
    using Phase = Command::Phase;
    const bool inFlight = phase == Phase::Sending || phase == Phase::Checking;
    const bool unknown =
        phase == Phase::Checked && m_command->lastCheck().verdict == OutcomeCheck::Verdict::Unknown;
    // Nothing new is sent while the last command may still have happened.
    m_save->setEnabled(!inFlight && !unknown);
    m_fields->setEnabled(!inFlight);
    m_duplicateBox->setEnabled(!inFlight);
    if (m_visitBox)
        m_visitBox->setEnabled(!inFlight);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!inFlight);
    growToFit();
}

void PatientFormDialog::onSucceeded(const bus::Message& reply)
{
    setStatus({});
    if (m_editing) {
        bus::Result<protocol::PatientReply> decoded =
            bus::Codec<protocol::PatientReply>::decode(reply.data);
        if (!decoded)
            return setStatus(
                tr("Saved, but the answer could not be read: %1").arg(decoded.error().message));
        return finish(decoded.value().patient);
    }
    bus::Result<protocol::CreatePatientReply> decoded =
        bus::Codec<protocol::CreatePatientReply>::decode(reply.data);
    if (!decoded)
        return setStatus(tr("The answer could not be read: %1").arg(decoded.error().message));
    if (decoded.value().created && decoded.value().patient)
        return finish(*decoded.value().patient, decoded.value().visit);
    showDuplicates(decoded.value().duplicates);
}

void PatientFormDialog::onFailed(const bus::BusError& error)
{
    if (m_editing && error.code == 409 && error.field == u"revision") {
        // Someone else saved first: offer their version to edit again (never overwrite it).
        m_reload->show();
        m_reload->setFocus(Qt::OtherFocusReason);
        return;
    }
    if (m_visitFields && error.field == u"visit.queue") {
        // A full queue (409) or a queue name the service refuses: nothing was registered.
        m_visitFields->setQueueError(withoutFieldPrefix(error));
        m_visitFields->queueField()->setFocus(Qt::OtherFocusReason);
        m_outcome->clear(); // the message is under the queue
        setStatus(tr("Nothing was registered: choose another queue, or untick \"Open a visit "
                     "now\" to register the patient alone."));
        return;
    }
    const QString key = PatientFormRules::fieldKeyOf(error.field);
    if (!key.isEmpty() && m_fields->showError(key, withoutFieldPrefix(error))) {
        m_fields->focusFirstError();
        m_outcome->clear(); // the message is under its field
        setStatus(tr("Not saved: correct the field marked in red."));
    }
    // Otherwise the outcome bar says why (and offers Try again when nothing was done).
}

void PatientFormDialog::reload()
{
    bus::Connection* connection = m_session.connection();
    if (!m_editing || !connection)
        return;
    m_reload->setEnabled(false);
    setStatus(tr("Loading the current details…"));
    protocol::GetPatientRequest request;
    request.patientId = m_editing->id;
    bus::request(
        *connection, protocol::kGetPatient, request, this,
        [this](bus::Result<protocol::PatientReply> reply) {
            m_reload->setEnabled(true);
            if (!reply) {
                setStatus(
                    tr("The current details could not be loaded: %1").arg(userText(reply.error())));
                return;
            }
            const protocol::Patient& current = reply.value().patient;
            m_editing = current;
            m_fields->clearErrors();
            m_fields->setPatient(current);
            m_outcome->clear();
            m_reload->hide();
            setStatus(tr("These are the details as %1 saved them. Enter your changes "
                         "again, then Save.")
                          .arg(current.updatedBy.name));
            m_fields->field(QStringLiteral("full_name"))->setFocus(Qt::OtherFocusReason);
        });
}

void PatientFormDialog::onChecked(const OutcomeCheck& check)
{
    switch (check.verdict) {
    case OutcomeCheck::Verdict::Done:
        if (m_editing) {
            if (const std::optional<protocol::Patient> found =
                    PatientCommands::foundPatient(check)) {
                m_session.notify(check.detail);
                finish(*found);
            }
            return;
        }
        if (const auto found = PatientCommands::foundRegistration(check)) {
            m_session.notify(check.detail);
            finish(*found->patient, found->visit);
        }
        return;
    case OutcomeCheck::Verdict::NotDone:
        m_outcome->repeatButton()->setFocus(Qt::OtherFocusReason);
        return;
    case OutcomeCheck::Verdict::Unknown:
        m_outcome->checkButton()->setFocus(Qt::OtherFocusReason);
        return;
    }
}

void PatientFormDialog::showDuplicates(const QList<protocol::Patient>& duplicates)
{
    m_duplicates = duplicates;
    m_duplicateList->clear();
    bool sameNationalId = false;
    for (const protocol::Patient& patient : duplicates) {
        m_duplicateList->addItem(describe(patient));
        sameNationalId =
            sameNationalId || (!m_sentDetails.nationalId.isEmpty() &&
                               patient.details.nationalId.compare(m_sentDetails.nationalId,
                                                                  Qt::CaseInsensitive) == 0);
    }
    m_duplicateList->setCurrentRow(0);
    // A national id match is never bypassed by the service.
    m_registerAnyway->setEnabled(!sameNationalId);
    m_duplicateText->setText(
        sameNationalId
            ? tr("A patient with the national id %1 is already registered. Open the existing "
                 "record, or correct the national id.")
                  .arg(m_sentDetails.nationalId)
            : tr("A patient with the same name and date of birth is already registered. Open "
                 "the existing record, or register a new patient anyway if this is someone "
                 "else."));
    m_duplicateBox->show();
    m_duplicateList->setFocus(Qt::OtherFocusReason);
    growToFit();
}

void PatientFormDialog::finish(const protocol::Patient& patient,
                               const std::optional<protocol::Visit>& visit)
{
    Q_EMIT patientSaved(patient);
    if (visit)
        Q_EMIT visitOpened(patient, *visit);
    accept();
}

void PatientFormDialog::reject()
{
    if (busy())
        return; // the answer (or the read) is on its way; the status says so
    if (m_command && m_command->phase() == Command::Phase::Checked &&
        m_command->lastCheck().verdict == OutcomeCheck::Verdict::Unknown)
        m_session.notify(tr("It is not known whether %1 was saved: find the patient before "
                            "registering or editing them again.")
                             .arg(m_sentDetails.fullName));
    QDialog::reject();
}

} // namespace openopd::app
