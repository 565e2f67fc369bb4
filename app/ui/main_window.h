#pragma once

// The main window: the workspaces the signed-in user's roles allow (tabs, from the
// WorkspaceRegistry), a notification banner, and a status bar that always shows the
// connection state and who is signed in. File menu: Switch user, Sign out, Quit.

#include "core/session.h"
#include "ui/workspace_registry.h"

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QMenu;
class QTabWidget;

namespace openopd::app {

class ConnectionIndicator;
class NotificationBanner;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(Session& session, const WorkspaceRegistry& registry, QWidget* parent = nullptr);

    // Builds the workspaces for the signed-in principal (after Session::signedIn).
    void populate();
    // Drops every workspace (after sign-out: nothing of the last user stays on screen).
    void clearWorkspaces();

    QStringList workspaceIds() const;
    QString signedInText() const;
    ConnectionIndicator* connectionIndicator() const { return m_indicator; }
    NotificationBanner* notifications() const { return m_banner; }

Q_SIGNALS:
    // Sign out and let someone else sign in (the user-name field starts empty).
    void switchUserRequested();
    void quitRequested();

protected:
    void closeEvent(class QCloseEvent* event) override;

private:
    void buildMenus();

    Session& m_session;
    const WorkspaceRegistry& m_registry;
    NotificationBanner* m_banner = nullptr;
    QStackedWidget* m_stack = nullptr;
    QTabWidget* m_tabs = nullptr;
    QMenu* m_workspaceMenu = nullptr; // Ctrl+1…9: one entry per workspace of the signed-in user
    QLabel* m_empty = nullptr;
    QLabel* m_user = nullptr;
    ConnectionIndicator* m_indicator = nullptr;
};

} // namespace openopd::app
