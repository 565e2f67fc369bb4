#include "ui/standalone/standalone_flow.h"

#include "ui/standalone/first_admin_dialog.h"
#include "ui/standalone/startup_window.h"

#include <QApplication>
#include <QMessageBox>
#include <QWidget>

namespace openopd::app {

StandaloneFlow::StandaloneFlow(ClinicOptions options, ProfileStore& profiles, Session& session,
                               QObject* parent)
    : QObject(parent), m_profiles(profiles), m_session(session), m_supervisor(std::move(options)),
      m_window(std::make_unique<StartupWindow>(m_supervisor.logDir()))
{
    // Also on stderr: the terminal (or a journal) shows what the clinic did without a window.
    connect(&m_supervisor, &ClinicSupervisor::progress, this, [this](const QString& text) {
        qInfo().noquote() << "openopd:" << text;
        m_window->showProgress(text);
    });
    connect(&m_supervisor, &ClinicSupervisor::failed, this, [this](const QString& text) {
        qWarning().noquote() << "openopd: the clinic could not start:" << text;
        m_failed = true;
        if (m_firstAdmin)
            m_firstAdmin->hide();
        m_window->showFailure(text);
        m_window->show();
        m_window->raise();
    });
    connect(&m_supervisor, &ClinicSupervisor::firstAdminNeeded, this,
            &StandaloneFlow::askForFirstAdmin);
    connect(&m_supervisor, &ClinicSupervisor::firstAdminFailed, this, [this](const QString& text) {
        if (m_firstAdmin)
            m_firstAdmin->showError(text);
    });
    connect(&m_supervisor, &ClinicSupervisor::firstAdminCreated, this, [this](const QString& name) {
        m_newAdmin = name;
        if (m_firstAdmin)
            m_firstAdmin->hide();
        m_window->show();
    });
    connect(&m_supervisor, &ClinicSupervisor::ready, this, &StandaloneFlow::onReady);
    connect(&m_supervisor, &ClinicSupervisor::componentStopped, this, [this](const QString& text) {
        qWarning().noquote() << "openopd:" << text;
        auto* box =
            new QMessageBox(QMessageBox::Warning, tr("OpenOPD clinic"), text, QMessageBox::Ok);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->show(); // not modal: the person at the desk decides when to restart
    });
    connect(&m_supervisor, &ClinicSupervisor::stopped, this, [this] {
        if (m_quitting)
            Q_EMIT finished(m_failed ? 1 : 0);
    });
    connect(m_window.get(), &StartupWindow::quitRequested, this, &StandaloneFlow::quit);
}

StandaloneFlow::~StandaloneFlow() = default;

void StandaloneFlow::start()
{
    m_window->show();
    m_supervisor.start();
}

void StandaloneFlow::quit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    m_session.signOut();
    for (QWidget* widget : QApplication::topLevelWidgets())
        if (widget != m_window.get())
            widget->hide();
    if (!m_failed) {
        m_window->showProgress(tr("Stopping the clinic…"));
        m_window->show();
    }
    m_supervisor.stop();
}

void StandaloneFlow::askForFirstAdmin()
{
    m_window->hide();
    m_firstAdmin = std::make_unique<FirstAdminDialog>();
    connect(m_firstAdmin.get(), &FirstAdminDialog::submitted, &m_supervisor,
            &ClinicSupervisor::createFirstAdmin);
    connect(m_firstAdmin.get(), &QDialog::rejected, this, &StandaloneFlow::quit);
    m_firstAdmin->show();
    m_firstAdmin->raise();
    m_firstAdmin->activateWindow();
}

void StandaloneFlow::onReady(const QString& url)
{
    qInfo().noquote() << "openopd: the clinic is ready at" << url
                      << "(data:" << m_supervisor.dataDir() + u')';
    // The local profile points at this clinic (its port may differ from 4222).
    const QString name = ConnectionProfile::localDefault().name;
    ConnectionProfile local = ConnectionProfile::localDefault();
    for (const ConnectionProfile& profile : m_profiles.profiles())
        if (profile.name == name)
            local.lastUser = profile.lastUser;
    local.servers = {url};
    if (!m_newAdmin.isEmpty())
        local.lastUser = m_newAdmin;
    m_profiles.save(local);
    m_profiles.setCurrentName(name);
    m_window->hide();
    Q_EMIT ready();
}

} // namespace openopd::app
