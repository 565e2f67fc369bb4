#include "ui/notification_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QTime>
#include <QToolButton>

namespace openopd::app {

namespace {
constexpr qsizetype kHistory = 50;
}

NotificationBanner::NotificationBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("notification"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#notification { background: #fff4e5; border: 1px solid #e65100; }"
                                 "#notification QLabel { color: #3e2723; }"));
    auto* layout = new QHBoxLayout(this);
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    m_label->setAccessibleDescription(tr("Notification"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close = new QToolButton(this);
    m_close->setText(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss the notification"));
    m_close->setFocusPolicy(Qt::TabFocus);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close);
    connect(m_close, &QToolButton::clicked, this, &NotificationBanner::dismiss);
    hide();
}

void NotificationBanner::post(const QString& message)
{
    m_history.append(QTime::currentTime().toString(u"HH:mm:ss") + u' ' + message);
    if (m_history.size() > kHistory)
        m_history.removeFirst();
    ++m_unseen;
    const QString more = m_unseen > 1 ? u' ' + tr("(%n more)", nullptr, m_unseen - 1) : QString();
    m_label->setText(message + more);
    m_label->setToolTip(m_history.join(u'\n'));
    show();
}

void NotificationBanner::dismiss()
{
    m_unseen = 0;
    hide();
}

QString NotificationBanner::text() const
{
    return isHidden() ? QString() : m_label->text();
}

} // namespace openopd::app
