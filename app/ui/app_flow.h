#pragma once

// Which window is up: the sign-in dialog until a session exists, then the main window; back
// to the sign-in dialog on sign out, switch user, or a session the server ended. Owns both
// windows; main.cpp and the GUI tests drive the app through it.

#include "core/connection_profile.h"
#include "core/session.h"
#include "ui/workspace_registry.h"

#include <QObject>
#include <memory>

namespace openopd::app {

class MainWindow;
class SignInDialog;

class AppFlow final : public QObject
{
    Q_OBJECT
public:
    AppFlow(Session& session, ProfileStore& profiles, const WorkspaceRegistry& registry,
            QObject* parent = nullptr);
    ~AppFlow() override;

    void start();
    SignInDialog* signInDialog() const { return m_dialog.get(); }
    MainWindow* mainWindow() const { return m_window.get(); }

Q_SIGNALS:
    void quitRequested();

private:
    void showSignIn(const QString& notice);

    Session& m_session;
    std::unique_ptr<SignInDialog> m_dialog;
    std::unique_ptr<MainWindow> m_window;
    bool m_switchingUser = false;
};

} // namespace openopd::app
