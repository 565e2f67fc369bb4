#pragma once

// A small non-modal window while the standalone clinic starts or stops: what it is doing now,
// a busy bar, and Quit. A failed start keeps it up with the message (which component, where
// its log is), a button that opens the logs folder, and Close.

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace openopd::app {

class StartupWindow final : public QWidget
{
    Q_OBJECT
public:
    explicit StartupWindow(const QString& logDir, QWidget* parent = nullptr);

    void showProgress(const QString& text);
    void showFailure(const QString& text);
    QString statusText() const;
    QString failureText() const;

Q_SIGNALS:
    void quitRequested();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QString m_logDir;
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_logs = nullptr;
    QPushButton* m_quit = nullptr;
};

} // namespace openopd::app
