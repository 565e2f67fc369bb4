#pragma once

// The three fields of a visit being opened (queue, priority, complaint), in one form layout
// with their labels and an error line under the queue. Shared by the open-visit dialog and
// the register form's "first visit" section, so both ask the same way.

#include "protocol/registration_api.h"

#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QPlainTextEdit;

namespace openopd::app {

class VisitFields final : public QWidget
{
    Q_OBJECT
public:
    explicit VisitFields(QWidget* parent = nullptr);

    // The queues offered (the first is preselected); the field also takes a typed name.
    void setQueues(const QStringList& queues);
    static QStringList defaultQueues();

    QString queue() const; // as typed or chosen, trimmed
    protocol::FirstVisit visit() const;
    // Fills the three fields (a queue not offered is typed in).
    void setVisit(const protocol::FirstVisit& visit);
    QComboBox* queueField() const { return m_queue; }
    QComboBox* priorityField() const { return m_priority; }
    QPlainTextEdit* complaintField() const { return m_complaint; }

    // A message under the queue field ("" clears it); queueError() reads it back.
    void setQueueError(const QString& message);
    QString queueError() const;

private:
    QComboBox* m_queue = nullptr;
    QLabel* m_queueError = nullptr;
    QComboBox* m_priority = nullptr;
    QPlainTextEdit* m_complaint = nullptr;
};

} // namespace openopd::app
