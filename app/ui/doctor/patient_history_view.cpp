#include "ui/doctor/patient_history_view.h"

#include "bus/codec.h"
#include "bus/request_handle.h"
#include "bus/subscription.h"
#include "core/doctor/prescription_sheet.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSet>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace openopd::app {

namespace {
constexpr int kConsultationIdRole = Qt::UserRole + 1;
constexpr int kOrderLineRole = Qt::UserRole + 2; // lab order line number (1-based)
constexpr int kDispenseRole = Qt::UserRole + 3;  // the dispense id of a dispensed line
} // namespace

PatientHistoryView::PatientHistoryView(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* title = new QLabel(tr("History"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setAccessibleDescription(tr("History status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("patientHistory"));
    m_tree->setAccessibleName(tr("Patient history, newest first"));
    m_tree->setHeaderHidden(true);
    m_tree->setWordWrap(true);
    m_tree->setUniformRowHeights(false);
    title->setBuddy(m_tree);
    layout->addWidget(m_tree, 1);

    // Lab results arrive live while a patient is open (the doctor may read them).
    if (bus::Connection* connection = session.connection())
        m_results =
            connection->subscribe(protocol::kLabResulted.subjectBytes(), this,
                                  [this](const bus::Message& message) { onLabResulted(message); });
    // So do dispenses (the pharmacy's answer to the prescriptions).
    if (bus::Connection* connection = session.connection())
        m_dispensed =
            connection->subscribe(protocol::kVisitDispensed.subjectBytes(), this,
                                  [this](const bus::Message& message) { onDispensed(message); });
    clear();
}

void PatientHistoryView::clear()
{
    delete m_request;
    m_patientId.clear();
    m_tree->clear();
    m_status->setText(tr("No patient open."));
}

void PatientHistoryView::showPatient(const QString& patientId)
{
    clear();
    m_patientId = patientId;
    reload();
}

void PatientHistoryView::reload()
{
    bus::Connection* connection = m_session.connection();
    if (m_patientId.isEmpty() || !connection)
        return;
    delete m_request;
    m_status->setText(tr("Loading the history…"));
    protocol::PatientHistoryRequest request;
    request.patientId = m_patientId;
    request.limit = 20;
    m_request = bus::sendRequest(
        *connection, protocol::kPatientHistory, request, this,
        [this, patientId = m_patientId](bus::Result<protocol::PatientHistoryReply> reply) {
            if (patientId != m_patientId)
                return;
            if (!reply) {
                m_status->setText(
                    tr("The history could not be loaded: %1").arg(userText(reply.error())));
                return;
            }
            show(reply.value());
        });
}

void PatientHistoryView::show(const protocol::PatientHistoryReply& reply)
{
    m_tree->clear();
    for (const protocol::HistoryEntry& entry : reply.entries) // newest first, as sent
        addEntry(entry);
    if (reply.entries.isEmpty())
        m_status->setText(tr("No earlier consultations."));
    else if (reply.truncated)
        m_status->setText(tr("The latest %n consultation(s); older ones are not shown.", nullptr,
                             int(reply.entries.size())));
    else
        m_status->setText(tr("%n consultation(s).", nullptr, int(reply.entries.size())));
    loadDispenses(reply);
    Q_EMIT loaded();
}

void PatientHistoryView::loadDispenses(const protocol::PatientHistoryReply& reply)
{
    // What was dispensed is the pharmacy's record: the discharge service's visit summary
    // (opd.discharge.release.get, which a doctor may read) has it per visit. A visit it does
    // not know (404) or a failed read just shows no dispensed lines.
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    QSet<QString> visits;
    for (const protocol::HistoryEntry& entry : reply.entries)
        visits.insert(entry.consultation.visitId);
    for (const QString& visitId : std::as_const(visits))
        bus::sendRequest(
            *connection, protocol::kGetRelease, protocol::GetReleaseRequest{visitId}, this,
            [this, patientId = m_patientId](bus::Result<protocol::ReleaseStatusReply> status) {
                if (patientId != m_patientId || !status)
                    return;
                for (const protocol::Dispense& dispense : status->summary.dispenses)
                    addDispense(dispense, false);
            });
}

QString PatientHistoryView::dispensedText(const protocol::DispensedLine& line, const QDateTime& at)
{
    return tr("Dispensed: %1 × %2 (%3)")
        .arg(line.drugName, QLocale().toString(line.quantity),
             QLocale().toString(at.toLocalTime(), QLocale::ShortFormat));
}

void PatientHistoryView::addDispense(const protocol::Dispense& dispense, bool isNew)
{
    QTreeWidgetItem* top = itemOfConsultation(dispense.consultationId);
    if (!top)
        return;
    for (int i = 0; i < top->childCount(); ++i)
        if (top->child(i)->data(0, kDispenseRole).toString() == dispense.id)
            return; // already shown (the live event and the read may both bring it)
    for (const protocol::DispensedLine& line : dispense.lines) {
        auto* item = new QTreeWidgetItem(top);
        item->setText(0, dispensedText(line, dispense.dispensedAt));
        item->setToolTip(0, item->text(0));
        item->setData(0, kDispenseRole, dispense.id);
        if (isNew) {
            QFont bold = item->font(0);
            bold.setBold(true); // new since the history was opened
            item->setFont(0, bold);
        }
    }
}

void PatientHistoryView::onDispensed(const bus::Message& message)
{
    using Envelope = protocol::EventEnvelope<protocol::Dispense>;
    auto event = bus::Codec<Envelope>::decode(message.data);
    if (!event || m_patientId.isEmpty() || event->payload.patientId != m_patientId)
        return;
    addDispense(event->payload, true);
}

QString PatientHistoryView::resultText(const protocol::LabResult& result)
{
    const protocol::LabResultEntry& entry = result.entry;
    QString text = tr("Result %1: %2").arg(result.testName, entry.value);
    if (!entry.unit.isEmpty())
        text += u' ' + entry.unit;
    if (!entry.referenceRange.isEmpty())
        text += tr(" (reference %1)").arg(entry.referenceRange);
    if (entry.flag == protocol::LabFlag::Abnormal)
        text += tr(" — abnormal");
    else if (entry.flag == protocol::LabFlag::Critical)
        text += tr(" — CRITICAL");
    return text;
}

void PatientHistoryView::addEntry(const protocol::HistoryEntry& entry)
{
    const protocol::Consultation& consultation = entry.consultation;
    const protocol::ConsultationContent& content = consultation.content;
    QStringList diagnoses;
    for (const protocol::Diagnosis& diagnosis : content.diagnoses)
        diagnoses << (diagnosis.icd10.isEmpty()
                          ? diagnosis.text
                          : tr("%1 (%2)").arg(diagnosis.text, diagnosis.icd10));
    auto* top = new QTreeWidgetItem(m_tree);
    top->setText(
        0,
        tr("%1 — %2 — %3")
            .arg(QLocale().toString(consultation.savedAt.toLocalTime(), QLocale::ShortFormat),
                 consultation.doctor.name,
                 diagnoses.isEmpty() ? tr("no diagnosis") : diagnoses.join(QStringLiteral("; "))));
    top->setData(0, kConsultationIdRole, consultation.id);
    QFont bold = top->font(0);
    bold.setBold(true);
    top->setFont(0, bold);
    top->setToolTip(0, top->text(0)); // the whole line, where the column is narrower
    const auto child = [top](const QString& text) {
        auto* item = new QTreeWidgetItem(top);
        item->setText(0, text);
        item->setToolTip(0, text);
        return item;
    };
    if (!content.complaint.isEmpty())
        child(tr("Complaint: %1").arg(content.complaint));
    if (!content.notes.isEmpty())
        child(tr("Notes: %1").arg(content.notes));
    for (const protocol::PrescriptionLine& line : content.prescriptions)
        child(tr("Prescribed: %1").arg(PrescriptionSheet::lineText(line)));
    for (int i = 0; i < content.labOrders.size(); ++i) {
        const protocol::LabOrderLine& order = content.labOrders.at(i);
        QTreeWidgetItem* item = nullptr;
        for (const protocol::LabResult& result : entry.labResults)
            if (result.line == i + 1)
                item = child(resultText(result));
        if (!item)
            item = child(tr("Lab order %1: waiting for the result").arg(order.testName));
        item->setData(0, kOrderLineRole, i + 1);
    }
    top->setExpanded(m_tree->topLevelItemCount() <= 3);
}

QTreeWidgetItem* PatientHistoryView::itemOfConsultation(const QString& consultationId) const
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (m_tree->topLevelItem(i)->data(0, kConsultationIdRole).toString() == consultationId)
            return m_tree->topLevelItem(i);
    return nullptr;
}

void PatientHistoryView::onLabResulted(const bus::Message& message)
{
    using Envelope = protocol::EventEnvelope<protocol::LabResult>;
    auto event = bus::Codec<Envelope>::decode(message.data);
    if (!event || m_patientId.isEmpty() || event->payload.patientId != m_patientId)
        return;
    const protocol::LabResult& result = event->payload;
    QTreeWidgetItem* top = itemOfConsultation(result.consultationId);
    if (!top) {
        reload(); // a consultation we do not show yet (saved just now): read it all
        Q_EMIT labResultArrived(result);
        return;
    }
    QTreeWidgetItem* line = nullptr;
    for (int i = 0; i < top->childCount(); ++i)
        if (top->child(i)->data(0, kOrderLineRole).toInt() == result.line)
            line = top->child(i);
    if (!line) {
        line = new QTreeWidgetItem(top);
        line->setData(0, kOrderLineRole, result.line);
    }
    line->setText(0, resultText(result));
    line->setToolTip(0, line->text(0));
    QFont bold = line->font(0);
    bold.setBold(true); // new since the history was opened
    line->setFont(0, bold);
    top->setExpanded(true);
    Q_EMIT labResultArrived(result);
}

QStringList PatientHistoryView::lines() const
{
    QStringList out;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = m_tree->topLevelItem(i);
        out << top->text(0);
        for (int j = 0; j < top->childCount(); ++j)
            out << QStringLiteral("  ") + top->child(j)->text(0);
    }
    return out;
}

} // namespace openopd::app
