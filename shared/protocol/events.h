#pragma once

// Every OPD event, declared once: subject + payload type. Published durably (JetStream,
// Nats-Msg-Id = envelope id) into the stream OPD_EVENTS; see docs/protocol.md.

#include "protocol/consultation.h"
#include "protocol/discharge.h"
#include "protocol/event_envelope.h"
#include "protocol/identity_api.h"
#include "protocol/lab.h"
#include "protocol/list_change.h"
#include "protocol/patient.h"
#include "protocol/pharmacy.h"
#include "protocol/visit.h"

namespace openopd::protocol {

// The stream that keeps every event: file storage, subjects opd.events.>.
inline constexpr char kEventStream[] = "OPD_EVENTS";
inline constexpr char kEventStreamSubjects[] = "opd.events.>";

// patients (registration)
inline constexpr bus::Event<EventEnvelope<Patient>> kPatientRegistered{
    "opd.events.patient.registered"};
inline constexpr bus::Event<EventEnvelope<Patient>> kPatientUpdated{"opd.events.patient.updated"};
// reads, audited: a patient's record opened (registration), their history (consultation)
inline constexpr bus::Event<EventEnvelope<PatientViewed>> kPatientRecordViewed{
    "opd.events.patient.record_viewed"};
inline constexpr bus::Event<EventEnvelope<PatientViewed>> kPatientHistoryViewed{
    "opd.events.patient.history_viewed"};

// visits
inline constexpr bus::Event<EventEnvelope<Visit>> kVisitRegistered{"opd.events.visit.registered"};
inline constexpr bus::Event<EventEnvelope<VisitStatusChange>> kVisitCancelled{
    "opd.events.visit.cancelled"};
inline constexpr bus::Event<EventEnvelope<VisitStatusChange>> kVisitLeftUnseen{
    "opd.events.visit.left_unseen"};
inline constexpr bus::Event<EventEnvelope<VisitStatusChange>> kVisitCalled{
    "opd.events.visit.called"};
inline constexpr bus::Event<EventEnvelope<VisitStatusChange>> kVisitConsultationStarted{
    "opd.events.visit.consultation_started"};
inline constexpr bus::Event<EventEnvelope<Consultation>> kVisitConsulted{
    "opd.events.visit.consulted"};
inline constexpr bus::Event<EventEnvelope<Dispense>> kVisitDispensed{"opd.events.visit.dispensed"};
inline constexpr bus::Event<EventEnvelope<Discharge>> kVisitDischarged{
    "opd.events.visit.discharged"};
// Every lab order of the visit's consultation has its result (consultation service). state:
// registered (disposition to_lab: back in the ordering doctor's queue), or where the visit
// goes on: awaiting_pharmacy, dispensed, consulted (waits for the discharge desk).
inline constexpr bus::Event<EventEnvelope<VisitStatusChange>> kVisitResultsIn{
    "opd.events.visit.results_in"};

// lab (pharmacy service)
inline constexpr bus::Event<EventEnvelope<LabOrder>> kLabSampleCollected{
    "opd.events.lab.sample_collected"};
inline constexpr bus::Event<EventEnvelope<LabResult>> kLabResulted{"opd.events.lab.resulted"};

// stock (pharmacy service)
inline constexpr bus::Event<EventEnvelope<StockMovement>> kStockReceived{
    "opd.events.stock.received"};
inline constexpr bus::Event<EventEnvelope<StockMovement>> kStockAdjusted{
    "opd.events.stock.adjusted"};
inline constexpr bus::Event<EventEnvelope<StockLow>> kStockLow{"opd.events.stock.low"};

// work lists: one visit's rows changed (payload: the visit's rows now). Published by the
// service that owns the list, in the same transaction as the change; read by the roles that
// may read that list. Not audited: they carry no fact the other events do not.
inline constexpr bus::Event<EventEnvelope<ListChange<QueueEntry>>> kQueueListChanged{
    "opd.events.list.queue_changed"};
inline constexpr bus::Event<EventEnvelope<ListChange<PendingPrescription>>>
    kPrescriptionListChanged{"opd.events.list.prescriptions_changed"};
inline constexpr bus::Event<EventEnvelope<ListChange<LabOrder>>> kLabOrderListChanged{
    "opd.events.list.lab_orders_changed"};
inline constexpr bus::Event<EventEnvelope<ListChange<PendingRelease>>> kReleaseListChanged{
    "opd.events.list.releases_changed"};
// The ordering doctor's results to review (rows of every doctor: a client keeps the rows whose
// ordered_by is the signed-in doctor).
inline constexpr bus::Event<EventEnvelope<ListChange<ResultToReview>>> kResultListChanged{
    "opd.events.list.results_changed"};
// Every work-list event (their aggregate): the audit log skips these.
inline constexpr char kListEventPrefix[] = "opd.events.list.";

// staff accounts and sessions (identity service); readers: admin
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffCreated{"opd.events.staff.created"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffDisabled{"opd.events.staff.disabled"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffEnabled{"opd.events.staff.enabled"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffRolesChanged{
    "opd.events.staff.roles_changed"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffPasswordReset{
    "opd.events.staff.password_reset"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffPasswordChanged{
    "opd.events.staff.password_changed"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffSignedIn{
    "opd.events.staff.signed_in"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffSignedOut{
    "opd.events.staff.signed_out"};
inline constexpr bus::Event<EventEnvelope<StaffChange>> kStaffSignInFailed{
    "opd.events.staff.signin_failed"};

// Wildcard: every event, payload left as JSON (subscribe only; the audit log uses it).
inline constexpr bus::Event<AnyEvent> kAnyEvent{"opd.events.>"};

} // namespace openopd::protocol
