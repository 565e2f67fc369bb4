#include "ui/command_outcome_bar.h"

#include "core/command.h"
#include "core/error_text.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace openopd::app {

CommandOutcomeBar::CommandOutcomeBar(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("commandOutcome"));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QHBoxLayout(this);
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("commandOutcomeText"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setAccessibleDescription(tr("Action status"));
    layout->addWidget(m_text, 1);
    m_repeat = new QPushButton(tr("Try again"), this);
    m_repeat->setObjectName(QStringLiteral("commandRepeat"));
    m_check = new QPushButton(tr("Check again"), this);
    m_check->setObjectName(QStringLiteral("commandCheck"));
    layout->addWidget(m_check);
    layout->addWidget(m_repeat);
    connect(m_repeat, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->repeat();
    });
    connect(m_check, &QPushButton::clicked, this, [this] {
        if (m_command)
            m_command->checkAgain();
    });
    hide();
}

void CommandOutcomeBar::follow(Command* command, const QString& action)
{
    if (m_command)
        disconnect(m_command, nullptr, this, nullptr);
    m_command = command;
    m_action = action;
    if (command)
        connect(command, &Command::phaseChanged, this, &CommandOutcomeBar::refresh);
    refresh();
}

void CommandOutcomeBar::clear()
{
    follow(nullptr, {});
}

QString CommandOutcomeBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

void CommandOutcomeBar::refresh()
{
    using Phase = Command::Phase;
    using Verdict = OutcomeCheck::Verdict;
    QString text;
    bool canCheck = false;
    if (m_command) {
        const OutcomeCheck& check = m_command->lastCheck();
        switch (m_command->phase()) {
        case Phase::Idle:
        case Phase::Succeeded:
            break;
        case Phase::Sending:
            text = tr("%1…").arg(m_action);
            break;
        case Phase::Failed:
            text = tr("%1: not done. %2").arg(m_action, userText(m_command->lastError()));
            break;
        case Phase::Checking:
            text = tr("%1: no answer (%2) Checking whether it was done…")
                       .arg(m_action, userText(m_command->lastError()));
            break;
        case Phase::Checked:
            if (check.verdict == Verdict::Done)
                text = tr("%1: it was done. %2").arg(m_action, check.detail);
            else if (check.verdict == Verdict::NotDone)
                text = tr("%1: it was not done. %2").arg(m_action, check.detail);
            else {
                text = tr("%1: it is not known whether it was done, and nothing was repeated. "
                          "%2")
                           .arg(m_action, check.detail);
                canCheck = true;
            }
            break;
        }
        m_text->setToolTip(m_command->lastError().toString());
    }
    m_text->setText(text.trimmed());
    m_repeat->setVisible(m_command && m_command->canRepeat());
    m_check->setVisible(canCheck);
    setVisible(!text.isEmpty());
}

} // namespace openopd::app
