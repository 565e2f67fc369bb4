#pragma once

// Every OPD request/reply endpoint, declared once: subject + request type + reply type.
// The subject's second token is the role namespace that NATS permissions hang on.
// Services serve them in queue group "q"; docs/protocol.md documents each one.

#include "bus/contract.h"
#include "protocol/audit_api.h"
#include "protocol/consultation_api.h"
#include "protocol/discharge_api.h"
#include "protocol/identity_api.h"
#include "protocol/lab_api.h"
#include "protocol/pharmacy_api.h"
#include "protocol/registration_api.h"

namespace openopd::protocol {

// --- registration (reception) ------------------------------------------------------------
inline constexpr bus::Endpoint<CreatePatientRequest, CreatePatientReply> kCreatePatient{
    "opd.registration.patient.create"};
inline constexpr bus::Endpoint<UpdatePatientRequest, PatientReply> kUpdatePatient{
    "opd.registration.patient.update"};
inline constexpr bus::Endpoint<GetPatientRequest, PatientReply> kGetPatient{
    "opd.registration.patient.get"};
inline constexpr bus::Endpoint<SearchPatientsRequest, SearchPatientsReply> kSearchPatients{
    "opd.registration.patient.search"};
inline constexpr bus::Endpoint<OpenVisitRequest, VisitReply> kOpenVisit{
    "opd.registration.visit.open"};
inline constexpr bus::Endpoint<GetVisitRequest, VisitReply> kGetVisit{"opd.registration.visit.get"};
inline constexpr bus::Endpoint<CancelVisitRequest, VisitReply> kCancelVisit{
    "opd.registration.visit.cancel"};
inline constexpr bus::Endpoint<LeftUnseenRequest, VisitReply> kMarkLeftUnseen{
    "opd.registration.visit.left_unseen"};
inline constexpr bus::Endpoint<WaitingListRequest, VisitListReply> kWaitingList{
    "opd.registration.visit.waiting"};

// --- consultation (doctor) -----------------------------------------------------------------
inline constexpr bus::Endpoint<DoctorQueueRequest, DoctorQueueReply> kDoctorQueue{
    "opd.consultation.queue.list"};
inline constexpr bus::Endpoint<CallNextRequest, CallNextReply> kCallNext{
    "opd.consultation.queue.call_next"};
inline constexpr bus::Endpoint<CallVisitRequest, QueueEntryReply> kCallVisit{
    "opd.consultation.queue.call"};
inline constexpr bus::Endpoint<StartConsultationRequest, QueueEntryReply> kStartConsultation{
    "opd.consultation.visit.start"};
inline constexpr bus::Endpoint<SaveConsultationRequest, ConsultationReply> kSaveConsultation{
    "opd.consultation.record.save"};
inline constexpr bus::Endpoint<PatientHistoryRequest, PatientHistoryReply> kPatientHistory{
    "opd.consultation.patient.history"};
inline constexpr bus::Endpoint<ResultsToReviewRequest, ResultsToReviewReply> kResultsToReview{
    "opd.consultation.results.to_review"};
inline constexpr bus::Endpoint<MarkResultReviewedRequest, ResultToReviewReply> kMarkResultReviewed{
    "opd.consultation.results.reviewed"};

// --- pharmacy ------------------------------------------------------------------------------
inline constexpr bus::Endpoint<PendingPrescriptionsRequest, PendingPrescriptionsReply>
    kPendingPrescriptions{"opd.pharmacy.prescription.pending"};
inline constexpr bus::Endpoint<GetPrescriptionRequest, PrescriptionReply> kGetPrescription{
    "opd.pharmacy.prescription.get"};
inline constexpr bus::Endpoint<DispenseRequest, DispenseReply> kDispense{"opd.pharmacy.dispense"};
inline constexpr bus::Endpoint<StockListRequest, StockListReply> kStockList{
    "opd.pharmacy.stock.list"};
inline constexpr bus::Endpoint<ReceiveStockRequest, StockItemReply> kReceiveStock{
    "opd.pharmacy.stock.receive"};
inline constexpr bus::Endpoint<AdjustStockRequest, StockItemReply> kAdjustStock{
    "opd.pharmacy.stock.adjust"};

// --- lab (served by the pharmacy service) ----------------------------------------------------
inline constexpr bus::Endpoint<PendingLabOrdersRequest, LabOrderListReply> kPendingLabOrders{
    "opd.lab.order.pending"};
inline constexpr bus::Endpoint<CollectSampleRequest, LabOrderReply> kCollectSample{
    "opd.lab.sample.collect"};
inline constexpr bus::Endpoint<EnterLabResultRequest, LabResultReply> kEnterLabResult{
    "opd.lab.result.enter"};

// --- discharge (doctor / pharmacy) -----------------------------------------------------------
inline constexpr bus::Endpoint<PendingReleasesRequest, PendingReleasesReply> kPendingReleases{
    "opd.discharge.release.pending"};
inline constexpr bus::Endpoint<GetReleaseRequest, ReleaseStatusReply> kGetRelease{
    "opd.discharge.release.get"};
inline constexpr bus::Endpoint<RecordDischargeRequest, DischargeReply> kRecordDischarge{
    "opd.discharge.release.record"};

// --- admin: audit ----------------------------------------------------------------------------
inline constexpr bus::Endpoint<AuditQueryRequest, AuditQueryReply> kAuditQuery{
    "opd.admin.audit.query"};
inline constexpr bus::Endpoint<AuditVerifyRequest, AuditVerifyReply> kAuditVerify{
    "opd.admin.audit.verify"};

// --- identity: sign-in and sessions (any signed-in staff), staff accounts (admin) ----------
inline constexpr bus::Endpoint<SignInRequest, SignInReply> kSignIn{"opd.identity.signin"};
inline constexpr bus::Endpoint<IdentityEmptyRequest, SessionReply> kRenewSession{
    "opd.identity.session.renew"};
inline constexpr bus::Endpoint<IdentityEmptyRequest, IdentityDoneReply> kSignOut{
    "opd.identity.session.signout"};
inline constexpr bus::Endpoint<ChangePasswordRequest, IdentityDoneReply> kChangePassword{
    "opd.identity.password.change"};
inline constexpr bus::Endpoint<IdentityEmptyRequest, NatsUsersReply> kNatsUsers{
    "opd.identity.internal.nats_users"};
inline constexpr bus::Endpoint<IdentityEmptyRequest, StaffListReply> kStaffList{
    "opd.admin.staff.list"};
inline constexpr bus::Endpoint<CreateStaffRequest, StaffAccountReply> kCreateStaff{
    "opd.admin.staff.create"};
inline constexpr bus::Endpoint<StaffIdRequest, StaffAccountReply> kDisableStaff{
    "opd.admin.staff.disable"};
inline constexpr bus::Endpoint<StaffIdRequest, StaffAccountReply> kEnableStaff{
    "opd.admin.staff.enable"};
inline constexpr bus::Endpoint<ResetPasswordRequest, StaffAccountReply> kResetStaffPassword{
    "opd.admin.staff.reset_password"};
inline constexpr bus::Endpoint<SetRolesRequest, StaffAccountReply> kSetStaffRoles{
    "opd.admin.staff.set_roles"};

// Not a request: a core NATS message (no body) the identity service publishes after every
// committed change of the live-session list, so that the authorization agent refreshes at once.
inline constexpr char kIdentityChangedSubject[] = "opd.identity.internal.changed";

} // namespace openopd::protocol
