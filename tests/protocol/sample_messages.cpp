// The example request and reply of every endpoint and the example envelope of every event.

#include "samples.h"

namespace openopd::protocol::samples {
namespace {

template <class Req, class Rep>
EndpointExample example(const bus::Endpoint<Req, Rep>& endpoint, const Req& request,
                        const Rep& reply)
{
    return {endpoint.subjectBytes(), request.toJson(), reply.toJson()};
}

template <class P>
EventExample example(const bus::Event<EventEnvelope<P>>& event, P payload, StaffRef actor,
                     int eventNumber, int minute)
{
    EventEnvelope<P> envelope = makeEvent(event, std::move(payload), std::move(actor), at(minute));
    envelope.id = id(200 + eventNumber);
    return {event.subjectBytes(), envelope.toJson()};
}

QList<EndpointExample> registrationExamples()
{
    CreatePatientRequest create{receptionist(), patientDetails(), {}, false, {}};
    Patient fresh = patient();
    fresh.revision = 1;
    fresh.registeredAt = at(1);
    fresh.updatedAt = at(1);
    CreatePatientReply created{true, fresh, {}, {}};
    UpdatePatientRequest update{receptionist(), patient().id, 1, patientDetails()};
    GetPatientRequest get{{}, QStringLiteral("MRN-000123")};
    SearchPatientsRequest search{QStringLiteral("zoe ang"), PatientSearchField::Name, 20};
    SearchPatientsReply found{{patient()}, false};
    OpenVisitRequest open{receptionist(), patient().id, QStringLiteral("general"), Priority::Urgent,
                          QStringLiteral("Fever and sore throat for 3 days")};
    Visit registered = visit();
    registered.state = VisitState::Registered;
    registered.history.removeLast();
    const Visit cancelled = cancelledVisit();
    const Visit unseen = unseenVisit();
    return {
        example(kCreatePatient, create, created),
        example(kUpdatePatient, update, PatientReply{patient()}),
        example(kGetPatient, get, PatientReply{patient()}),
        example(kSearchPatients, search, found),
        example(kOpenVisit, open, VisitReply{registered}),
        example(kGetVisit, GetVisitRequest{visit().id}, VisitReply{visit()}),
        example(kCancelVisit,
                CancelVisitRequest{receptionist(), cancelled.id,
                                   QStringLiteral("Registered in the wrong queue")},
                VisitReply{cancelled}),
        example(kMarkLeftUnseen, LeftUnseenRequest{receptionist(), unseen.id, {}},
                VisitReply{unseen}),
        example(kWaitingList, WaitingListRequest{QStringLiteral("general"), {}, false},
                VisitListReply{QDate(2024, 5, 6), {visit(), minimalVisit()}}),
    };
}

// Visit 1's lab result as its doctor's row to review (reviewed at minute 95 when given).
ResultToReview resultToReview(bool reviewed)
{
    ResultToReview row{labResult().orderId,
                       visit().id,
                       patient().id,
                       consultation().id,
                       consultation().patientName,
                       consultation().doctor,
                       labResult(),
                       {},
                       std::nullopt};
    if (reviewed) {
        row.reviewedAt = at(95);
        row.reviewedBy = doctor();
    }
    return row;
}

QList<EndpointExample> consultationExamples()
{
    QueueEntry inConsultation = queueEntry();
    inConsultation.state = VisitState::InConsultation;
    return {
        example(kDoctorQueue, DoctorQueueRequest{QStringLiteral("general"), true},
                DoctorQueueReply{{queueEntry(), minimalQueueEntry()}}),
        example(kCallNext,
                CallNextRequest{doctor(), QStringLiteral("general"), QStringLiteral("Room 3")},
                CallNextReply{queueEntry()}),
        example(kCallVisit,
                CallVisitRequest{doctor(), queueEntry().visitId, QStringLiteral("Room 3")},
                QueueEntryReply{queueEntry()}),
        example(kStartConsultation, StartConsultationRequest{doctor(), visit().id},
                QueueEntryReply{inConsultation}),
        example(kSaveConsultation,
                SaveConsultationRequest{doctor(), visit().id, consultationContent()},
                ConsultationReply{consultation()}),
        example(kPatientHistory, PatientHistoryRequest{patient().id, 20, {}},
                PatientHistoryReply{patient().id, {historyEntry()}, false}),
        example(kResultsToReview, ResultsToReviewRequest{doctor(), false},
                ResultsToReviewReply{{resultToReview(false)}, false}),
        example(kMarkResultReviewed, MarkResultReviewedRequest{doctor(), labResult().orderId},
                ResultToReviewReply{resultToReview(true)}),
    };
}

QList<EndpointExample> pharmacyExamples()
{
    // The delivery of stock.received (500 into an empty batch), later 20 dispensed (480 at
    // minute 50: stockItem()), then 20 written off (stock.adjusted).
    StockItem afterReceive = stockItem();
    afterReceive.quantity = 500;
    afterReceive.updatedAt = stockReceived().at;
    StockItem afterAdjust = stockItem();
    afterAdjust.quantity = 460;
    afterAdjust.updatedAt = stockAdjusted().at;
    // After the partial dispense: line 1 given in full, line 2 still to dispense.
    PendingPrescription dispensed = pendingPrescription();
    dispensed.lines[0].dispensedQuantity = dispensed.lines[0].prescription.quantity;
    return {
        example(kGetPrescription, GetPrescriptionRequest{consultation().id},
                PrescriptionReply{dispensed, PrescriptionState::Open, {dispense()}}),
        example(kPendingPrescriptions, PendingPrescriptionsRequest{50},
                PendingPrescriptionsReply{{pendingPrescription()}, false}),
        example(
            kDispense,
            DispenseRequest{
                pharmacist(), consultation().id, {{1, 24}}, QStringLiteral("Amoxicillin short")},
            DispenseReply{dispense()}),
        example(kStockList, StockListRequest{QStringLiteral("para"), false, false, 200},
                StockListReply{{stockItem()}, false}),
        example(kReceiveStock,
                ReceiveStockRequest{pharmacist(), QStringLiteral("PARA500"),
                                    QStringLiteral("Paracetamol 500 mg tablet"),
                                    QStringLiteral("tablet"), QStringLiteral("PA-2405-A"),
                                    QDate(2025, 3, 31), 500, 200,
                                    QStringLiteral("Delivery note 4471")},
                StockItemReply{afterReceive}),
        example(kAdjustStock,
                AdjustStockRequest{pharmacist(), QStringLiteral("PARA500"),
                                   QStringLiteral("PA-2405-A"), -20, std::nullopt,
                                   StockReason::Damaged, QStringLiteral("Blister packs crushed")},
                StockItemReply{afterAdjust}),
    };
}

QList<EndpointExample> labDischargeAuditExamples()
{
    const AuditRecord first = auditRecord(1, auditGenesisHash());
    const AuditRecord second = auditRecord(2, first.hash);
    AuditVerifyReply verified{true, 2, 2, second.hash, std::nullopt, {}, at(120)};
    return {
        example(kPendingLabOrders, PendingLabOrdersRequest{LabOrderState::Ordered, 50},
                LabOrderListReply{{labOrder()}, false}),
        example(
            kCollectSample,
            CollectSampleRequest{labTechnician(), labOrder().id, QStringLiteral("S24-000871"), {}},
            LabOrderReply{collectedLabOrder()}),
        example(kEnterLabResult,
                EnterLabResultRequest{labTechnician(), labOrder().id, labResultEntry()},
                LabResultReply{labResult()}),
        example(kPendingReleases, PendingReleasesRequest{200},
                PendingReleasesReply{{pendingRelease()}, false}),
        example(kGetRelease, GetReleaseRequest{visit().id},
                ReleaseStatusReply{visit().id, VisitState::Discharged, std::nullopt, discharge(),
                                   VisitSummary{consultation(), {dispense()}, {labResult()}}}),
        example(kRecordDischarge, RecordDischargeRequest{doctor(), visit().id, dischargeDetails()},
                DischargeReply{discharge()}),
        example(kAuditQuery, AuditQueryRequest{patient().id, {}, at(0), at(600), 0, 100},
                AuditQueryReply{{first}, false}),
        example(kAuditVerify, AuditVerifyRequest{}, verified),
    };
}

// Identity: a doctor's session and the staff accounts an admin manages.
const QString kSessionId = QStringLiteral("3f9c0d2a7b1e4c5d8e6f708192a3b4c5");

StaffSession staffSession()
{
    return {kSessionId, doctor().id, doctor().name, {StaffRole::Doctor}, at(720)};
}

StaffAccount staffAccount()
{
    return {doctor().id, doctor().name, {StaffRole::Doctor}, true, at(-600), at(-600)};
}

QList<EndpointExample> identityExamples()
{
    const QString natsUser =
        doctor().id + QStringLiteral("|doctor|") + kSessionId + QStringLiteral("|RHIgQW5hIFNpbHZh");
    const NatsUser user{natsUser, QStringLiteral("$2b$04$C6UzMDM.H6dfI/f/IKxGhu0QKv2RXyqV4uAZQWl"
                                                 "CXGG2sqLbr5.ZW")};
    StaffAccount lab = staffAccount();
    lab.id = labTechnician().id;
    lab.displayName = labTechnician().name;
    lab.roles = {StaffRole::LabTechnician};
    StaffAccount disabled = staffAccount();
    disabled.active = false;
    disabled.updatedAt = at(30);
    StaffAccount reset = staffAccount();
    reset.updatedAt = at(31);
    StaffAccount both = staffAccount();
    both.roles = {StaffRole::Doctor, StaffRole::Pharmacist};
    both.updatedAt = at(32);
    return {
        // A real pair: the secret key of reply_key is 04OOM07YqDU0+AZ/nyFFfxSChVPQOPbc8xgcFYnZVzQ=
        // and opens the sealed password to t2fJb-dq8B1HDTDN7H8X0evFx3fm6Xry8WBhwba0EXw
        // (docs/protocol.md shows them; tests/access checks it).
        example(
            kSignIn,
            SignInRequest{doctor().id, QStringLiteral("correct horse battery"),
                          QByteArray::fromBase64("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ8=")},
            SignInReply{staffSession(), natsUser,
                        QByteArray::fromBase64(
                            "TEyj7rT0+lizk+5SSk0wTVXaUy3HGibIxWep+z32gx2LyoFGQva5Egw8OwEwrDXxZlpO8"
                            "36H440trHgcaqX/GXiNydqEKCF32JXrMI476OY3SFqGitboowjxYw==")}),
        example(kRenewSession, IdentityEmptyRequest{}, SessionReply{staffSession()}),
        example(kSignOut, IdentityEmptyRequest{}, IdentityDoneReply{}),
        example(kChangePassword,
                ChangePasswordRequest{QStringLiteral("correct horse battery"),
                                      QStringLiteral("staple grey lantern")},
                IdentityDoneReply{}),
        example(kNatsUsers, IdentityEmptyRequest{}, NatsUsersReply{42, {user}}),
        example(kStaffList, IdentityEmptyRequest{}, StaffListReply{{staffAccount(), lab}}),
        example(kCreateStaff,
                CreateStaffRequest{lab.id, lab.displayName, lab.roles,
                                   QStringLiteral("first-day-password")},
                StaffAccountReply{lab}),
        example(kDisableStaff, StaffIdRequest{doctor().id}, StaffAccountReply{disabled}),
        example(kEnableStaff, StaffIdRequest{doctor().id}, StaffAccountReply{staffAccount()}),
        example(kResetStaffPassword,
                ResetPasswordRequest{doctor().id, QStringLiteral("temporary-password-7")},
                StaffAccountReply{reset}),
        example(kSetStaffRoles,
                SetRolesRequest{doctor().id, {StaffRole::Doctor, StaffRole::Pharmacist}},
                StaffAccountReply{both}),
    };
}

// Work-list changes of visit 1: called (queue), prescribed and resulted-later (pharmacy and
// lab lists, from visit.consulted and sample collection), dispensed (ready for release).
QList<EventExample> listEventExamples()
{
    const QString visitId = visit().id;
    const QString patientId = visit().patientId;
    using K = ListChangeKind;
    return {
        example(kQueueListChanged,
                ListChange<QueueEntry>{visitId, patientId, K::Updated, {queueEntry()}}, doctor(),
                42, 20),
        example(
            kPrescriptionListChanged,
            ListChange<PendingPrescription>{visitId, patientId, K::Added, {pendingPrescription()}},
            doctor(), 43, 35),
        example(kLabOrderListChanged,
                ListChange<LabOrder>{visitId, patientId, K::Updated, {collectedLabOrder()}},
                labTechnician(), 44, 55),
        example(kReleaseListChanged,
                ListChange<PendingRelease>{visitId, patientId, K::Added, {pendingRelease()}},
                pharmacist(), 45, 50),
        example(kResultListChanged,
                ListChange<ResultToReview>{visitId, patientId, K::Updated, {resultToReview(false)}},
                labTechnician(), 47, 90),
    };
}

StaffRef clinicAdmin()
{
    return {QStringLiteral("admin"), QStringLiteral("Clinic Administrator"), StaffRole::Admin};
}

QList<EventExample> staffEventExamples()
{
    StaffChange created{doctor().id, doctor().name, {StaffRole::Doctor}, {}, {}, {}, {}};
    StaffChange account{doctor().id, doctor().name, {}, {}, {}, {}, {}};
    StaffChange roles{doctor().id,
                      doctor().name,
                      {StaffRole::Doctor, StaffRole::Pharmacist},
                      {StaffRole::Doctor},
                      {},
                      {},
                      {}};
    StaffChange signedIn{doctor().id, doctor().name, {StaffRole::Doctor}, {}, kSessionId, {}, {}};
    StaffChange signedOut{
        doctor().id, doctor().name, {}, {}, kSessionId, QStringLiteral("signed_out"), {}};
    StaffChange failed{doctor().id, doctor().name, {}, {}, {}, QStringLiteral("wrong_password"), 2};
    const StaffRef system{QStringLiteral("identity"), QStringLiteral("Identity service"),
                          StaffRole::System};
    return {
        example(kStaffCreated, created, clinicAdmin(), 16, -600),
        example(kStaffDisabled, account, clinicAdmin(), 17, 30),
        example(kStaffEnabled, account, clinicAdmin(), 18, 31),
        example(kStaffRolesChanged, roles, clinicAdmin(), 19, 32),
        example(kStaffPasswordReset, account, clinicAdmin(), 20, 33),
        example(kStaffPasswordChanged, account, doctor(), 21, 34),
        example(kStaffSignedIn, signedIn, doctor(), 22, 0),
        example(kStaffSignedOut, signedOut, doctor(), 23, 480),
        example(kStaffSignInFailed, failed, system, 24, -1),
    };
}

} // namespace

QList<EndpointExample> endpointExamples()
{
    return registrationExamples() + consultationExamples() + pharmacyExamples() +
           labDischargeAuditExamples() + identityExamples();
}

QList<EventExample> eventExamples()
{
    Visit registered = visit();
    registered.state = VisitState::Registered;
    registered.history.removeLast();
    // The last result is in (minute 90): the visit, dispensed at minute 50, goes on as such.
    VisitStatusChange resultsIn = calledChange();
    resultsIn.state = VisitState::Dispensed;
    resultsIn.at = at(90);
    resultsIn.room.clear();
    VisitStatusChange started = calledChange();
    started.state = VisitState::InConsultation;
    started.at = at(22);
    Patient fresh = patient();
    fresh.revision = 1;
    fresh.updatedAt = fresh.registeredAt;
    QList<EventExample> examples{
        example(kPatientRegistered, fresh, receptionist(), 1, 1),
        example(kPatientUpdated, patient(), receptionist(), 2, 3),
        example(kPatientRecordViewed, PatientViewed{patient().id}, pharmacist(), 40, 45),
        example(kPatientHistoryViewed, PatientViewed{patient().id}, doctor(), 41, 21),
        example(kVisitRegistered, registered, receptionist(), 3, 5),
        example(kVisitCancelled, statusChangeOf(cancelledVisit()), receptionist(), 4, 25),
        example(kVisitLeftUnseen, statusChangeOf(unseenVisit()), receptionist(), 5, 90),
        example(kVisitCalled, calledChange(), doctor(), 6, 20),
        example(kVisitConsultationStarted, started, doctor(), 7, 22),
        example(kVisitConsulted, consultation(), doctor(), 8, 35),
        example(kVisitDispensed, dispense(), pharmacist(), 9, 50),
        example(kLabSampleCollected, collectedLabOrder(), labTechnician(), 10, 55),
        example(kLabResulted, labResult(), labTechnician(), 11, 90),
        example(kStockReceived, stockReceived(), pharmacist(), 12, -60),
        example(kStockAdjusted, stockAdjusted(), pharmacist(), 13, 70),
        example(kStockLow, stockLow(), pharmacist(), 14, -30),
        example(kVisitDischarged, discharge(), doctor(), 15, 100),
        example(kVisitResultsIn, resultsIn, labTechnician(), 46, 90),
    };
    return examples + listEventExamples() + staffEventExamples();
}

} // namespace openopd::protocol::samples
