#include "ui/workspace_registry.h"

#include <algorithm>

namespace openopd::app {

void WorkspaceRegistry::add(WorkspaceSpec spec)
{
    m_specs.append(std::move(spec));
}

QList<WorkspaceSpec> WorkspaceRegistry::visibleFor(const access::StaffPrincipal& principal) const
{
    QList<WorkspaceSpec> visible;
    for (const WorkspaceSpec& spec : m_specs)
        if (std::any_of(spec.roles.cbegin(), spec.roles.cend(),
                        [&](protocol::StaffRole role) { return principal.hasRole(role); }))
            visible.append(spec);
    return visible;
}

} // namespace openopd::app
