#include "ui/reception/visit_fields.h"

#include "core/reception/waiting_list_model.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::Priority;

VisitFields::VisitFields(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    m_queue = new QComboBox(this);
    m_queue->setObjectName(QStringLiteral("queue"));
    m_queue->setAccessibleName(tr("Queue"));
    m_queue->setEditable(true);
    m_queue->setInsertPolicy(QComboBox::NoInsert);
    // docs/protocol.md: queue names are lower-case letters, digits, _ and -, up to 32.
    m_queue->setValidator(new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("[a-z0-9][a-z0-9_-]{0,31}")), m_queue));
    auto* queueLabel = new QLabel(tr("&Queue:"), this);
    queueLabel->setBuddy(m_queue);
    // The service's word on the queue (a full queue) shows under it, as the patient
    // fields' errors do.
    m_queueError = new QLabel(this);
    m_queueError->setObjectName(QStringLiteral("error_queue"));
    m_queueError->setWordWrap(true);
    m_queueError->setTextFormat(Qt::PlainText);
    m_queueError->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_queueError->hide();
    auto* queueCell = new QVBoxLayout;
    queueCell->setSpacing(2);
    queueCell->addWidget(m_queue);
    queueCell->addWidget(m_queueError);
    form->addRow(queueLabel, queueCell);

    m_priority = new QComboBox(this);
    m_priority->setObjectName(QStringLiteral("priority"));
    m_priority->setAccessibleName(tr("Priority"));
    for (Priority priority : {Priority::Normal, Priority::Urgent, Priority::Emergency})
        m_priority->addItem(WaitingListModel::priorityText(priority), int(priority));
    auto* priorityLabel = new QLabel(tr("Priorit&y:"), this);
    priorityLabel->setBuddy(m_priority);
    form->addRow(priorityLabel, m_priority);

    m_complaint = new QPlainTextEdit(this);
    m_complaint->setObjectName(QStringLiteral("complaint"));
    m_complaint->setAccessibleName(tr("Complaint"));
    m_complaint->setTabChangesFocus(true); // Tab leaves the field: the form works by keyboard
    m_complaint->setFixedHeight(fontMetrics().lineSpacing() * 4 + 12);
    auto* complaintLabel = new QLabel(tr("&Complaint:"), this);
    complaintLabel->setBuddy(m_complaint);
    form->addRow(complaintLabel, m_complaint);

    setQueues(defaultQueues());
}

QStringList VisitFields::defaultQueues()
{
    return {QStringLiteral("general")};
}

void VisitFields::setQueues(const QStringList& queues)
{
    m_queue->clear();
    m_queue->addItems(queues);
}

QString VisitFields::queue() const
{
    return m_queue->currentText().trimmed();
}

protocol::FirstVisit VisitFields::visit() const
{
    return {queue(), Priority(m_priority->currentData().toInt()),
            m_complaint->toPlainText().trimmed()};
}

void VisitFields::setVisit(const protocol::FirstVisit& visit)
{
    m_queue->setCurrentText(visit.queue);
    const int priority = m_priority->findData(int(visit.priority));
    if (priority >= 0)
        m_priority->setCurrentIndex(priority);
    m_complaint->setPlainText(visit.complaint);
}

void VisitFields::setQueueError(const QString& message)
{
    m_queueError->setText(message);
    m_queueError->setVisible(!message.isEmpty());
    m_queue->setAccessibleDescription(message); // read with the field
}

QString VisitFields::queueError() const
{
    return m_queueError->isHidden() ? QString() : m_queueError->text();
}

} // namespace openopd::app
