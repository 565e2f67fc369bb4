#pragma once

// What the discharge service knows about one visit, merged from events in any order, and
// the rule that decides whether the visit is ready for release (a pure function; the store
// persists the result).

#include "protocol/consultation.h"
#include "protocol/discharge.h"
#include "protocol/pharmacy.h"
#include "protocol/visit.h"

#include <optional>

namespace openopd::discharge {

struct ReleaseVisit
{
    QString visitId;
    QString patientId;
    // From visit.registered (or a status change / the consultation): empty / 0 until known.
    QString patientName;
    QString queue;
    QDate day;
    int token = 0;
    // From visit.consulted.
    QString consultationId;
    std::optional<protocol::Disposition> disposition;
    QDateTime consultedAt;
    int prescriptionLines = 0;
    int labOrderLines = 0; // lab orders holding the release (0 with release_without_results)
    // From visit.dispensed: the first dispense.
    QDateTime dispensedAt;
    // Set when the visit ended (cancelled, left unseen, or discharged / admitted / referred).
    std::optional<protocol::VisitState> closedState;
    QDateTime closedAt;
    // Derived by recompute().
    protocol::VisitState state = protocol::VisitState::Registered;
    QDateTime readySince; // invalid: not ready
    // The stored row's revision when loaded (>= 1; 0: no row yet); saveVisit writes only over it.
    int revision = 0;

    bool isConsulted() const { return !consultationId.isEmpty() || dispensedAt.isValid(); }
    // Known well enough to be listed as a PendingRelease.
    bool isListable() const
    {
        return !patientName.isEmpty() && !queue.isEmpty() && day.isValid() && token > 0;
    }
};

// Lab results entered so far for the visit's consultation.
struct LabProgress
{
    int resulted = 0;
    QDateTime lastResultAt;
};

// Merging one event into the facts. Each is idempotent and tolerant of order: it fills what
// is missing and never moves the visit backwards.
void applyRegistered(ReleaseVisit& visit, const protocol::Visit& registered);
void applyStatusChange(ReleaseVisit& visit, const protocol::VisitStatusChange& change);
void applyConsulted(ReleaseVisit& visit, const protocol::Consultation& consultation);
void applyDispensed(ReleaseVisit& visit, const protocol::Dispense& dispense);
void applyDischarged(ReleaseVisit& visit, const protocol::Discharge& discharge);

// Recomputes state and readySince:
//  - closed: the closing state, not ready;
//  - a lab order without a result (unless release_without_results): awaiting_lab, not ready;
//  - dispensed (at least once): ready since the first dispense (or the last result, if
//    later), state dispensed;
//  - consulted with disposition discharge / admit / refer: ready since the consultation (or
//    the last result);
//  - to_lab with every result in: back with the doctor (state registered), not ready: the
//    follow-up consultation decides; to_lab released without results: as discharge, or
//    awaiting_pharmacy with prescriptions;
//  - to_pharmacy: awaiting_pharmacy until dispensed;
//  - otherwise (only registered / called): not ready.
void recompute(ReleaseVisit& visit, const LabProgress& lab);

protocol::VisitState outcomeState(protocol::DischargeOutcome outcome);
protocol::PendingRelease toPendingRelease(const ReleaseVisit& visit);

} // namespace openopd::discharge
