#include "ui/workspaces.h"

#include "ui/reception/reception_workspace.h"

#include <QCoreApplication>

namespace openopd::app {

void registerStandardWorkspaces(WorkspaceRegistry& registry)
{
    registry.add({QStringLiteral("reception"),
                  QCoreApplication::translate("Workspaces", "Reception"),
                  {protocol::StaffRole::Reception},
                  [](Session& session, QWidget* parent) -> QWidget* {
                      return new ReceptionWorkspace(session, parent);
                  }});
}

} // namespace openopd::app
