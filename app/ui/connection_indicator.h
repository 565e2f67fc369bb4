#pragma once

// The status bar's connection state, always visible: "Connected", "Reconnecting…" (the link
// dropped and the bridge is trying), "Offline" (down for longer than kOfflineAfter, or
// closed). A busy bar shows while requests are in flight.

#include "bus/connection.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace openopd::app {

class ConnectionIndicator final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kOfflineAfterMs = 10'000;

    explicit ConnectionIndicator(QWidget* parent = nullptr);

    void setState(bus::Connection::State state);
    void setRequestsInFlight(int count);
    QString text() const;
    bool isBusy() const;

private:
    void show(const QString& text, const QString& colour);

    bus::Connection::State m_state = bus::Connection::State::Closed;
    QLabel* m_label = nullptr;
    QProgressBar* m_busy = nullptr;
    QTimer m_offline;
};

} // namespace openopd::app
