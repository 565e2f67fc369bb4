#pragma once

// An inline bar under a form or list that follows one Command (core/command.h) and says, in
// plain words, where it stands: sending, failed (why), "no answer — checking whether it was
// done", and what the check found. It offers "Try again" only when a repeat is safe (the
// check showed the action was not done, or it was certainly not delivered) and "Check again"
// when the check itself failed. It never repeats anything on its own.

#include <QFrame>
#include <QPointer>

class QLabel;
class QPushButton;

namespace openopd::app {

class Command;

class CommandOutcomeBar final : public QFrame
{
    Q_OBJECT
public:
    explicit CommandOutcomeBar(QWidget* parent = nullptr);

    // Follows command (not owned) from now on; action names it for the user, e.g.
    // tr("Opening a visit for Ana Silva"). Hidden while there is nothing to say.
    void follow(Command* command, const QString& action);
    void clear();

    QString text() const;
    QPushButton* repeatButton() const { return m_repeat; }
    QPushButton* checkButton() const { return m_check; }

private:
    void refresh();

    QPointer<Command> m_command;
    QString m_action;
    QLabel* m_text = nullptr;
    QPushButton* m_repeat = nullptr;
    QPushButton* m_check = nullptr;
};

} // namespace openopd::app
