#pragma once

// The patient form's commands (create, update), each a Command with the read that shows its
// outcome when the answer is lost (docs/protocol.md, "Which read shows a command's outcome"):
// - create: opd.registration.patient.search by national id (or else by name); it took effect
//   when a patient with exactly the details sent, registered by this staff member since the
//   command started (less 10 minutes of clock difference), is there. A create with a first
//   visit is one transaction: then opd.registration.visit.waiting of its queue gives the
//   token (if the visit has left that list, the check is Done without it).
// - update: opd.registration.patient.get; it took effect when the revision is one higher
//   than the edited one and the details are the ones sent; not when it is still the edited
//   one. Repeating always reuses the request id, so a late first attempt is never done twice.
// A Done check's readBody is what the lost answer would have been: for a create a
// CreatePatientReply (created, patient, visit when read), for an update a PatientReply.

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

    // What a Done check of a create found (the patient, and the first visit when read).
    static std::optional<protocol::CreatePatientReply> foundRegistration(const OutcomeCheck& check);
    // The patient a Done check of an update found.
    static std::optional<protocol::Patient> foundPatient(const OutcomeCheck& check);

private:
    static void readFirstVisit(bus::Connection& connection, QObject* context,
                               const protocol::CreatePatientRequest& request,
                               const protocol::Patient& patient,
                               const std::function<void(OutcomeCheck)>& done);
};

} // namespace openopd::app
