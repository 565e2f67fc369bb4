// Codec round-trips for every protocol type: encode -> decode -> equal, and re-encoding gives
// the same bytes. Nested types, every endpoint's request and reply, every event envelope.

#include "samples.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <functional>

using namespace openopd;
using namespace openopd::protocol;

namespace {

// One round-trip check; returns an empty string when it passes, else what went wrong.
struct Case
{
    std::function<QString()> run;
};

template <class T> QString encoded(const T& value)
{
    return QString::fromUtf8(bus::Codec<T>::encode(value));
}

template <class T> Case roundTrip(T value)
{
    return {[value]() -> QString {
        const QByteArray bytes = bus::Codec<T>::encode(value);
        const bus::Result<T> decoded = bus::Codec<T>::decode(bytes);
        if (!decoded)
            return decoded.error().toString() + QStringLiteral(" in ") + QString::fromUtf8(bytes);
        if (!(decoded.value() == value))
            return QStringLiteral("decoded value differs:\n  sent %1\n  got  %2")
                .arg(QString::fromUtf8(bytes), encoded(decoded.value()));
        if (bus::Codec<T>::encode(decoded.value()) != bytes)
            return QStringLiteral("re-encoding differs: %1").arg(encoded(decoded.value()));
        return QString();
    }};
}

// Decodes an example as T, checks it re-encodes to the same JSON, then round-trips it.
template <class T> Case roundTripJson(QJsonObject json)
{
    return {[json]() -> QString {
        const bus::Result<T> decoded = T::fromJson(json);
        if (!decoded)
            return decoded.error().toString();
        if (decoded->toJson() != json)
            return QStringLiteral("example does not re-encode identically: %1")
                .arg(encoded(decoded.value()));
        return roundTrip(decoded.value()).run();
    }};
}

} // namespace

Q_DECLARE_METATYPE(Case)

class TestProtocolCodec : public QObject
{
    Q_OBJECT

    QSet<QByteArray> m_coveredEndpoints;
    QSet<QByteArray> m_coveredEvents;

    template <class T> void row(const char* name, T value)
    {
        QTest::newRow(name) << roundTrip(std::move(value));
    }

    template <class Req, class Rep> void endpointRows(const bus::Endpoint<Req, Rep>& endpoint)
    {
        for (const samples::EndpointExample& example : samples::endpointExamples()) {
            if (example.subject != endpoint.subjectBytes())
                continue;
            m_coveredEndpoints.insert(example.subject);
            QTest::addRow("%s request", endpoint.subject) << roundTripJson<Req>(example.request);
            QTest::addRow("%s reply", endpoint.subject) << roundTripJson<Rep>(example.reply);
        }
    }

