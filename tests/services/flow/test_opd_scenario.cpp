// Issue 4 and 8 acceptance, integration: the book's OPD scenario with all five services as real
// processes on one nats-server. Each step checks every service that should know about it
// through its own endpoints; the audit log must hold every event of the visit and verify.
// The steps run in declaration order and share the visit; a failed step fails the rest.

#include "bus/nats_library.h"
#include "flow_support.h"
#include "opd_cluster.h"
#include "scenario_queries.h"
#include "service/jetstream_probe.h"
#include "staff_desk.h"

#include <QSet>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::flow;

namespace {

const QString kQueue = QStringLiteral("flow-scenario");
constexpr int kWaitMs = 20000; // bound of every "eventually" (events cross two consumers)
constexpr int kPrescribed = 15;

} // namespace

class TestOpdScenario : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<OpdCluster> m_cluster;
    std::unique_ptr<bus::Connection> m_client; // the test observer: streams and $SRV
    StaffDesk m_desk; // the demo staff, signed in: every endpoint is called by its role

    Patient m_patient;
    Visit m_visit;
    Consultation m_consultation;
    DrugStock m_drugBefore;
    LabOrder m_labOrder;
    LabResult m_labResult;
    Dispense m_dispense;
    qint64 m_eventsAtStart = 0;

    bus::Connection& client() { return *m_client; }

    bool registrationReaches(VisitState state)
    {
        return flow::registrationReaches(m_desk.as(StaffRole::Reception), m_visit.id, state,
                                         kWaitMs);
    }
    std::optional<QueueEntry> queueEntry(bool* ok = nullptr)
    {
        return flow::queueEntry(m_desk.as(StaffRole::Doctor), kQueue, m_visit.id, ok);
    }
    DrugStock stockOf(const QString& drugCode)
    {
        return flow::stockOf(m_desk.as(StaffRole::Pharmacist), drugCode);
    }
    QList<AuditRecord> auditOfPatient()
    {
        return flow::auditOfPatient(m_desk.as(StaffRole::Admin), m_patient.id);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_cluster = std::make_unique<OpdCluster>();
        m_cluster->setSecured(true); // accounts, identity, the auth agent: the shipped clinic
        QVERIFY2(m_cluster->startAll(/*seedDemo=*/true), qPrintable(m_cluster->errorString()));
        m_client = m_cluster->connectClient(QStringLiteral("opd-scenario"));
        QVERIFY(m_client);
        if (!m_desk.open(*m_cluster)) {
            qWarning().noquote() << m_cluster->logTails(); // QFAIL's message is cut short
            QFAIL(qPrintable(m_desk.errorString()));
        }
        // The demo data's events (patients, stock) settle before the scenario starts.
        QVERIFY2(waitForQuiet(client(), 60000), qPrintable(m_cluster->logTails()));
        m_eventsAtStart = streamMessages(client());
        QVERIFY(m_eventsAtStart >= 0);
    }

    void cleanupTestCase()
    {
        if (!m_cluster)
            return;
        m_client.reset();
        // A graceful stop of every service: exit code 0 (drained, outbox flushed).
        for (const QString& service : m_cluster->services())
            QCOMPARE(m_cluster->terminate(service), 0);
        m_cluster.reset();
    }

    void receptionRegistersThePatient()
    {
        const qint64 before =
            subjectCounts(client()).value(QString::fromLatin1(kPatientRegistered.subject));
        CreatePatientRequest request;
        // The body names someone else: the record and the event must name the receptionist
        // who is signed in on this connection, as the server vouches for her.
        request.staff =
            StaffRef{QStringLiteral("mallory"), QStringLiteral("Mallory"), StaffRole::Admin};
        request.patient = patientDetails(QStringLiteral("Thandeka Ångström-Xaba"),
                                         QDate(1987, 3, 14), QStringLiteral("870314-55-0101"));
        request.patient.allergies = {QStringLiteral("penicillin")};
        auto created = call(m_desk, kCreatePatient, request);
        QVERIFY2(created, qPrintable(describe(created.error())));
        QVERIFY(created->created);
        QVERIFY(created->patient.has_value());
        m_patient = *created->patient;
        QCOMPARE(m_patient.details.fullName, request.patient.fullName);
        QCOMPARE(m_patient.registeredBy, reception());
        QVERIFY(!m_patient.mrn.isEmpty());

        auto got = call(m_desk, kGetPatient, GetPatientRequest{m_patient.id, {}});
        QVERIFY2(got, qPrintable(describe(got.error())));
        QCOMPARE(got->patient.id, m_patient.id);
        QCOMPARE(got->patient.details, m_patient.details);

        // Found as a receptionist types it: word prefix, any case, without the accents; by
        // national id and by record number.
        const QList<std::pair<QString, PatientSearchField>> searches{
            {QStringLiteral("thandeka"), PatientSearchField::Name},
            {QStringLiteral("XAB"), PatientSearchField::Name},
            {QStringLiteral("angstrom"), PatientSearchField::Name},
            {request.patient.nationalId, PatientSearchField::NationalId},
            {m_patient.mrn, PatientSearchField::Mrn},
        };
        for (const auto& [query, by] : searches) {
            SearchPatientsRequest search;
            search.query = query;
            search.by = by;
            search.limit = 50;
            auto found = call(m_desk, kSearchPatients, search);
            QVERIFY2(found, qPrintable(describe(found.error())));
            bool hit = false;
            for (const Patient& p : found->patients)
                hit = hit || p.id == m_patient.id;
            QVERIFY2(hit, qPrintable(QStringLiteral("search '%1' misses the patient").arg(query)));
        }
        // Its patient.registered event is durable in OPD_EVENTS.
        QVERIFY(poll(
            [&] {
                return subjectCounts(client()).value(
                           QString::fromLatin1(kPatientRegistered.subject)) == before + 1;
            },
            kWaitMs));
    }

    void eachRoleReachesOnlyItsOwnEndpoints()
    {
        // The server refuses before any service sees it (docs/security.md has the matrix).
        CreatePatientRequest request;
        request.staff = doctor();
        request.patient = patientDetails(QStringLiteral("Not Registered"), QDate(1990, 1, 1),
                                         QStringLiteral("900101-00-0000"));
        auto denied = call(m_desk.as(StaffRole::Doctor), kCreatePatient, request);
        QVERIFY(!denied);
        QCOMPARE(denied.error().kind, bus::BusError::Kind::PermissionDenied);
        auto audit = call(m_desk.as(StaffRole::Reception), kAuditVerify, AuditVerifyRequest{});
        QVERIFY(!audit);
        QCOMPARE(audit.error().kind, bus::BusError::Kind::PermissionDenied);
        auto dispense = call(m_desk.as(StaffRole::LabTechnician), kPendingPrescriptions,
                             PendingPrescriptionsRequest{10});
        QVERIFY(!dispense);
        QCOMPARE(dispense.error().kind, bus::BusError::Kind::PermissionDenied);
    }

    void receptionOpensAVisitWithTokenOne()
    {
        QVERIFY(!m_patient.id.isEmpty());
        OpenVisitRequest request;
        request.staff = reception();
        request.patientId = m_patient.id;
        request.queue = kQueue;
        request.complaint = QStringLiteral("Fever and sore throat for 3 days");
        auto opened = call(m_desk, kOpenVisit, request);
        QVERIFY2(opened, qPrintable(describe(opened.error())));
        m_visit = opened->visit;
        QCOMPARE(m_visit.token, 1);
        QCOMPARE(m_visit.state, VisitState::Registered);
        QCOMPARE(m_visit.patientId, m_patient.id);
        QCOMPARE(m_visit.patientName, m_patient.details.fullName);
        QCOMPARE(m_visit.day, clinicToday());
        QCOMPARE(m_visit.history.size(), 1);
        QCOMPARE(m_visit.history.at(0).by.id, reception().id);

        // One open visit per patient per day.
        auto again = call(m_desk, kOpenVisit, request);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().kind, bus::BusError::Kind::ServiceError);
        QCOMPARE(again.error().code, errors::kConflict);

        const auto visit = flow::registrationVisit(m_desk.as(StaffRole::Reception), m_visit.id);
        QVERIFY(visit.has_value());
        QCOMPARE(visit->state, VisitState::Registered);
        WaitingListRequest waiting;
        waiting.queue = kQueue;
        auto list = call(m_desk, kWaitingList, waiting);
        QVERIFY2(list, qPrintable(describe(list.error())));
        QCOMPARE(list->visits.size(), 1);
        QCOMPARE(list->visits.at(0).id, m_visit.id);
    }

    void theVisitAppearsInTheDoctorsQueue()
    {
        QVERIFY(!m_visit.id.isEmpty());
        std::optional<QueueEntry> entry;
        QVERIFY2(poll([&] { return (entry = queueEntry()).has_value(); }, kWaitMs),
                 "the visit never reached the doctor's queue");
        QCOMPARE(entry->token, 1);
        QCOMPARE(entry->state, VisitState::Registered);
        QCOMPARE(entry->patientId, m_patient.id);
        QCOMPARE(entry->patientName, m_patient.details.fullName);
        QCOMPARE(entry->complaint, m_visit.complaint);
    }

    void theDoctorCallsAndStarts()
    {
        QVERIFY(!m_visit.id.isEmpty());
        CallNextRequest request;
        request.staff = doctor();
        request.queue = kQueue;
        request.room = QStringLiteral("Room 3");
        auto called = call(m_desk, kCallNext, request);
        QVERIFY2(called, qPrintable(describe(called.error())));
        QVERIFY(called->entry.has_value());
        QCOMPARE(called->entry->visitId, m_visit.id);
        QCOMPARE(called->entry->state, VisitState::Called);
        QVERIFY(called->entry->calledBy.has_value());
        QCOMPARE(called->entry->calledBy->id, doctor().id);
        QCOMPARE(called->entry->room, request.room);
        QVERIFY(registrationReaches(VisitState::Called));

        // Nobody else waits in this queue.
        auto none = call(m_desk, kCallNext, request);
        QVERIFY2(none, qPrintable(describe(none.error())));
        QVERIFY(!none->entry.has_value());

        auto started =
            call(m_desk, kStartConsultation, StartConsultationRequest{doctor(), m_visit.id});
        QVERIFY2(started, qPrintable(describe(started.error())));
        QCOMPARE(started->entry.state, VisitState::InConsultation);
        const auto entry = queueEntry();
        QVERIFY(entry.has_value());
        QCOMPARE(entry->state, VisitState::InConsultation);
        QVERIFY(registrationReaches(VisitState::InConsultation));
    }

    void theDoctorRecordsTheConsultation()
    {
        QVERIFY(!m_visit.id.isEmpty());
        // A drug the pharmacy's demo formulary has enough unexpired stock of.
        const QString drugCode =
            drugWithUnexpiredStock(m_desk.as(StaffRole::Pharmacist), 10 * kPrescribed);
        QVERIFY2(!drugCode.isEmpty(), "no drug with enough unexpired stock");
        m_drugBefore = stockOf(drugCode);
        QVERIFY(m_drugBefore.total >= 10 * kPrescribed);

        SaveConsultationRequest request;
        request.staff = doctor();
        request.visitId = m_visit.id;
        request.consultation =
            pharyngitisConsultation(m_visit.complaint, m_drugBefore, kPrescribed);
        const ConsultationContent& c = request.consultation;
        auto saved = call(m_desk, kSaveConsultation, request);
        QVERIFY2(saved, qPrintable(describe(saved.error())));
        m_consultation = saved->consultation;
        QVERIFY(!m_consultation.id.isEmpty());
        QCOMPARE(m_consultation.visitId, m_visit.id);
        QCOMPARE(m_consultation.patientId, m_patient.id);
        QCOMPARE(m_consultation.doctor.id, doctor().id);
        QCOMPARE(m_consultation.content, c);

        // Registration follows (consulted, then awaiting the lab: the consultation has a lab
        // order, issue 11); the queue lets go.
        QVERIFY(registrationReaches(VisitState::AwaitingLab));
        const QStringList seen =
            visitStates(*flow::registrationVisit(m_desk.as(StaffRole::Reception), m_visit.id));
        QVERIFY2(seen.contains(QStringLiteral("consulted")), qPrintable(seen.join(u'>')));
        bool ok = false;
        QVERIFY(poll([&] { return !queueEntry(&ok).has_value() && ok; }, kWaitMs));
        // Saving again is refused: the visit is consulted.
        auto again = call(m_desk, kSaveConsultation, request);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, errors::kConflict);

        auto history = call(m_desk, kPatientHistory, PatientHistoryRequest{m_patient.id, 20, {}});
        QVERIFY2(history, qPrintable(describe(history.error())));
        QCOMPARE(history->entries.size(), 1);
        QCOMPARE(history->entries.at(0).consultation.id, m_consultation.id);
    }

    void thePharmacyDispenses()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        std::optional<PendingPrescription> pending;
        QVERIFY2(poll(
                     [&] {
                         auto list =
                             call(m_desk, kPendingPrescriptions, PendingPrescriptionsRequest{200});
                         if (list)
                             for (const PendingPrescription& p : list->prescriptions)
                                 if (p.consultationId == m_consultation.id)
                                     pending = p;
                         return pending.has_value();
                     },
                     kWaitMs),
                 "the prescription never reached the pharmacy");
        QCOMPARE(pending->visitId, m_visit.id);
        QCOMPARE(pending->patientId, m_patient.id);
        QCOMPARE(pending->lines.size(), 1);
        QCOMPARE(pending->lines.at(0).line, 1);
        QCOMPARE(pending->lines.at(0).prescription.drugCode, m_drugBefore.code);
        QCOMPARE(pending->lines.at(0).prescription.quantity, kPrescribed);
        QCOMPARE(pending->lines.at(0).dispensedQuantity, 0);

        DispenseRequest request;
        request.staff = pharmacist();
        request.consultationId = m_consultation.id;
        request.lines = {DispenseRequestLine{1, kPrescribed}};
        auto dispensed = call(m_desk, kDispense, request);
        QVERIFY2(dispensed, qPrintable(describe(dispensed.error())));
        m_dispense = dispensed->dispense;
        QCOMPARE(m_dispense.visitId, m_visit.id);
        QCOMPARE(m_dispense.partial, false);
        QCOMPARE(m_dispense.dispensedBy.id, pharmacist().id);
        QCOMPARE(m_dispense.lines.size(), 1);
        QCOMPARE(m_dispense.lines.at(0).quantity, kPrescribed);
        int fromBatches = 0;
        QDate previousExpiry;
        for (const BatchQuantity& b : m_dispense.lines.at(0).batches) {
            fromBatches += b.quantity;
            QVERIFY2(b.expiry > clinicToday(), "dispensed from an expired batch");
            QVERIFY2(!previousExpiry.isValid() || previousExpiry <= b.expiry, "not FEFO");
            previousExpiry = b.expiry;
            QVERIFY(b.quantity <= m_drugBefore.batches.value(b.batch));
        }
        QCOMPARE(fromBatches, kPrescribed);
        // First expiry first out: the first batch used is the earliest unexpired one.
        QDate earliest;
        for (auto it = m_drugBefore.batches.cbegin(); it != m_drugBefore.batches.cend(); ++it)
            if (it.value() > 0 &&
                (!earliest.isValid() || m_drugBefore.expiry.value(it.key()) < earliest))
                earliest = m_drugBefore.expiry.value(it.key());
        QCOMPARE(m_dispense.lines.at(0).batches.at(0).expiry, earliest);

        // Stock decreased by exactly what was dispensed, batch by batch.
        const DrugStock after = stockOf(m_drugBefore.code);
        QCOMPARE(after.total, m_drugBefore.total - kPrescribed);
        for (const BatchQuantity& b : m_dispense.lines.at(0).batches)
            QCOMPARE(after.batches.value(b.batch),
                     m_drugBefore.batches.value(b.batch) - b.quantity);

        auto list = call(m_desk, kPendingPrescriptions, PendingPrescriptionsRequest{200});
        QVERIFY2(list, qPrintable(describe(list.error())));
        for (const PendingPrescription& p : list->prescriptions)
            QVERIFY2(p.consultationId != m_consultation.id, "still pending after a full dispense");
        // Dispensing again is refused and takes nothing.
        auto again = call(m_desk, kDispense, request);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, errors::kConflict);
        QCOMPARE(stockOf(m_drugBefore.code).total, after.total);

        // Dispensed, but the lab result is outstanding: the visit still waits for the lab.
        QVERIFY(poll(
            [&] {
                const auto v = flow::registrationVisit(m_desk.as(StaffRole::Reception), m_visit.id);
                return v && v->lastTransitionTo(VisitState::Dispensed);
            },
            kWaitMs));
        QCOMPARE(flow::registrationVisit(m_desk.as(StaffRole::Reception), m_visit.id)->state,
                 VisitState::AwaitingLab);
    }

    void theLabRecordsTheResult()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        std::optional<LabOrder> order;
        QVERIFY2(poll(
                     [&] {
                         order =
                             pendingLabOrder(m_desk.forSubject(kPendingLabOrders.subjectBytes()),
                                             m_consultation.id);
                         return order.has_value();
                     },
                     kWaitMs),
                 "the lab order never reached the lab");
        QCOMPARE(order->state, LabOrderState::Ordered);
        QCOMPARE(order->visitId, m_visit.id);
        QCOMPARE(order->test.testCode, QStringLiteral("FBC"));
        QCOMPARE(order->line, 1);

        auto collected =
            call(m_desk, kCollectSample,
                 CollectSampleRequest{labTechnician(), order->id, QStringLiteral("S-24-0001"), {}});
        QVERIFY2(collected, qPrintable(describe(collected.error())));
        QCOMPARE(collected->order.state, LabOrderState::Collected);
        QVERIFY(collected->order.collectedBy.has_value());
        QCOMPARE(collected->order.collectedBy->id, labTechnician().id);
        m_labOrder = collected->order;

        EnterLabResultRequest request;
        request.staff = labTechnician();
        request.orderId = order->id;
        request.result.value = QStringLiteral("5.4");
        request.result.unit = QStringLiteral("10^9/L");
        request.result.referenceRange = QStringLiteral("4.0-11.0");
        request.result.flag = LabFlag::Normal;
        auto resulted = call(m_desk, kEnterLabResult, request);
        QVERIFY2(resulted, qPrintable(describe(resulted.error())));
        m_labResult = resulted->result;
        QCOMPARE(m_labResult.orderId, order->id);
        QCOMPARE(m_labResult.visitId, m_visit.id);
        QCOMPARE(m_labResult.entry.value, QStringLiteral("5.4"));

        auto pendingOrders = call(m_desk, kPendingLabOrders, PendingLabOrdersRequest{});
        QVERIFY2(pendingOrders, qPrintable(describe(pendingOrders.error())));
        for (const LabOrder& o : pendingOrders->orders)
            QVERIFY2(o.id != order->id, "the order is still pending after its result");

        // The doctor sees the result in the patient's history.
        std::optional<PatientHistoryReply> history;
        QVERIFY2(poll(
                     [&] {
                         auto h = call(m_desk, kPatientHistory,
                                       PatientHistoryRequest{m_patient.id, 20, {}});
                         if (!h || h->entries.isEmpty())
                             return false;
                         history = h.value();
                         return !h->entries.at(0).labResults.isEmpty();
                     },
                     kWaitMs),
                 "the lab result never reached the patient's history");
        QCOMPARE(history->entries.size(), 1);
        QCOMPARE(history->entries.at(0).labResults.size(), 1);
        QCOMPARE(history->entries.at(0).labResults.at(0).orderId, order->id);
        QCOMPARE(history->entries.at(0).labResults.at(0).entry.value, QStringLiteral("5.4"));
        // Every result in: the visit goes on as dispensed.
        QVERIFY(registrationReaches(VisitState::Dispensed));
    }

    void dischargeRecordsTheNextVisit()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        bus::Connection& releases = m_desk.forSubject(kPendingReleases.subjectBytes());
        std::optional<PendingRelease> release;
        QVERIFY2(poll(
                     [&] {
                         release = pendingRelease(releases, m_visit.id);
                         return release.has_value();
                     },
                     kWaitMs),
                 "the visit never became ready for discharge");
        QCOMPARE(release->consultationId, m_consultation.id);
        QCOMPARE(release->patientId, m_patient.id);
        QCOMPARE(release->token, 1);
        QCOMPARE(release->queue, kQueue);
        QCOMPARE(release->disposition, Disposition::ToPharmacy);

        RecordDischargeRequest request;
        request.staff = doctor();
        request.visitId = m_visit.id;
        request.details.outcome = DischargeOutcome::Discharged;
        request.details.notes = QStringLiteral("Return if fever persists beyond 48 hours.");
        request.details.nextVisit = clinicToday().addDays(7);
        request.details.postMedication = m_consultation.content.prescriptions;
        auto recorded = call(m_desk, kRecordDischarge, request);
        QVERIFY2(recorded, qPrintable(describe(recorded.error())));
        QCOMPARE(recorded->discharge.visitId, m_visit.id);
        QCOMPARE(recorded->discharge.patientId, m_patient.id);
        QCOMPARE(recorded->discharge.details.nextVisit, request.details.nextVisit);
        QCOMPARE(recorded->discharge.recordedBy.id, doctor().id);

        QVERIFY(registrationReaches(VisitState::Discharged));
        // Every step is in the visit's history, in order, with who did it.
        const auto visit = flow::registrationVisit(m_desk.as(StaffRole::Reception), m_visit.id);
        QVERIFY(visit.has_value());
        const QStringList seen = visitStates(*visit);
        // With its lab order the visit waited for the lab, was dispensed meanwhile (still
        // awaiting_lab), and went on as dispensed once the result was in (issue 11).
        const QStringList expected{QStringLiteral("registered"),      QStringLiteral("called"),
                                   QStringLiteral("in_consultation"), QStringLiteral("consulted"),
                                   QStringLiteral("awaiting_lab"),    QStringLiteral("dispensed"),
                                   QStringLiteral("awaiting_lab"),    QStringLiteral("dispensed"),
                                   QStringLiteral("discharged")};
        const QString missing = missingInOrder(seen, expected);
        QVERIFY2(missing.isEmpty(),
                 qPrintable(
                     QStringLiteral("history %1 lacks %2 in order").arg(seen.join(u'>'), missing)));
        for (const VisitTransition& t : visit->history)
            QVERIFY2(!t.by.id.isEmpty() && t.at.isValid(), "a step without who or when");

        QVERIFY(poll(
            [&] {
                auto list = call(m_desk, kPendingReleases, PendingReleasesRequest{});
                if (!list)
                    return false;
                for (const PendingRelease& r : list->releases)
                    if (r.visitId == m_visit.id)
                        return false;
                return true;
            },
            kWaitMs));
        auto again = call(m_desk, kRecordDischarge, request);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, errors::kConflict);
        // The closed visit is not waiting anywhere.
        QVERIFY(!queueEntry().has_value());
        WaitingListRequest waiting;
        waiting.queue = kQueue;
        auto open = call(m_desk, kWaitingList, waiting);
        QVERIFY2(open, qPrintable(describe(open.error())));
        QVERIFY(open->visits.isEmpty());
    }

    void theAuditLogHoldsEveryEventAndVerifies()
    {
        QVERIFY(!m_patient.id.isEmpty());
        QVERIFY2(waitForQuiet(client(), 60000), qPrintable(m_cluster->logTails()));
        // Each step of the visit once, by the member who did it; each read by its reader.
        const QHash<QString, QString> expectedActor{
            {QStringLiteral("opd.events.patient.registered"), reception().id},
            {QStringLiteral("opd.events.visit.registered"), reception().id},
            {QStringLiteral("opd.events.visit.called"), doctor().id},
            {QStringLiteral("opd.events.visit.consultation_started"), doctor().id},
            {QStringLiteral("opd.events.visit.consulted"), doctor().id},
            {QStringLiteral("opd.events.visit.dispensed"), pharmacist().id},
            {QStringLiteral("opd.events.lab.sample_collected"), labTechnician().id},
            {QStringLiteral("opd.events.lab.resulted"), labTechnician().id},
            {QStringLiteral("opd.events.visit.results_in"), labTechnician().id},
            {QStringLiteral("opd.events.visit.discharged"), doctor().id},
        };
        const QHash<QString, QString> readers{
            {QStringLiteral("opd.events.patient.record_viewed"), reception().id},
            {QStringLiteral("opd.events.patient.history_viewed"), doctor().id},
        };
        QList<AuditRecord> records;
        QVERIFY(poll(
            [&] {
                records = auditOfPatient();
                return records.size() >= expectedActor.size() + readers.size();
            },
            kWaitMs));
        const QStringList problems =
            checkPatientAudit(records, m_patient.id, expectedActor, readers);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));

        AuditQueryRequest byStaff;
        byStaff.staffId = pharmacist().id;
        byStaff.limit = 1000;
        auto staffRecords = call(m_desk, kAuditQuery, byStaff);
        QVERIFY2(staffRecords, qPrintable(describe(staffRecords.error())));
        bool dispenseAudited = false;
        for (const AuditRecord& r : staffRecords->records) {
            QCOMPARE(r.actor.id, pharmacist().id);
            dispenseAudited =
                dispenseAudited || r.subject == QString::fromLatin1(kVisitDispensed.subject);
        }
        QVERIFY(dispenseAudited);

        // One record per event in the stream (work-list events excepted), and the chain
        // verifies.
        const qint64 events = auditedEvents(client());
        auto verified = call(m_desk, kAuditVerify, AuditVerifyRequest{});
        QVERIFY2(verified, qPrintable(describe(verified.error())));
        QVERIFY2(verified->intact, qPrintable(verified->reason));
        QCOMPARE(verified->checked, verified->headSeq);
        QCOMPARE(verified->headSeq, events);
        QVERIFY(events > m_eventsAtStart);
    }

    void everyServiceAnswersDiscovery_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::newRow("PING") << QByteArray("PING");
        QTest::newRow("INFO") << QByteArray("INFO");
        QTest::newRow("STATS") << QByteArray("STATS");
    }
    void everyServiceAnswersDiscovery()
    {
        QFETCH(QByteArray, verb);
        // The scenario used every service, so STATS must count requests on each.
        const QString problem =
            checkDiscovery(client(), verb, /*requireTraffic=*/true, m_cluster->services());
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestOpdScenario)
#include "test_opd_scenario.moc"
