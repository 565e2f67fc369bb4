#include "ui/connection_indicator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

namespace openopd::app {

ConnectionIndicator::ConnectionIndicator(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->setAccessibleName(tr("Working"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(80);
    m_busy->setMaximumHeight(14);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("connectionState"));
    m_label->setAccessibleDescription(tr("Connection state"));
    layout->addWidget(m_busy);
    layout->addWidget(m_label);
    m_offline.setSingleShot(true);
    m_offline.setInterval(kOfflineAfterMs);
    connect(&m_offline, &QTimer::timeout, this, [this] {
        show(tr("Offline — trying to reconnect; nothing can be saved until then"),
             QStringLiteral("#b00020"));
    });
    setState(bus::Connection::State::Closed);
}

void ConnectionIndicator::show(const QString& text, const QString& colour)
{
    m_label->setText(text);
    m_label->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(colour));
}

void ConnectionIndicator::setState(bus::Connection::State state)
{
    using State = bus::Connection::State;
    m_state = state;
    switch (state) {
    case State::Connected:
        m_offline.stop();
        show(tr("Connected"), QStringLiteral("#1b5e20"));
        break;
    case State::Connecting:
    case State::Reconnecting:
        show(tr("Reconnecting…"), QStringLiteral("#e65100"));
        if (!m_offline.isActive())
            m_offline.start();
        break;
    case State::Disconnected:
    case State::Closed:
        m_offline.stop();
        show(tr("Offline"), QStringLiteral("#b00020"));
        break;
    }
}

void ConnectionIndicator::setRequestsInFlight(int count)
{
    m_busy->setVisible(count > 0);
}

QString ConnectionIndicator::text() const
{
    return m_label->text();
}

bool ConnectionIndicator::isBusy() const
{
    return !m_busy->isHidden();
}

} // namespace openopd::app
