#pragma once

// Building the events other services would publish about a visit, for the discharge tests.

#include "protocol/protocol.h"

namespace openopd::testing::discharge {

protocol::StaffRef receptionist();
protocol::StaffRef doctor();
protocol::StaffRef pharmacist();
protocol::StaffRef labTechnician();

// A freshly registered visit (new ids) with the given token, today, in queue "general".
protocol::Visit newVisit(int token, const QString& name = QStringLiteral("Amina Diallo"));
// The doctor's consultation of the visit. to_pharmacy gets one prescription, to_lab
// labOrders lab orders (and prescriptions if asked), refer a referral.
protocol::Consultation consultation(const protocol::Visit& visit, protocol::Disposition disposition,
                                    int labOrders = 1, bool withPrescription = false);
protocol::Dispense dispense(const protocol::Consultation& consultation, bool partial = false);
protocol::LabResult labResult(const protocol::Consultation& consultation, int line);
protocol::VisitStatusChange statusChange(const protocol::Visit& visit, protocol::VisitState state);
protocol::PrescriptionLine postMedication();

// The envelope as its producer would make it.
template <class P>
protocol::EventEnvelope<P> envelope(const bus::Event<protocol::EventEnvelope<P>>& event,
                                    const P& payload, const protocol::StaffRef& actor)
{
    return protocol::makeEvent(event, payload, actor);
}

} // namespace openopd::testing::discharge