    template <class P> void eventRows(const bus::Event<EventEnvelope<P>>& event)
    {
        for (const samples::EventExample& example : samples::eventExamples()) {
            if (example.subject != event.subjectBytes())
                continue;
            m_coveredEvents.insert(example.subject);
            QTest::addRow("%s", event.subject) << roundTripJson<EventEnvelope<P>>(example.envelope);
            QTest::addRow("%s as AnyEvent", event.subject)
                << roundTripJson<AnyEvent>(example.envelope);
        }
    }

private Q_SLOTS:
    void roundTrips_data()
    {
        QTest::addColumn<Case>("testCase");
        using namespace samples;
        // nested and domain types, full and minimal
        row("StaffRef", doctor());
        row("StaffRef system",
            StaffRef{QStringLiteral("svc@pharmacy"), QStringLiteral("x"), StaffRole::System});
        row("PatientDetails", patientDetails());
        row("PatientDetails minimal", minimalPatientDetails());
        row("Patient", patient());
        row("Patient minimal", minimalPatient());
        row("VisitTransition", visit().history.last());
        row("Visit", visit());
        row("Visit minimal", minimalVisit());
        row("VisitStatusChange", calledChange());
        row("QueueEntry", queueEntry());
        row("QueueEntry minimal", minimalQueueEntry());
        row("Vitals", vitals());
        row("Vitals empty", Vitals{});
        row("Diagnosis", diagnosis());
        row("PrescriptionLine", prescriptionLine());
        row("PrescriptionLine minimal", minimalPrescriptionLine());
        row("LabOrderLine", labOrderLine());
        row("ConsultationContent", consultationContent());
        row("ConsultationContent minimal", minimalConsultationContent());
        row("Consultation", consultation());
        row("BatchQuantity", batchQuantity());
        row("DispensedLine", dispensedLine());
        row("Dispense", dispense());
        row("StockItem", stockItem());
        row("StockMovement received", stockReceived());
        row("StockMovement adjusted", stockAdjusted());
        row("StockLow", stockLow());
        row("PendingPrescriptionLine", pendingPrescriptionLine());
        row("PendingPrescription", pendingPrescription());
        row("LabOrder", labOrder());
        row("LabOrder collected", collectedLabOrder());
        row("LabResultEntry", labResultEntry());
        row("LabResult", labResult());
        row("DischargeDetails", dischargeDetails());
        row("DischargeDetails admitted", admissionDetails());
        row("Discharge", discharge());
        row("PendingRelease", pendingRelease());
        row("AuditRecord", auditRecord(1, auditGenesisHash()));
        row("AuditRecord no patient", auditRecord(2, auditRecord(1, auditGenesisHash()).hash));
        row("HistoryEntry", historyEntry());
        row("DispenseRequestLine", DispenseRequestLine{3, 10});
        // top-level messages beyond the endpoint examples: minimal and alternative forms
        row("CreatePatientRequest minimal",
            CreatePatientRequest{receptionist(), minimalPatientDetails(), {}, false, {}});
        row("CreatePatientRequest with mrn",
            CreatePatientRequest{
                receptionist(), patientDetails(), QStringLiteral("OLD/77-1"), true, {}});
        row("CreatePatientReply duplicates",
            CreatePatientReply{false, std::nullopt, {patient()}, {}});
        row("CreatePatientRequest with the first visit",
            CreatePatientRequest{receptionist(),
                                 patientDetails(),
                                 {},
                                 false,
                                 FirstVisit{QStringLiteral("general"), Priority::Urgent,
                                            QStringLiteral("Fever and sore throat for 3 days")}});
        row("CreatePatientRequest with a minimal first visit",
            CreatePatientRequest{receptionist(),
                                 minimalPatientDetails(),
                                 {},
                                 false,
                                 FirstVisit{QStringLiteral("paeds"), Priority::Normal, {}}});
        row("CreatePatientReply with the first visit",
            CreatePatientReply{true, patient(), {}, visit()});
        row("GetPatientRequest by id", GetPatientRequest{patient().id, {}});
        row("SearchPatientsReply empty", SearchPatientsReply{{}, false});
        row("OpenVisitRequest minimal",
            OpenVisitRequest{
                receptionist(), patient().id, QStringLiteral("paeds"), Priority::Normal, {}});
        row("WaitingListRequest all", WaitingListRequest{{}, QDate(2024, 5, 6), true});
        row("DoctorQueueRequest empty", DoctorQueueRequest{});
        row("CallNextRequest minimal", CallNextRequest{doctor(), {}, {}});
        row("CallNextReply empty queue", CallNextReply{});
        row("CallVisitRequest without room", CallVisitRequest{doctor(), visit().id, {}});
        ConsultationContent released = consultationContent();
        released.releaseWithoutResults = true;
        row("SaveConsultationRequest release without results",
            SaveConsultationRequest{doctor(), visit().id, released});
        QueueEntry back = minimalQueueEntry();
        back.reviewOf = consultation().id;
        row("QueueEntry back with results", DoctorQueueReply{{back}});
        row("ResultsToReviewRequest with reviewed", ResultsToReviewRequest{doctor(), true});
        row("ResultsToReviewReply empty", ResultsToReviewReply{{}, true});
        row("SaveConsultationRequest minimal",
            SaveConsultationRequest{doctor(), visit().id, minimalConsultationContent()});
        row("PatientHistoryRequest before", PatientHistoryRequest{patient().id, 5, at(-1440)});
        row("StockListRequest low only", StockListRequest{{}, true, true, 1000});
        row("ReceiveStockRequest minimal", ReceiveStockRequest{pharmacist(),
                                                               QStringLiteral("X1"),
                                                               QStringLiteral("X"),
                                                               {},
                                                               QStringLiteral("B1"),
                                                               QDate(2030, 1, 1),
                                                               1,
                                                               std::nullopt,
                                                               {}});
        row("AdjustStockRequest reorder only",
            AdjustStockRequest{pharmacist(), QStringLiteral("X1"), QStringLiteral("B1"), 0, 50,
                               StockReason::Other, QStringLiteral("new policy")});
        row("PendingLabOrdersRequest any state", PendingLabOrdersRequest{std::nullopt, 10});
        row("RecordDischargeRequest admitted",
            RecordDischargeRequest{doctor(), visit().id, admissionDetails()});
        row("AuditQueryRequest staff",
            AuditQueryRequest{{}, QStringLiteral("dr.silva"), {}, {}, 40, 10});
        row("AuditVerifyRequest range", AuditVerifyRequest{2, 9});
        row("AuditVerifyReply broken",
            AuditVerifyReply{false, 7, 9, auditRecord(9, auditGenesisHash()).hash, 7,
                             QStringLiteral("hash mismatch"), at(30)});
        // every endpoint's example request and reply
        endpointRows(kCreatePatient);
        endpointRows(kUpdatePatient);
        endpointRows(kGetPatient);
        endpointRows(kSearchPatients);
        endpointRows(kOpenVisit);
        endpointRows(kGetVisit);
        endpointRows(kCancelVisit);
        endpointRows(kMarkLeftUnseen);
        endpointRows(kWaitingList);
        endpointRows(kDoctorQueue);
        endpointRows(kCallNext);
        endpointRows(kCallVisit);
        endpointRows(kResultsToReview);
        endpointRows(kMarkResultReviewed);
        endpointRows(kStartConsultation);
        endpointRows(kSaveConsultation);
        endpointRows(kPatientHistory);
        endpointRows(kPendingPrescriptions);
        endpointRows(kGetPrescription);
        endpointRows(kDispense);
        endpointRows(kStockList);
        endpointRows(kReceiveStock);
        endpointRows(kAdjustStock);
        endpointRows(kPendingLabOrders);
        endpointRows(kCollectSample);
        endpointRows(kEnterLabResult);
        endpointRows(kPendingReleases);
        endpointRows(kGetRelease);
        endpointRows(kRecordDischarge);
        endpointRows(kAuditQuery);
        endpointRows(kAuditVerify);
        endpointRows(kSignIn);
        endpointRows(kRenewSession);
        endpointRows(kSignOut);
        endpointRows(kChangePassword);
        endpointRows(kNatsUsers);
        endpointRows(kStaffList);
        endpointRows(kCreateStaff);
        endpointRows(kDisableStaff);
        endpointRows(kEnableStaff);
        endpointRows(kResetStaffPassword);
        endpointRows(kSetStaffRoles);
        // every event envelope, typed and as AnyEvent
        eventRows(kPatientRegistered);
        eventRows(kPatientUpdated);
        eventRows(kPatientRecordViewed);
        eventRows(kPatientHistoryViewed);
        eventRows(kVisitRegistered);
        eventRows(kVisitCancelled);
        eventRows(kVisitLeftUnseen);
        eventRows(kVisitCalled);
        eventRows(kVisitConsultationStarted);
        eventRows(kVisitConsulted);
        eventRows(kVisitDispensed);
        eventRows(kVisitDischarged);
        eventRows(kLabSampleCollected);
        eventRows(kLabResulted);
        eventRows(kStockReceived);
        eventRows(kStockAdjusted);
        eventRows(kStockLow);
        eventRows(kQueueListChanged);
        eventRows(kPrescriptionListChanged);
        eventRows(kLabOrderListChanged);
        eventRows(kReleaseListChanged);
        eventRows(kStaffCreated);
        eventRows(kStaffDisabled);
        eventRows(kStaffEnabled);
        eventRows(kStaffRolesChanged);
        eventRows(kStaffPasswordReset);
        eventRows(kStaffPasswordChanged);
        eventRows(kStaffSignedIn);
        eventRows(kStaffSignedOut);
        eventRows(kStaffSignInFailed);
        eventRows(kVisitResultsIn);
        eventRows(kResultListChanged);
    }

