#include "app_harness.h"

#include "ui/workspaces.h"

#include <QLineEdit>
#include <QTest>

namespace openopd::testing {

AppHarness::AppHarness(const QStringList& servers, const QString& settingsFile,
                       const std::function<void(app::WorkspaceRegistry&)>& fillRegistry)
    : settings(settingsFile, QSettings::IniFormat), profiles(settings)
{
    app::ConnectionProfile profile;
    profile.name = QStringLiteral("Test clinic");
    profile.servers = servers;
    profiles.save(profile);
    profiles.setCurrentName(profile.name);
    if (fillRegistry)
        fillRegistry(registry);
    else
        app::registerStandardWorkspaces(registry);
    flow = std::make_unique<app::AppFlow>(session, profiles, registry);
    flow->start();
}

AppHarness::~AppHarness() = default;

void AppHarness::typeSignIn(const QString& user, const QString& password) const
{
    auto* userEdit = dialog()->findChild<QLineEdit*>(QStringLiteral("user"));
    auto* passwordEdit = dialog()->findChild<QLineEdit*>(QStringLiteral("password"));
    QVERIFY(userEdit && passwordEdit);
    userEdit->clear();
    QTest::keyClicks(userEdit, user);
    passwordEdit->clear();
    QTest::keyClicks(passwordEdit, password);
    QTest::keyClick(passwordEdit, Qt::Key_Return);
}

bool AppHarness::signIn(const QString& user, const QString& password, QString* why) const
{
    typeSignIn(user, password);
    const bool opened = QTest::qWaitFor([this] { return window()->isVisible(); }, 30000);
    if (!opened && why)
        *why = dialog()->errorText();
    return opened;
}

QAction* AppHarness::action(const QString& text) const
{
    for (QAction* candidate : window()->findChildren<QAction*>())
        if (candidate->text().remove(u'&') == text)
            return candidate;
    return nullptr;
}

QWidget* AppHarness::workspace(const QString& id) const
{
    return window()->findChild<QWidget*>(id);
}

} // namespace openopd::testing
