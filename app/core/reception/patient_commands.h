#pragma once

// The patient form's commands (create, update), each a Command with the read that shows its
// outcome when the answer is lost (docs/protocol.md, "Which read shows a command's outcome"):
// - create: opd.registration.patient.search by national id (or else by name); it took effect
//   when a patient with exactly the details sent, registered by this staff member since the
//   command started (less 10 minutes of clock difference), is there.
// - update: opd.registration.patient.get; it took effect when the revision is one higher
//   than the edited one and the details are the ones sent; not when it is still the edited
//   one. Repeating always reuses the request id, so a late first attempt is never done twice.
// A Done check's readBody is a PatientReply ({"patient": …}) with the patient found.

#include "core/command.h"
#include "protocol/registration_api.h"

#include <QCoreApplication>
#include <optional>

namespace openopd::app {

class PatientCommands
{
    Q_DECLARE_TR_FUNCTIONS(PatientCommands)
public:
    static Command* create(bus::Connection& connection,
                           const protocol::CreatePatientRequest& request, QObject* parent);
    static Command* update(bus::Connection& connection,
                           const protocol::UpdatePatientRequest& request, QObject* parent);

    static OutcomeReader createReader(const protocol::CreatePatientRequest& request,
                                      const QDateTime& started);
    static OutcomeReader updateReader(const protocol::UpdatePatientRequest& request);

    // The patient a Done check found.
    static std::optional<protocol::Patient> foundPatient(const OutcomeCheck& check);
};

} // namespace openopd::app
