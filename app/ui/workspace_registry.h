#pragma once

// The workspaces the main window can host (reception, doctor, pharmacy, lab, discharge,
// admin), each declared once with the roles that may see it and a factory taking the session.
// main.cpp fills the registry; tests fill their own. No globals.

#include "core/session.h"
#include "protocol/enums.h"

#include <QList>
#include <QString>
#include <functional>

class QWidget;

namespace openopd::app {

struct WorkspaceSpec
{
    QString id;    // stable, e.g. "reception"
    QString title; // translated, shown on the tab
    QList<protocol::StaffRole> roles;
    // Builds the workspace for a signed-in session (the widget is owned by parent).
    std::function<QWidget*(Session& session, QWidget* parent)> create;
};

class WorkspaceRegistry
{
public:
    void add(WorkspaceSpec spec);
    const QList<WorkspaceSpec>& all() const { return m_specs; }
    // In registration order, those sharing at least one role with the principal.
    QList<WorkspaceSpec> visibleFor(const access::StaffPrincipal& principal) const;

private:
    QList<WorkspaceSpec> m_specs;
};

} // namespace openopd::app
