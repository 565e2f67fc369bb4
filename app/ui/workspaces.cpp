#include "ui/workspaces.h"

#include "ui/doctor/doctor_workspace.h"
#include "ui/reception/reception_workspace.h"
// Pharmacy (issue 11)
#include "ui/pharmacy/pharmacy_workspace.h"
// Lab and discharge (issue 11)
#include "ui/discharge/discharge_workspace.h"
#include "ui/lab/lab_workspace.h"

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
    // Pharmacy (issue 11): dispensing and stock.
    registry.add({QStringLiteral("pharmacy"),
                  QCoreApplication::translate("Workspaces", "Pharmacy"),
                  {protocol::StaffRole::Pharmacist},
                  [](Session& session, QWidget* parent) -> QWidget* {
                      return new PharmacyWorkspace(session, parent);
                  }});
    registry.add({QStringLiteral("doctor"),
                  QCoreApplication::translate("Workspaces", "Doctor"),
                  {protocol::StaffRole::Doctor},
                  [](Session& session, QWidget* parent) -> QWidget* {
                      return new DoctorWorkspace(session, parent);
                  }});
    // Lab (lab technicians) and discharge (doctors and pharmacists release patients), issue 11.
    registry.add({QStringLiteral("lab"),
                  QCoreApplication::translate("Workspaces", "Lab"),
                  {protocol::StaffRole::LabTechnician},
                  [](Session& session, QWidget* parent) -> QWidget* {
                      return new LabWorkspace(session, parent);
                  }});
    registry.add({QStringLiteral("discharge"),
                  QCoreApplication::translate("Workspaces", "Discharge"),
                  {protocol::StaffRole::Doctor, protocol::StaffRole::Pharmacist},
                  [](Session& session, QWidget* parent) -> QWidget* {
                      return new DischargeWorkspace(session, parent);
                  }});
}

} // namespace openopd::app
