#include "ui/app_flow.h"

#include "ui/main_window.h"
#include "ui/sign_in_dialog.h"

namespace openopd::app {

AppFlow::AppFlow(Session& session, ProfileStore& profiles, const WorkspaceRegistry& registry,
                 QObject* parent)
    : QObject(parent), m_session(session),
      m_dialog(std::make_unique<SignInDialog>(session, profiles)),
      m_window(std::make_unique<MainWindow>(session, registry))
{
    connect(m_dialog.get(), &QDialog::accepted, this, [this] {
        m_window->populate();
        m_window->show();
        m_window->activateWindow();
    });
    connect(m_dialog.get(), &QDialog::rejected, this, &AppFlow::quitRequested);
    connect(m_window.get(), &MainWindow::quitRequested, this, &AppFlow::quitRequested);
    connect(m_window.get(), &MainWindow::switchUserRequested, this, [this] {
        m_switchingUser = true;
        m_session.signOut();
    });
    connect(&m_session, &Session::signedOut, this, &AppFlow::showSignIn);
}

AppFlow::~AppFlow() = default;

void AppFlow::start()
{
    showSignIn({});
}

void AppFlow::showSignIn(const QString& notice)
{
    m_window->hide();
    m_window->clearWorkspaces();
    m_dialog->prepare(!m_switchingUser);
    m_switchingUser = false;
    m_dialog->showNotice(notice);
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

} // namespace openopd::app
