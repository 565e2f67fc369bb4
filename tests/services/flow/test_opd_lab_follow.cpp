// Issue 11, integration: the visit follows its lab orders on the secured clinic (identity, the
// auth agent, the five services as processes on a real nats-server):
//  - a visit with a lab order waits for the lab (registration's visit.get) even once its drugs
//    are dispensed, and its release is not ready until the result is in;
//  - each result reaches the ordering doctor's "results to review" (results.to_review,
//    list.results_changed) and is marked reviewed there, by that doctor only;
//  - disposition to_lab brings the patient back into that doctor's queue once every result is
//    in (review_of; another doctor's call next skips it); the follow-up consultation decides
//    the release;
//  - release_without_results releases the patient while a result is outstanding.

#include "bus/nats_library.h"
#include "flow_support.h"
#include "opd_cluster.h"
#include "scenario_queries.h"
#include "staff_desk.h"

#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::flow;

namespace {

const QString kQueue = QStringLiteral("lab-follow");
constexpr int kWaitMs = 20000;
const StaffRef kOtherDoctor{QStringLiteral("dr.okoye"), QStringLiteral("Dr Ben Okoye"),
                            StaffRole::Doctor};

} // namespace

class TestOpdLabFollow : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<OpdCluster> m_cluster;
    std::unique_ptr<bus::Connection> m_client; // observer: streams
    StaffDesk m_desk;
    DrugStock m_drug;
    int m_patients = 0;

    bus::Connection& doctorConnection() { return m_desk.as(StaffRole::Doctor); }
    bus::Connection& otherDoctor()
    {
        return m_desk.member(kOtherDoctor.id, kCallNext.subjectBytes());
    }

    // A new patient with a visit waiting in kQueue (and in the doctor's queue).
    std::optional<Visit> waitingVisit()
    {
        ++m_patients;
        CreatePatientRequest create;
        create.staff = reception();
        create.patient =
            patientDetails(QStringLiteral("Lab Follow %1").arg(m_patients), QDate(1985, 3, 4),
                           QStringLiteral("850304-11-%1").arg(m_patients, 4, 10, QLatin1Char('0')));
        create.confirmDuplicate = true;
        auto created = call(m_desk, kCreatePatient, create);
        if (!created || !created->patient)
            return std::nullopt;
        OpenVisitRequest open;
        open.staff = reception();
        open.patientId = created->patient->id;
        open.queue = kQueue;
        open.complaint = QStringLiteral("Fever");
        auto opened = call(m_desk, kOpenVisit, open);
        if (!opened)
            return std::nullopt;
        const QString id = opened->visit.id;
        if (!poll([&] { return queueEntry(doctorConnection(), kQueue, id).has_value(); }, kWaitMs))
            return std::nullopt;
        return opened->visit;
    }

    // Called ("call this one") and saved by the demo doctor.
    std::optional<Consultation> consult(const Visit& visit, const ConsultationContent& content)
    {
        auto called =
            call(doctorConnection(), kCallVisit, CallVisitRequest{doctor(), visit.id, {}});
        if (!called) {
            qWarning().noquote() << "call failed:" << describe(called.error());
            return std::nullopt;
        }
        auto saved = call(doctorConnection(), kSaveConsultation,
                          SaveConsultationRequest{doctor(), visit.id, content});
        if (!saved) {
            qWarning().noquote() << "save failed:" << describe(saved.error());
            return std::nullopt;
        }
        return saved->consultation;
    }

    ConsultationContent withLabOrder(Disposition disposition, bool prescription)
    {
        ConsultationContent c = pharyngitisConsultation(QStringLiteral("Fever"), m_drug, 2);
        c.disposition = disposition;
        if (!prescription)
            c.prescriptions.clear();
        return c;
    }

    // Once the pharmacy has the prescription (from visit.consulted): a 404 before changes
    // nothing, so it is asked again.
    bool dispense(const Consultation& c)
    {
        bus::BusError last;
        const bool given = poll(
            [&] {
                auto r = call(m_desk, kDispense, DispenseRequest{pharmacist(), c.id, {{1, 2}}, {}});
                last = r.ok() ? bus::BusError{} : r.error();
                return r.ok() || last.code != 404;
            },
            kWaitMs);
        if (!given || last.isError())
            qWarning().noquote() << "dispense failed:" << describe(last);
        return given && !last.isError();
    }

    // The lab collects every order of the consultation; the collected orders.
    QList<LabOrder> collectAll(const Consultation& c)
    {
        QList<LabOrder> orders;
        poll(
            [&] {
                orders.clear();
                auto pending = call(m_desk, kPendingLabOrders, PendingLabOrdersRequest{});
                if (pending)
                    for (const LabOrder& o : pending->orders)
                        if (o.consultationId == c.id)
                            orders.append(o);
                return orders.size() == c.content.labOrders.size();
            },
            kWaitMs);
        for (const LabOrder& order : orders)
            if (!call(m_desk, kCollectSample,
                      CollectSampleRequest{
                          labTechnician(), order.id, QStringLiteral("S-%1").arg(order.line), {}}))
                return {};
        return orders;
    }

    bool enterAll(const QList<LabOrder>& orders)
    {
        for (const LabOrder& order : orders) {
            EnterLabResultRequest enter;
            enter.staff = labTechnician();
            enter.orderId = order.id;
            enter.result.value = QStringLiteral("WBC 13.2");
            enter.result.flag = LabFlag::Abnormal;
            if (!call(m_desk, kEnterLabResult, enter))
                return false;
        }
        return !orders.isEmpty();
    }

    // The lab collects and results every order of the consultation.
    bool resultAll(const Consultation& c) { return enterAll(collectAll(c)); }

    std::optional<ReleaseStatusReply> release(const QString& visitId)
    {
        auto got = call(doctorConnection(), kGetRelease, GetReleaseRequest{visitId});
        return got ? std::optional<ReleaseStatusReply>(*got) : std::nullopt;
    }

    QList<ResultToReview> toReview(bus::Connection& connection, const StaffRef& who,
                                   const QString& visitId)
    {
        QList<ResultToReview> rows;
        auto list = call(connection, kResultsToReview, ResultsToReviewRequest{who, false});
        if (list)
            for (const ResultToReview& row : list->results)
                if (row.visitId == visitId)
                    rows.append(row);
        return rows;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_cluster = std::make_unique<OpdCluster>();
        m_cluster->setSecured(true);
        QVERIFY2(m_cluster->startAll(/*seedDemo=*/true), qPrintable(m_cluster->errorString()));
        m_client = m_cluster->connectClient(QStringLiteral("opd-lab-follow"));
        QVERIFY(m_client);
        if (!m_desk.open(*m_cluster)) {
            qWarning().noquote() << m_cluster->logTails();
            QFAIL(qPrintable(m_desk.errorString()));
        }
        QVERIFY2(m_desk.addMember(*m_cluster, kOtherDoctor), qPrintable(m_desk.errorString()));
        const QString code = drugWithUnexpiredStock(m_desk.as(StaffRole::Pharmacist), 50);
        QVERIFY(!code.isEmpty());
        m_drug = stockOf(m_desk.as(StaffRole::Pharmacist), code);
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_cluster)
            qWarning().noquote() << m_cluster->logTails(40);
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_cluster.reset();
    }

    void outstandingResultHoldsVisitAndRelease()
    {
        const auto visit = waitingVisit();
        QVERIFY(visit);
        const auto c = consult(*visit, withLabOrder(Disposition::ToPharmacy, true));
        QVERIFY(c);
        auto& reception = m_desk.as(StaffRole::Reception);
        QVERIFY2(registrationReaches(reception, visit->id, VisitState::AwaitingLab, kWaitMs),
                 "the visit never showed that it waits for the lab");

        // Drugs given, result outstanding: still waiting for the lab, not ready for release.
        QVERIFY(dispense(*c));
        QVERIFY(poll(
            [&] {
                const auto r = release(visit->id);
                return r && r->state == VisitState::AwaitingLab && !r->release;
            },
            kWaitMs));
        QVERIFY(poll(
            [&] {
                const auto v = registrationVisit(reception, visit->id);
                return v && v->lastTransitionTo(VisitState::Dispensed);
            },
            kWaitMs));
        QCOMPARE(registrationVisit(reception, visit->id)->state, VisitState::AwaitingLab);
        QTest::qWait(500);
        QVERIFY(!release(visit->id)->release);

        // The result: the visit goes on as dispensed, the release is ready, and the result
        // waits for the ordering doctor.
        const qint64 listEvents =
            subjectCounts(*m_client).value(QString::fromLatin1(kResultListChanged.subject));
        QVERIFY(resultAll(*c));
        QVERIFY2(registrationReaches(reception, visit->id, VisitState::Dispensed, kWaitMs),
                 "the visit did not go on once the result was in");
        QVERIFY(poll(
            [&] {
                const auto r = release(visit->id);
                return r && r->release && r->release->readySince.isValid();
            },
            kWaitMs));
        QList<ResultToReview> rows;
        QVERIFY(poll(
            [&] {
                rows = toReview(doctorConnection(), doctor(), visit->id);
                return rows.size() == 1;
            },
            kWaitMs));
        QCOMPARE(rows.at(0).orderedBy.id, doctor().id);
        QCOMPARE(rows.at(0).consultationId, c->id);
        QCOMPARE(rows.at(0).result.entry.value, QStringLiteral("WBC 13.2"));
        QVERIFY(!rows.at(0).reviewedAt.isValid());
        QVERIFY(toReview(otherDoctor(), kOtherDoctor, visit->id).isEmpty());
        QVERIFY(poll(
            [&] {
                return subjectCounts(*m_client).value(
                           QString::fromLatin1(kResultListChanged.subject)) > listEvents;
            },
            kWaitMs));

        // Only the ordering doctor marks it reviewed; marking again answers the same row.
        const auto refused = call(otherDoctor(), kMarkResultReviewed,
                                  MarkResultReviewedRequest{kOtherDoctor, rows.at(0).orderId});
        QCOMPARE(refused.error().code, 409);
        const auto reviewed = call(doctorConnection(), kMarkResultReviewed,
                                   MarkResultReviewedRequest{doctor(), rows.at(0).orderId});
        QVERIFY2(reviewed.ok(), qPrintable(describe(reviewed.error())));
        QVERIFY(reviewed->result.reviewedAt.isValid());
        QCOMPARE(reviewed->result.reviewedBy->id, doctor().id);
        const auto again = call(doctorConnection(), kMarkResultReviewed,
                                MarkResultReviewedRequest{doctor(), rows.at(0).orderId});
        QVERIFY(again.ok());
        QCOMPARE(again->result.reviewedAt, reviewed->result.reviewedAt);
        QVERIFY(toReview(doctorConnection(), doctor(), visit->id).isEmpty());
        auto withReviewed =
            call(doctorConnection(), kResultsToReview, ResultsToReviewRequest{doctor(), true});
        QVERIFY(withReviewed);
        bool listed = false;
        for (const ResultToReview& row : withReviewed->results)
            listed = listed || row.orderId == rows.at(0).orderId;
        QVERIFY(listed);
        QCOMPARE(call(doctorConnection(), kMarkResultReviewed,
                      MarkResultReviewedRequest{doctor(), newId()})
                     .error()
                     .code,
                 404);
    }

    void toLabBringsThePatientBackToTheOrderingDoctor()
    {
        const auto visit = waitingVisit();
        QVERIFY(visit);
        const auto c = consult(*visit, withLabOrder(Disposition::ToLab, false));
        QVERIFY(c);
        auto& reception = m_desk.as(StaffRole::Reception);
        QVERIFY(registrationReaches(reception, visit->id, VisitState::AwaitingLab, kWaitMs));
        QVERIFY(!queueEntry(doctorConnection(), kQueue, visit->id));

        QVERIFY(resultAll(*c));
        // Back in the queue, for the doctor who ordered the test, with the results.
        std::optional<QueueEntry> entry;
        QVERIFY2(poll(
                     [&] {
                         entry = queueEntry(doctorConnection(), kQueue, visit->id);
                         return entry.has_value();
                     },
                     kWaitMs),
                 "the visit did not come back to the doctor's queue");
        QCOMPARE(entry->state, VisitState::Registered);
        QCOMPARE(entry->reviewOf, c->id);
        QVERIFY(!entry->calledBy);
        QVERIFY(registrationReaches(reception, visit->id, VisitState::Registered, kWaitMs));
        const auto back = release(visit->id);
        QVERIFY(back);
        QCOMPARE(back->state, VisitState::Registered);
        QVERIFY(!back->release);

        // Another doctor's call next does not take it; the ordering doctor's does.
        const auto other =
            call(otherDoctor(), kCallNext, CallNextRequest{kOtherDoctor, kQueue, {}});
        QVERIFY2(other.ok(), qPrintable(describe(other.error())));
        QVERIFY(!other->entry);
        const auto mine =
            call(doctorConnection(), kCallNext, CallNextRequest{doctor(), kQueue, {}});
        QVERIFY2(mine.ok(), qPrintable(describe(mine.error())));
        QVERIFY(mine->entry);
        QCOMPARE(mine->entry->visitId, visit->id);

        // The follow-up consultation: a second consultation of the visit; it decides.
        ConsultationContent followUp;
        followUp.diagnoses = {Diagnosis{QStringLiteral("Viral pharyngitis"), {}}};
        followUp.notes = QStringLiteral("FBC reviewed with the patient");
        followUp.disposition = Disposition::Discharge;
        const auto saved = call(doctorConnection(), kSaveConsultation,
                                SaveConsultationRequest{doctor(), visit->id, followUp});
        QVERIFY2(saved.ok(), qPrintable(describe(saved.error())));
        QVERIFY(saved->consultation.id != c->id);
        QVERIFY(registrationReaches(reception, visit->id, VisitState::Consulted, kWaitMs));
        QVERIFY(poll(
            [&] {
                const auto r = release(visit->id);
                return r && r->release && r->release->consultationId == saved->consultation.id;
            },
            kWaitMs));
        auto history = call(doctorConnection(), kPatientHistory,
                            PatientHistoryRequest{visit->patientId, 20, {}});
        QVERIFY(history);
        QCOMPARE(history->entries.size(), 2);
        QCOMPARE(history->entries.at(0).consultation.id, saved->consultation.id);
        QCOMPARE(history->entries.at(1).labResults.size(), 1);
        // Saved twice for one round: still refused.
        QCOMPARE(call(doctorConnection(), kSaveConsultation,
                      SaveConsultationRequest{doctor(), visit->id, followUp})
                     .error()
                     .code,
                 409);
    }

    // The desk may record a discharge while a result is outstanding: the result still reaches
    // the doctor, but the closed visit does not come back to the queue.
    void dischargedVisitDoesNotComeBack()
    {
        const auto visit = waitingVisit();
        QVERIFY(visit);
        const auto c = consult(*visit, withLabOrder(Disposition::ToLab, false));
        QVERIFY(c);
        auto& reception = m_desk.as(StaffRole::Reception);
        QVERIFY(registrationReaches(reception, visit->id, VisitState::AwaitingLab, kWaitMs));
        const QList<LabOrder> collected = collectAll(*c); // a sample taken: the order stays
        QCOMPARE(collected.size(), 1);
        RecordDischargeRequest discharge;
        discharge.staff = doctor();
        discharge.visitId = visit->id;
        discharge.details.outcome = DischargeOutcome::Discharged;
        const auto recorded = call(doctorConnection(), kRecordDischarge, discharge);
        QVERIFY2(recorded.ok(), qPrintable(describe(recorded.error())));
        QVERIFY(registrationReaches(reception, visit->id, VisitState::Discharged, kWaitMs));
        QTest::qWait(300); // the pharmacy's discharge consumer leaves collected orders open
        QVERIFY(enterAll(collected));
        QVERIFY(poll([&] { return toReview(doctorConnection(), doctor(), visit->id).size() == 1; },
                     kWaitMs));
        QTest::qWait(500);
        QVERIFY(!queueEntry(doctorConnection(), kQueue, visit->id));
        QCOMPARE(registrationVisit(reception, visit->id)->state, VisitState::Discharged);
    }

    void releaseWithoutResults()
    {
        const auto visit = waitingVisit();
        QVERIFY(visit);
        ConsultationContent content = withLabOrder(Disposition::ToPharmacy, true);
        content.releaseWithoutResults = true;
        const auto c = consult(*visit, content);
        QVERIFY(c);
        QVERIFY(dispense(*c));
        QVERIFY2(poll(
                     [&] {
                         const auto r = release(visit->id);
                         return r && r->release && r->release->readySince.isValid();
                     },
                     kWaitMs),
                 "released without results, the visit should be ready once dispensed");
        // The visit itself still shows the outstanding result.
        QCOMPARE(registrationVisit(m_desk.as(StaffRole::Reception), visit->id)->state,
                 VisitState::AwaitingLab);
    }
};

QTEST_GUILESS_MAIN(TestOpdLabFollow)
#include "test_opd_lab_follow.moc"
