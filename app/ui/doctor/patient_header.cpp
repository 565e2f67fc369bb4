#include "ui/doctor/patient_header.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "core/reception/patient_text.h"
#include "core/reception/waiting_list_model.h"
#include "protocol/endpoints.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace openopd::app {

PatientHeader::PatientHeader(Session& session, QWidget* parent) : QFrame(parent), m_session(session)
{
    setObjectName(QStringLiteral("patientHeader"));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_name = new QLabel(this);
    m_name->setObjectName(QStringLiteral("headerName"));
    m_name->setAccessibleDescription(tr("Patient"));
    QFont big = m_name->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.4);
    m_name->setFont(big);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_name);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("headerDetails"));
    m_details->setAccessibleDescription(tr("Age and sex"));
    top->addWidget(m_details);
    top->addStretch();
    m_visit = new QLabel(this);
    m_visit->setObjectName(QStringLiteral("headerVisit"));
    m_visit->setAccessibleDescription(tr("Visit"));
    top->addWidget(m_visit);
    layout->addLayout(top);
    m_allergies = new QLabel(this);
    m_allergies->setObjectName(QStringLiteral("headerAllergies"));
    m_allergies->setAccessibleDescription(tr("Allergies"));
    m_allergies->setWordWrap(true);
    m_allergies->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_allergies);
    clear();
}

void PatientHeader::clear()
{
    delete m_request;
    m_patient.reset();
    m_name->setText(tr("No patient called"));
    m_details->clear();
    m_visit->clear();
    m_allergies->hide();
}

void PatientHeader::setAllergies(const QString& text, bool alarming)
{
    QFont font = m_allergies->font();
    font.setBold(true);
    font.setPointSizeF(QFont().pointSizeF() * 1.15);
    m_allergies->setFont(font);
    // Red for known allergies and for "not known yet"; plain for "No known allergies".
    m_allergies->setStyleSheet(
        alarming ? QStringLiteral("color: white; background: #b00020; padding: 6px; "
                                  "border-radius: 3px;")
                 : QStringLiteral("padding: 6px; border: 1px solid palette(mid); "
                                  "border-radius: 3px;"));
    m_allergies->setText(text);
    m_allergies->show();
}

void PatientHeader::showEntry(const protocol::QueueEntry& entry)
{
    clear();
    m_name->setText(entry.patientName);
    m_visit->setText(tr("Token %1 · %2 · %3")
                         .arg(entry.token)
                         .arg(WaitingListModel::priorityText(entry.priority), entry.queue));
    setAllergies(tr("Allergies: loading…"), true);
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    protocol::GetPatientRequest request;
    request.patientId = entry.patientId;
    m_request = bus::sendRequest(
        *connection, protocol::kGetPatient, request, this,
        [this, patientId = entry.patientId](bus::Result<protocol::PatientReply> reply) {
            if (!reply) {
                setAllergies(tr("Allergies: not known — the record could not be read (%1)")
                                 .arg(userText(reply.error())),
                             true);
                return;
            }
            if (reply->patient.id == patientId)
                showPatient(reply->patient);
        });
}

void PatientHeader::showPatient(const protocol::Patient& patient)
{
    m_patient = patient;
    const protocol::PatientDetails& details = patient.details;
    m_name->setText(details.fullName);
    const QString age = PatientText::age(details, QDate::currentDate());
    QStringList parts;
    if (!age.isEmpty())
        parts << tr("%1 years").arg(age);
    parts << PatientText::sex(details.sex);
    if (!patient.mrn.isEmpty())
        parts << tr("MRN %1").arg(patient.mrn);
    m_details->setText(parts.join(QStringLiteral(" · ")));
    if (details.allergies.isEmpty())
        setAllergies(tr("No known allergies"), false);
    else
        setAllergies(tr("Allergies: %1").arg(details.allergies.join(QStringLiteral(", "))), true);
    Q_EMIT patientLoaded(patient);
}

QString PatientHeader::allergiesText() const
{
    return m_allergies->isHidden() ? QString() : m_allergies->text();
}

QString PatientHeader::text() const
{
    QStringList parts{m_name->text(), m_details->text(), m_visit->text(), allergiesText()};
    parts.removeAll(QString());
    return parts.join(QStringLiteral(" | "));
}

} // namespace openopd::app
