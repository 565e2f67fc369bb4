#include "ui/main_window.h"

#include "ui/connection_indicator.h"
#include "ui/notification_banner.h"

#include <QAction>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace openopd::app {

namespace {

QString roleName(protocol::StaffRole role)
{
    switch (role) {
    case protocol::StaffRole::Reception:
        return MainWindow::tr("reception");
    case protocol::StaffRole::Doctor:
        return MainWindow::tr("doctor");
    case protocol::StaffRole::Nurse:
        return MainWindow::tr("nurse");
    case protocol::StaffRole::Pharmacist:
        return MainWindow::tr("pharmacist");
    case protocol::StaffRole::LabTechnician:
        return MainWindow::tr("lab technician");
    case protocol::StaffRole::Admin:
        return MainWindow::tr("administrator");
    case protocol::StaffRole::System:
        break;
    }
    return protocol::toWire(role);
}

QString rolesText(const QList<protocol::StaffRole>& roles)
{
    QStringList names;
    for (protocol::StaffRole role : roles)
        names.append(roleName(role));
    return names.join(QStringLiteral(", "));
}

} // namespace

MainWindow::MainWindow(Session& session, const WorkspaceRegistry& registry, QWidget* parent)
    : QMainWindow(parent), m_session(session), m_registry(registry)
{
    setWindowTitle(tr("OpenOPD"));
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_banner = new NotificationBanner(central);
    layout->addWidget(m_banner);
    m_stack = new QStackedWidget(central);
    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName(QStringLiteral("workspaces"));
    m_tabs->setDocumentMode(true);
    m_empty = new QLabel(m_stack);
    m_empty->setObjectName(QStringLiteral("noWorkspace"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_stack->addWidget(m_tabs);
    m_stack->addWidget(m_empty);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_user = new QLabel(this);
    m_user->setObjectName(QStringLiteral("signedInUser"));
    m_user->setAccessibleDescription(tr("Signed-in user"));
    m_indicator = new ConnectionIndicator(this);
    statusBar()->addPermanentWidget(m_user);
    statusBar()->addPermanentWidget(m_indicator);
    buildMenus();

    connect(&m_session, &Session::connectionStateChanged, m_indicator,
            &ConnectionIndicator::setState);
    connect(&m_session, &Session::requestsInFlightChanged, m_indicator,
            &ConnectionIndicator::setRequestsInFlight);
    connect(&m_session, &Session::notice, m_banner, &NotificationBanner::post);
    resize(1100, 720);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* switchUser = file->addAction(tr("S&witch user…"));
    switchUser->setShortcut(QKeySequence(tr("Ctrl+Shift+L", "Switch user")));
    connect(switchUser, &QAction::triggered, this, &MainWindow::switchUserRequested);
    QAction* signOut = file->addAction(tr("&Sign out"));
    signOut->setShortcut(QKeySequence(tr("Ctrl+L", "Sign out")));
    connect(signOut, &QAction::triggered, &m_session, &Session::signOut);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &MainWindow::quitRequested);
    // Filled by populate(): the keyboard way between workspaces, whatever has the focus.
    m_workspaceMenu = menuBar()->addMenu(tr("&Workspace"));
}

void MainWindow::populate()
{
    clearWorkspaces();
    const access::StaffPrincipal& who = m_session.principal();
    m_user->setText(
        // "Grace Mensah (reception) · reception": the user name, then the roles.
        tr("Signed in as %1 (%2) · %3").arg(who.displayName, who.staffId, rolesText(who.roles)));
    m_indicator->setState(m_session.connectionState());
    for (const WorkspaceSpec& spec : m_registry.visibleFor(who)) {
        QWidget* page = spec.create(m_session, m_tabs);
        page->setObjectName(spec.id);
        const int index = m_tabs->addTab(page, spec.title);
        QAction* go = m_workspaceMenu->addAction(spec.title);
        if (index < 9)
            go->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
        connect(go, &QAction::triggered, this, [this, page] {
            m_tabs->setCurrentWidget(page);
            page->setFocus();
        });
    }
    m_workspaceMenu->menuAction()->setVisible(m_tabs->count() > 1);
    if (m_tabs->count() == 0) {
        m_empty->setText(tr("Your roles (%1) have no workspace in this version of OpenOPD. "
                            "Ask the administrator which roles you need, or sign out.")
                             .arg(rolesText(who.roles)));
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_tabs);
        m_tabs->currentWidget()->setFocus();
    }
}

void MainWindow::clearWorkspaces()
{
    m_workspaceMenu->clear();
    while (m_tabs->count() > 0) {
        QWidget* page = m_tabs->widget(0);
        m_tabs->removeTab(0);
        delete page;
    }
    m_banner->dismiss();
    m_user->clear();
}

QStringList MainWindow::workspaceIds() const
{
    QStringList ids;
    for (int i = 0; i < m_tabs->count(); ++i)
        ids.append(m_tabs->widget(i)->objectName());
    return ids;
}

QString MainWindow::signedInText() const
{
    return m_user->text();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    event->ignore();
    Q_EMIT quitRequested();
}

} // namespace openopd::app
