// The visit summary in opd.discharge.release.get, on a real nats-server and the real discharge
// service: the consultation, every dispense and the lab results of the visit as the service
// consumed them (visit.consulted, visit.dispensed, lab.resulted), nothing of another visit;
// a consultation saved again replaces the earlier one. The reply decoder refuses an item of
// another visit.

#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service_client.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::discharge;

class TestDischargeSummary : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ServiceEnvironment> m_env;
    int m_token = 0;

    bus::Connection& client() { return *m_env->client; }

    template <class P>
    void publish(const bus::Event<EventEnvelope<P>>& event, const P& payload, const StaffRef& actor)
    {
        QVERIFY(publishEvent(client(), event, envelope(event, payload, actor)));
    }
    VisitSummary summaryOf(const QString& visitId)
    {
        const auto status = call(client(), kGetRelease, GetReleaseRequest{visitId});
        return status ? status->summary : VisitSummary{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_DISCHARGE_BIN),
                                                     QStringLiteral("discharge"));
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_env->service->log();
    }

    void getReturnsTheConsultationDispensesAndLabResultsOfTheVisit()
    {
        const Visit visit = newVisit(++m_token);
        const Visit other = newVisit(++m_token, QStringLiteral("Kofi Boateng"));
        publish(kVisitRegistered, visit, receptionist());
        publish(kVisitRegistered, other, receptionist());
        const Consultation consulted = consultation(visit, Disposition::ToLab, 2, true);
        const Dispense first = dispense(consulted, true);
        Dispense second = dispense(consulted);
        second.dispensedAt = first.dispensedAt.addSecs(60); // the rest, collected later
        const LabResult line1 = labResult(consulted, 1);
        const LabResult line2 = labResult(consulted, 2);
        publish(kVisitConsulted, consulted, doctor());
        publish(kVisitDispensed, first, pharmacist());
        publish(kLabResulted, line2, labTechnician());
        publish(kVisitDispensed, second, pharmacist());
        publish(kLabResulted, line1, labTechnician());
        publish(kVisitConsulted, consultation(other, Disposition::ToPharmacy), doctor());
        publish(kLabResulted, line1, labTechnician()); // a repeat is kept once

        QTRY_COMPARE_WITH_TIMEOUT(summaryOf(visit.id).labResults.size(), 2, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(summaryOf(visit.id).dispenses.size(), 2, 15000);
        const VisitSummary summary = summaryOf(visit.id);
        QCOMPARE(summary.consultation, std::optional<Consultation>(consulted));
        QCOMPARE(summary.dispenses, (QList<Dispense>{first, second}));  // oldest first
        QCOMPARE(summary.labResults, (QList<LabResult>{line1, line2})); // by line
        QCOMPARE(summary.consultation->content.diagnoses.at(0).text,
                 QStringLiteral("Acute pharyngitis"));

        const VisitSummary ofOther = summaryOf(other.id);
        QVERIFY(ofOther.consultation);
        QCOMPARE(ofOther.consultation->visitId, other.id);
        QVERIFY(ofOther.dispenses.isEmpty());
        QVERIFY(ofOther.labResults.isEmpty());
    }

    void aConsultationSavedAgainReplacesTheEarlierOne()
    {
        const Visit visit = newVisit(++m_token);
        publish(kVisitRegistered, visit, receptionist());
        Consultation earlier = consultation(visit, Disposition::ToLab);
        Consultation later = consultation(visit, Disposition::Discharge);
        later.savedAt = earlier.savedAt.addSecs(60);
        later.content.notes = QStringLiteral("Review in two weeks");
        publish(kVisitConsulted, later, doctor());
        publish(kVisitConsulted, earlier, doctor()); // arrives late: does not replace it
        publish(kLabResulted, labResult(earlier, 1), labTechnician());
        QTRY_VERIFY_WITH_TIMEOUT(summaryOf(visit.id).consultation.has_value(), 15000);
        // The lab result of the replaced consultation is processed after both: not shown.
        const Visit marker = newVisit(++m_token);
        publish(kVisitRegistered, marker, receptionist());
        publish(kVisitConsulted, consultation(marker, Disposition::Discharge), doctor());
        QTRY_VERIFY_WITH_TIMEOUT(summaryOf(marker.id).consultation.has_value(), 15000);
        const VisitSummary summary = summaryOf(visit.id);
        QCOMPARE(summary.consultation->id, later.id);
        QCOMPARE(summary.consultation->content.notes, QStringLiteral("Review in two weeks"));
        QVERIFY(summary.labResults.isEmpty());
    }

    void theReplyDecoderRefusesAnItemOfAnotherVisit()
    {
        const Visit visit = newVisit(++m_token);
        const Visit other = newVisit(++m_token);
        ReleaseStatusReply reply;
        reply.visitId = visit.id;
        reply.state = VisitState::Dispensed;
        const Consultation consulted = consultation(visit, Disposition::ToLab);
        reply.summary.consultation = consulted;
        reply.summary.dispenses = {dispense(consulted)};
        reply.summary.labResults = {labResult(consulted, 1)};
        const auto decoded = ReleaseStatusReply::fromJson(reply.toJson());
        QVERIFY2(decoded.ok(), qPrintable(decoded.error().toString()));
        QCOMPARE(*decoded, reply);

        reply.summary.labResults[0].visitId = other.id;
        const auto refused = ReleaseStatusReply::fromJson(reply.toJson());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().field, QStringLiteral("summary.lab_results[0].visit_id"));

        // A reply without a summary (an older service) reads as an empty one.
        QJsonObject object = reply.toJson();
        object.remove(QStringLiteral("summary"));
        const auto older = ReleaseStatusReply::fromJson(object);
        QVERIFY2(older.ok(), qPrintable(older.error().toString()));
        QVERIFY(older->summary.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDischargeSummary)
#include "test_discharge_summary.moc"
