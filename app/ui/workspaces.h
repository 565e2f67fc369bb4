#pragma once

// The workspaces this version of OpenOPD ships, each with the roles that may see it
// (docs/architecture.md, "Desktop app"). main.cpp and the GUI tests call this once.

#include "ui/workspace_registry.h"

namespace openopd::app {

void registerStandardWorkspaces(WorkspaceRegistry& registry);

} // namespace openopd::app
