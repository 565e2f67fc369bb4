#pragma once

// The doctor's live queue (issue 11): who waits (priority, then token; waiting time), who is
// called and by whom. "Call next" calls the first waiting visit
// (opd.consultation.queue.call_next); "Call this one" calls the selected visit. Both are
// app::Commands (request id, read before repeat); the line under the list says what happened
// in words: nobody waits, another doctor got there first, the call failed and why.

#include "core/session.h"
#include "protocol/visit.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace openopd::app {

class Command;
class CommandOutcomeBar;
class DoctorQueueModel;

class DoctorQueuePanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DoctorQueuePanel(Session& session, QWidget* parent = nullptr);

    DoctorQueueModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QString message() const;
    Command* lastCommand() const { return m_command; }

    void callNext();
    void callSelected();
    void focusQueue();

Q_SIGNALS:
    // This doctor called the visit (it is "called" by them now).
    void patientCalled(const openopd::protocol::QueueEntry& entry);

private:
    void followCall(Command* command, const QString& action, bool next, int waitingBefore);
    void showMessage(const QString& text);
    void updateStatus();
    void updateButtons();

    Session& m_session;
    DoctorQueueModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_callNext = nullptr;
    QPushButton* m_callThis = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QPointer<Command> m_command;
};

} // namespace openopd::app