    void roundTrips()
    {
        QFETCH(Case, testCase);
        const QString problem = testCase.run();
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    // The rows above cover every endpoint and event of the catalog.
    void everyEndpointAndEventIsRoundTripped()
    {
        const QList<QByteArray> endpointList = allEndpointSubjects();
        const QList<QByteArray> eventList = allEventSubjects();
        const QSet<QByteArray> endpoints(endpointList.cbegin(), endpointList.cend());
        const QSet<QByteArray> events(eventList.cbegin(), eventList.cend());
        QCOMPARE(m_coveredEndpoints, endpoints);
        QCOMPARE(m_coveredEvents, events);
    }

    void timestampsKeepMilliseconds()
    {
        Patient patient = samples::patient();
        patient.updatedAt = QDateTime::fromMSecsSinceEpoch(1714982400123, Qt::UTC);
        const QJsonObject json = patient.toJson();
        QCOMPARE(json.value(QStringLiteral("updated_at")).toString(),
                 QStringLiteral("2024-05-06T08:00:00.123Z"));
        QCOMPARE(Patient::fromJson(json)->updatedAt, patient.updatedAt);
    }

    void absentOptionalsAreLeftOut()
    {
        const QJsonObject json = samples::minimalPatient().toJson();
        for (const char* name : {"national_id", "phone", "address", "allergies", "remarks"})
            QVERIFY2(!json.contains(QLatin1StringView(name)), name);
        QVERIFY(!CallNextReply{}.toJson().contains(QStringLiteral("entry")));
        QVERIFY(!samples::minimalQueueEntry().toJson().contains(QStringLiteral("called_by")));
    }
};

QTEST_GUILESS_MAIN(TestProtocolCodec)
#include "test_protocol_codec.moc"
