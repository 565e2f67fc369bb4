#include "ui/standalone/startup_window.h"

#include "ui/error_label.h"

#include <QCloseEvent>
#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace openopd::app {

StartupWindow::StartupWindow(const QString& logDir, QWidget* parent)
    : QWidget(parent, Qt::Window), m_logDir(logDir)
{
    setObjectName(QStringLiteral("startupWindow"));
    setWindowTitle(tr("OpenOPD clinic on this PC"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 80);
    auto* layout = new QVBoxLayout(this);

    m_status = new QLabel(tr("Starting the clinic…"), this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy: the time is not known
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Starting the clinic"));
    layout->addWidget(m_progress);

    m_error = makeErrorLabel(this, tr("Why the clinic did not start"));
    layout->addWidget(m_error);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    m_logs = new QPushButton(tr("Open the &logs folder"), this);
    m_logs->hide();
    buttons->addWidget(m_logs);
    m_quit = new QPushButton(tr("&Quit"), this);
    m_quit->setObjectName(QStringLiteral("quit"));
    buttons->addWidget(m_quit);
    layout->addLayout(buttons);

    connect(m_logs, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_logDir)); });
    connect(m_quit, &QPushButton::clicked, this, &StartupWindow::quitRequested);
}

void StartupWindow::showProgress(const QString& text)
{
    m_status->setText(text);
}

void StartupWindow::showFailure(const QString& text)
{
    m_status->setText(tr("The clinic could not start."));
    m_progress->hide();
    m_error->setText(text);
    m_error->show();
    m_logs->show();
    m_quit->setText(tr("&Close"));
    m_quit->setFocus();
    adjustSize();
}

QString StartupWindow::statusText() const
{
    return m_status->text();
}

QString StartupWindow::failureText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void StartupWindow::closeEvent(QCloseEvent* event)
{
    // Closing the window is quitting: the clinic stops first, then the app.
    event->ignore();
    Q_EMIT quitRequested();
}

} // namespace openopd::app
