// Issue 9 acceptance, integration: every state-changing endpoint of the OPD, called twice with
// the same request id on the secured clinic (identity, accounts, the auth agent, the five
// services), answers identically (the second marked Openopd-Replayed) and changes the state
// once, read back through the services' own endpoints: one patient, revision + 1, one visit,
// one patient called, one consultation, the dispensed count and stock moved once, the staff
// account created once, and so on. Another staff member reusing an id is refused.

#include "bus/nats_library.h"
#include "bus/request_id.h"
#include "flow_support.h"
#include "opd_cluster.h"
#include "scenario_queries.h"
#include "staff_desk.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::flow;

namespace {

const QString kQueue = QStringLiteral("idem-q");
constexpr int kWaitMs = 20000;
constexpr int kPrescribed = 10;

QByteArray newRequestId()
{
    return QUuid::createUuid().toByteArray(QUuid::Id128);
}

// One request with a request id; the raw reply (empty subject: no reply).
bus::Message send(bus::Connection& connection, const QByteArray& subject, const QByteArray& body,
                  const QByteArray& requestId)
{
    std::optional<bus::Message> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::seconds(10);
    options.headers = {{bus::kRequestIdHeader, requestId}};
    connection.request(subject, body, options, &context, [&reply](bus::Result<bus::Message> r) {
        reply = r.ok() ? r.value() : bus::Message{};
    });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, 15000))
        return {};
    return *reply;
}

} // namespace

