#pragma once

// Non-modal notifications: a dismissable banner above the workspace showing the latest
// message (errors from the bridge, a session that could not be renewed), with a count of
// earlier ones. Work goes on underneath; nothing here takes the focus.

#include <QFrame>
#include <QStringList>

class QLabel;
class QToolButton;

namespace openopd::app {

class NotificationBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit NotificationBanner(QWidget* parent = nullptr);

    void post(const QString& message);
    void dismiss();
    QString text() const;
    const QStringList& history() const { return m_history; }

private:
    QLabel* m_label = nullptr;
    QToolButton* m_close = nullptr;
    QStringList m_history;
    int m_unseen = 0;
};

} // namespace openopd::app
