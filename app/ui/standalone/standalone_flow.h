#pragma once

// `openopd --standalone`: runs the clinic on this PC (ClinicSupervisor) before the usual
// sign-in. The startup window shows the progress; on a first run the first-admin dialog
// creates the administrator; once the clinic is ready the local connection profile ("This
// computer", the clinic's URL) is saved and made current and ready() lets main.cpp start the
// sign-in flow. quit() stops the clinic (services, then nats-server) and then finished().

#include "core/connection_profile.h"
#include "core/session.h"
#include "core/standalone/clinic_supervisor.h"

#include <QObject>
#include <memory>

namespace openopd::app {

class FirstAdminDialog;
class StartupWindow;

class StandaloneFlow final : public QObject
{
    Q_OBJECT
public:
    StandaloneFlow(ClinicOptions options, ProfileStore& profiles, Session& session,
                   QObject* parent = nullptr);
    ~StandaloneFlow() override;

    void start();
    // Signs out (so nothing reconnects or pops up while the clinic goes), stops the clinic,
    // then finished(). Safe to call more than once.
    void quit();

    ClinicSupervisor& supervisor() { return m_supervisor; }
    StartupWindow* startupWindow() const { return m_window.get(); }
    FirstAdminDialog* firstAdminDialog() const { return m_firstAdmin.get(); }

Q_SIGNALS:
    void ready();
    // The clinic has stopped after quit(): 0, or 1 when it had failed to start.
    void finished(int exitCode);

private:
    void onReady(const QString& url);
    void askForFirstAdmin();

    ProfileStore& m_profiles;
    Session& m_session;
    ClinicSupervisor m_supervisor;
    std::unique_ptr<StartupWindow> m_window;
    std::unique_ptr<FirstAdminDialog> m_firstAdmin;
    QString m_newAdmin;
    bool m_quitting = false;
    bool m_failed = false;
};

} // namespace openopd::app
