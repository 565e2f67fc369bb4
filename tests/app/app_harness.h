#pragma once

// The pieces app/main.cpp makes (settings, profiles, session, the workspace registry, the
// sign-in → main window flow), for GUI tests against a real clinic: its own settings file,
// one connection profile, and the standard workspaces unless the test registers its own.
// Sign-in goes through the real widgets: typing into the dialog and pressing Enter.

#include "core/connection_profile.h"
#include "core/session.h"
#include "ui/app_flow.h"
#include "ui/main_window.h"
#include "ui/sign_in_dialog.h"
#include "ui/workspace_registry.h"

#include <QAction>
#include <QSettings>
#include <QStringList>
#include <functional>
#include <memory>

namespace openopd::testing {

class AppHarness
{
public:
    // fillRegistry: null registers the standard workspaces (ui/workspaces.h).
    AppHarness(const QStringList& servers, const QString& settingsFile,
               const std::function<void(app::WorkspaceRegistry&)>& fillRegistry = {});
    ~AppHarness();

    app::SignInDialog* dialog() const { return flow->signInDialog(); }
    app::MainWindow* window() const { return flow->mainWindow(); }

    // Types into the real fields and presses Enter, as a person at the desk would.
    void typeSignIn(const QString& user, const QString& password) const;
    // typeSignIn, then waits (up to 30 s) for the main window; false (with the dialog's
    // message in *why) when it did not open.
    bool signIn(const QString& user, const QString& password, QString* why = nullptr) const;
    // The menu action whose text (without '&') is text, or null.
    QAction* action(const QString& text) const;
    // The workspace widget with this id (e.g. "reception") in the main window, or null.
    QWidget* workspace(const QString& id) const;

    QSettings settings;
    app::ProfileStore profiles;
    app::Session session;
    app::WorkspaceRegistry registry;
    std::unique_ptr<app::AppFlow> flow;
};

} // namespace openopd::testing