class TestOpdIdempotency : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<OpdCluster> m_cluster;
    std::unique_ptr<bus::Connection> m_client;
    StaffDesk m_desk;
    QString m_problem; // why twice() returned nothing
    QByteArray m_lastId;

    Patient m_patient;
    Visit m_visit;
    Visit m_other; // waits behind m_visit in the doctor's queue
    Consultation m_consultation;
    DrugStock m_drug;

    // Sends request twice with one request id (the second after the first answered): both
    // answers must be the same bytes, the second marked as replayed; the first decoded.
    template <class Req, class Rep>
    std::optional<Rep> twice(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
                             const std::type_identity_t<Req>& request)
    {
        m_lastId = newRequestId();
        const QByteArray body = bus::Codec<Req>::encode(request);
        const bus::Message first = send(connection, endpoint.subjectBytes(), body, m_lastId);
        const bus::Message second = send(connection, endpoint.subjectBytes(), body, m_lastId);
        m_problem.clear();
        if (first.subject.isEmpty() || second.subject.isEmpty())
            m_problem = QStringLiteral("no answer");
        else if (first.hasHeader(bus::kServiceErrorCodeHeader))
            m_problem = QStringLiteral("failed: ") + QString::fromUtf8(first.data);
        else if (first.hasHeader(bus::kReplayedHeader))
            m_problem = QStringLiteral("the first answer is marked replayed");
        else if (second.header(bus::kReplayedHeader) != "true")
            m_problem = QStringLiteral("the repeat is not marked replayed: ") +
                        QString::fromUtf8(second.data);
        else if (second.data != first.data)
            m_problem = QStringLiteral("answers differ:\n%1\n%2")
                            .arg(QString::fromUtf8(first.data), QString::fromUtf8(second.data));
        if (!m_problem.isEmpty()) {
            m_problem.prepend(QString::fromUtf8(endpoint.subjectBytes()) + u' ');
            return std::nullopt;
        }
        auto decoded = bus::Codec<Rep>::decode(first.data);
        if (!decoded) {
            m_problem = decoded.error().toString();
            return std::nullopt;
        }
        return decoded.value();
    }
    template <class Req, class Rep>
    std::optional<Rep> twice(const bus::Endpoint<Req, Rep>& endpoint,
                             const std::type_identity_t<Req>& request)
    {
        return twice(m_desk.forSubject(endpoint.subjectBytes()), endpoint, request);
    }

    int patientsWithNationalId(const QString& nationalId)
    {
        SearchPatientsRequest search;
        search.query = nationalId;
        search.by = PatientSearchField::NationalId;
        auto found = call(m_desk, kSearchPatients, search);
        return found ? static_cast<int>(found->patients.size()) : -1;
    }
    std::optional<Patient> plainPatient(const QString& name, const QString& nationalId)
    {
        CreatePatientRequest request;
        request.staff = reception();
        request.patient = patientDetails(name, QDate(1990, 5, 6), nationalId);
        auto created = call(m_desk, kCreatePatient, request);
        return created && created->patient ? created->patient : std::nullopt;
    }
    OpenVisitRequest visitRequest(const QString& patientId)
    {
        OpenVisitRequest request;
        request.staff = reception();
        request.patientId = patientId;
        request.queue = kQueue;
        request.complaint = QStringLiteral("Cough");
        return request;
    }
    std::optional<QueueEntry> entry(const QString& visitId)
    {
        return queueEntry(m_desk.as(StaffRole::Doctor), kQueue, visitId);
    }
    std::optional<StaffAccount> account(const QString& id, int* count)
    {
        *count = -1;
        auto list = call(m_desk, kStaffList, IdentityEmptyRequest{});
        if (!list)
            return std::nullopt;
        *count = 0;
        std::optional<StaffAccount> found;
        for (const StaffAccount& a : list->staff)
            if (a.id == id) {
                ++*count;
                found = a;
            }
        return found;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_cluster = std::make_unique<OpdCluster>();
        m_cluster->setSecured(true);
        QVERIFY2(m_cluster->startAll(/*seedDemo=*/true), qPrintable(m_cluster->errorString()));
        m_client = m_cluster->connectClient(QStringLiteral("opd-idempotency"));
        QVERIFY(m_client);
        if (!m_desk.open(*m_cluster)) {
            qWarning().noquote() << m_cluster->logTails();
            QFAIL(qPrintable(m_desk.errorString()));
        }
        QVERIFY2(waitForQuiet(*m_client, 60000), qPrintable(m_cluster->logTails()));
    }

    void cleanupTestCase()
    {
        if (QTest::currentTestFailed() && m_cluster)
            qWarning().noquote() << m_cluster->logTails();
        m_client.reset();
        m_cluster.reset();
    }

    void patientCreateAndUpdateOnce()
    {
        CreatePatientRequest request;
        request.staff = reception();
        request.patient = patientDetails(QStringLiteral("Idem Potent"), QDate(1980, 2, 3),
                                         QStringLiteral("800203-11-0909"));
        request.confirmDuplicate = true; // a plain repeat would register a second patient
        const auto created = twice(kCreatePatient, request);
        QVERIFY2(created, qPrintable(m_problem));
        QVERIFY(created->created && created->patient);
        m_patient = *created->patient;
        QCOMPARE(patientsWithNationalId(request.patient.nationalId), 1);

        // Another receptionist sending the same request id is refused, and nothing happens.
        const StaffRef second{QStringLiteral("reception.two"), QStringLiteral("Second Desk"),
                              StaffRole::Reception};
        QVERIFY2(m_desk.addMember(*m_cluster, second), qPrintable(m_desk.errorString()));
        const bus::Message refused = send(
            m_desk.member(second.id, kCreatePatient.subjectBytes()), kCreatePatient.subjectBytes(),
            bus::Codec<CreatePatientRequest>::encode(request), m_lastId);
        QCOMPARE(refused.header(bus::kServiceErrorCodeHeader), QByteArray("409"));
        QCOMPARE(QJsonDocument::fromJson(refused.data)
                     .object()
                     .value(QStringLiteral("field"))
                     .toString(),
                 QString::fromLatin1(bus::kRequestIdHeader));
        QCOMPARE(patientsWithNationalId(request.patient.nationalId), 1);

        UpdatePatientRequest update;
        update.staff = reception();
        update.patientId = m_patient.id;
        update.revision = m_patient.revision; // a plain repeat would be 409 (revision moved)
        update.patient = m_patient.details;
        update.patient.allergies = {QStringLiteral("sulfa")};
        const auto updated = twice(kUpdatePatient, update);
        QVERIFY2(updated, qPrintable(m_problem));
        auto got = call(m_desk, kGetPatient, GetPatientRequest{m_patient.id, {}});
        QVERIFY(got);
        QCOMPARE(got->patient.revision, m_patient.revision + 1);
        QCOMPARE(got->patient.details.allergies, update.patient.allergies);
    }

    void visitOpenCancelAndLeftUnseenOnce()
    {
        QVERIFY(!m_patient.id.isEmpty());
        const auto opened = twice(kOpenVisit, visitRequest(m_patient.id));
        QVERIFY2(opened, qPrintable(m_problem));
        m_visit = opened->visit;
        QCOMPARE(m_visit.token, 1);
        const auto other =
            plainPatient(QStringLiteral("Second Waiting"), QStringLiteral("900506-22-0001"));
        QVERIFY(other);
        auto otherVisit = call(m_desk, kOpenVisit, visitRequest(other->id));
        QVERIFY(otherVisit);
        m_other = otherVisit->visit;
        QCOMPARE(m_other.token, 2); // the repeated open took no token

        for (const VisitState closing : {VisitState::Cancelled, VisitState::LeftUnseen}) {
            const auto patient =
                plainPatient(closing == VisitState::Cancelled ? QStringLiteral("Cancelled Visit")
                                                              : QStringLiteral("Left Unseen"),
                             closing == VisitState::Cancelled ? QStringLiteral("900506-22-0002")
                                                              : QStringLiteral("900506-22-0003"));
            QVERIFY(patient);
            auto visit = call(m_desk, kOpenVisit, visitRequest(patient->id));
            QVERIFY(visit);
            const QString reason = QStringLiteral("went home");
            const auto closed =
                closing == VisitState::Cancelled
                    ? twice(kCancelVisit, CancelVisitRequest{reception(), visit->visit.id, reason})
                    : twice(kMarkLeftUnseen,
                            LeftUnseenRequest{reception(), visit->visit.id, reason});
            QVERIFY2(closed, qPrintable(m_problem));
            QCOMPARE(closed->visit.state, closing);
            const auto read = registrationVisit(m_desk.as(StaffRole::Reception), visit->visit.id);
            QVERIFY(read);
            QCOMPARE(read->state, closing);
            QCOMPARE(read->history.size(), 2); // registered, closed: once
        }
    }

    void doctorCallsStartsAndSavesOnce()
    {
        QVERIFY(!m_visit.id.isEmpty());
        QVERIFY2(poll([&] { return entry(m_visit.id) && entry(m_other.id); }, kWaitMs),
                 "the visits never reached the doctor's queue");
        CallNextRequest next;
        next.staff = doctor();
        next.queue = kQueue;
        next.room = QStringLiteral("Room 9");
        const auto called = twice(kCallNext, next);
        QVERIFY2(called, qPrintable(m_problem));
        QVERIFY(called->entry);
        QCOMPARE(called->entry->visitId, m_visit.id);
        // One patient called: the second still waits.
        QCOMPARE(entry(m_other.id)->state, VisitState::Registered);

        const auto started =
            twice(kStartConsultation, StartConsultationRequest{doctor(), m_visit.id});
        QVERIFY2(started, qPrintable(m_problem));
        QCOMPARE(started->entry.state, VisitState::InConsultation);

        const QString drugCode =
            drugWithUnexpiredStock(m_desk.as(StaffRole::Pharmacist), 10 * kPrescribed);
        QVERIFY(!drugCode.isEmpty());
        m_drug = stockOf(m_desk.as(StaffRole::Pharmacist), drugCode);
        SaveConsultationRequest save;
        save.staff = doctor();
        save.visitId = m_visit.id;
        save.consultation = pharyngitisConsultation(m_visit.complaint, m_drug, kPrescribed);
        const auto saved = twice(kSaveConsultation, save);
        QVERIFY2(saved, qPrintable(m_problem));
        m_consultation = saved->consultation;
        auto history = call(m_desk, kPatientHistory, PatientHistoryRequest{m_patient.id, 20, {}});
        QVERIFY(history);
        QCOMPARE(history->entries.size(), 1);
    }

    void pharmacyDispensesAndMovesStockOnce()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        const auto pendingLine = [&]() -> std::optional<PendingPrescriptionLine> {
            auto list = call(m_desk, kPendingPrescriptions, PendingPrescriptionsRequest{200});
            if (list)
                for (const PendingPrescription& p : list->prescriptions)
                    if (p.consultationId == m_consultation.id && !p.lines.isEmpty())
                        return p.lines.at(0);
            return std::nullopt;
        };
        QVERIFY2(poll([&] { return pendingLine().has_value(); }, kWaitMs),
                 "the prescription never reached the pharmacy");
        DispenseRequest dispense;
        dispense.staff = pharmacist();
        dispense.consultationId = m_consultation.id;
        dispense.lines = {DispenseRequestLine{1, 4}}; // part of it: a repeat would take 4 more
        const auto dispensed = twice(kDispense, dispense);
        QVERIFY2(dispensed, qPrintable(m_problem));
        QCOMPARE(pendingLine()->dispensedQuantity, 4);
        QCOMPARE(stockOf(m_desk.as(StaffRole::Pharmacist), m_drug.code).total, m_drug.total - 4);

        ReceiveStockRequest receive;
        receive.staff = pharmacist();
        receive.drugCode = m_drug.code;
        receive.drugName = m_drug.name;
        receive.batch = QStringLiteral("IDEM-1");
        receive.expiry = clinicToday().addYears(1);
        receive.quantity = 50;
        const auto received = twice(kReceiveStock, receive);
        QVERIFY2(received, qPrintable(m_problem));
        QCOMPARE(
            stockOf(m_desk.as(StaffRole::Pharmacist), m_drug.code).batches.value(receive.batch),
            50);

        AdjustStockRequest adjust;
        adjust.staff = pharmacist();
        adjust.drugCode = m_drug.code;
        adjust.batch = receive.batch;
        adjust.delta = -5;
        const auto adjusted = twice(kAdjustStock, adjust);
        QVERIFY2(adjusted, qPrintable(m_problem));
        QCOMPARE(
            stockOf(m_desk.as(StaffRole::Pharmacist), m_drug.code).batches.value(receive.batch),
            45);
    }

    void labCollectsAndResultsOnce()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        std::optional<LabOrder> order;
        QVERIFY2(poll(
                     [&] {
                         auto list = call(m_desk, kPendingLabOrders, PendingLabOrdersRequest{});
                         if (list)
                             for (const LabOrder& o : list->orders)
                                 if (o.consultationId == m_consultation.id)
                                     order = o;
                         return order.has_value();
                     },
                     kWaitMs),
                 "the lab order never reached the lab");
        const auto collected =
            twice(kCollectSample,
                  CollectSampleRequest{labTechnician(), order->id, QStringLiteral("S-IDEM-1"), {}});
        QVERIFY2(collected, qPrintable(m_problem));
        QCOMPARE(collected->order.state, LabOrderState::Collected);
        EnterLabResultRequest result;
        result.staff = labTechnician();
        result.orderId = order->id;
        result.result.value = QStringLiteral("5.1");
        result.result.unit = QStringLiteral("10^9/L");
        result.result.flag = LabFlag::Normal;
        const auto resulted = twice(kEnterLabResult, result);
        QVERIFY2(resulted, qPrintable(m_problem));
        QCOMPARE(resulted->result.orderId, order->id);
    }

    void dischargeRecordedOnce()
    {
        QVERIFY(!m_consultation.id.isEmpty());
        QVERIFY2(poll(
                     [&] {
                         auto list = call(m_desk, kPendingReleases, PendingReleasesRequest{});
                         if (list)
                             for (const PendingRelease& r : list->releases)
                                 if (r.visitId == m_visit.id)
                                     return true;
                         return false;
                     },
                     kWaitMs),
                 "the visit never became ready for discharge");
        RecordDischargeRequest request;
        request.staff = doctor();
        request.visitId = m_visit.id;
        request.details.outcome = DischargeOutcome::Discharged;
        const auto recorded = twice(kRecordDischarge, request);
        QVERIFY2(recorded, qPrintable(m_problem));
        QVERIFY(registrationReaches(m_desk.as(StaffRole::Reception), m_visit.id,
                                    VisitState::Discharged, kWaitMs));
    }

    void identityCommandsOnce()
    {
        CreateStaffRequest create;
        create.id = QStringLiteral("idem.user");
        create.displayName = QStringLiteral("Idem User");
        create.roles = {StaffRole::Reception};
        create.password = QStringLiteral("first-password-123");
        QVERIFY2(twice(kCreateStaff, create), qPrintable(m_problem));
        int count = 0;
        QVERIFY(account(create.id, &count));
        QCOMPARE(count, 1);

        QVERIFY2(twice(kDisableStaff, StaffIdRequest{create.id}), qPrintable(m_problem));
        QCOMPARE(account(create.id, &count)->active, false);
        QVERIFY2(twice(kEnableStaff, StaffIdRequest{create.id}), qPrintable(m_problem));
        QCOMPARE(account(create.id, &count)->active, true);
        const QList<StaffRole> roles{StaffRole::Reception, StaffRole::Doctor};
        QVERIFY2(twice(kSetStaffRoles, SetRolesRequest{create.id, roles}), qPrintable(m_problem));
        QCOMPARE(account(create.id, &count)->roles, roles);
        const QString reset = QStringLiteral("reset-password-456");
        QVERIFY2(twice(kResetStaffPassword, ResetPasswordRequest{create.id, reset}),
                 qPrintable(m_problem));

        // The member's own commands: a repeated change of password is not "wrong password".
        std::unique_ptr<bus::Connection> own = m_cluster->signIn(create.id, reset);
        QVERIFY2(own, qPrintable(m_cluster->errorString()));
        const QString changed = QStringLiteral("changed-password-789");
        QVERIFY2(twice(*own, kChangePassword, ChangePasswordRequest{reset, changed}),
                 qPrintable(m_problem));
        const auto renewed = twice(*own, kRenewSession, IdentityEmptyRequest{});
        QVERIFY2(renewed, qPrintable(m_problem));
        // Signing out ends this connection soon: both copies go out before either answer.
        const QByteArray id = newRequestId();
        std::optional<bus::Message> first;
        std::optional<bus::Message> second;
        QObject context;
        bus::RequestOptions options;
        options.headers = {{bus::kRequestIdHeader, id}};
        const QByteArray body = bus::Codec<IdentityEmptyRequest>::encode({});
        for (std::optional<bus::Message>* out : {&first, &second})
            own->request(
                kSignOut.subjectBytes(), body, options, &context,
                [out](bus::Result<bus::Message> r) { *out = r.ok() ? r.value() : bus::Message{}; });
        QVERIFY(QTest::qWaitFor([&] { return first && second; }, 15000));
        QVERIFY2(!first->hasHeader(bus::kServiceErrorCodeHeader), first->data.constData());
        QCOMPARE(second->data, first->data);
        // Exactly one acted; the other repeats its answer.
        QVERIFY(first->hasHeader(bus::kReplayedHeader) != second->hasHeader(bus::kReplayedHeader));
        std::unique_ptr<bus::Connection> again = m_cluster->signIn(create.id, changed);
        QVERIFY2(again, qPrintable(m_cluster->errorString()));
    }
};

QTEST_GUILESS_MAIN(TestOpdIdempotency)
#include "test_opd_idempotency.moc"
