// The discharge service as a real process on a real nats-server: pending releases built from
// the visit events other services publish (published here by the test, in and out of order),
// recording a discharge / admission / referral, the visit.discharged event, conflicts.

#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service/jetstream_probe.h"
#include "service_client.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::discharge;

class TestDischargeRelease : public QObject
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

    QList<PendingRelease> pending()
    {
        auto reply = call(client(), kPendingReleases, PendingReleasesRequest{1000});
        if (!reply) {
            qWarning().noquote() << reply.error().toString();
            return {};
        }
        return reply->releases;
    }
    std::optional<PendingRelease> pendingFor(const QString& visitId)
    {
        for (const PendingRelease& release : pending())
            if (release.visitId == visitId)
                return release;
        return std::nullopt;
    }
    // A registered and consulted visit, waiting until the service lists it (or not: a
    // to_pharmacy visit is made visible through a barrier visit that is ready).
    Visit registered()
    {
        const Visit visit = newVisit(++m_token);
        publishEvent(client(), kVisitRegistered, envelope(kVisitRegistered, visit, receptionist()));
        return visit;
    }
    // Publishes a ready visit and waits for it: everything published before is processed.
    void barrier()
    {
        const Visit visit = registered();
        publish(kVisitConsulted, consultation(visit, Disposition::Discharge), doctor());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
    }
    static RecordDischargeRequest discharge(const QString& visitId)
    {
        RecordDischargeRequest request;
        request.staff = doctor();
        request.visitId = visitId;
        request.details.outcome = DischargeOutcome::Discharged;
        request.details.postMedication = {postMedication()};
        request.details.notes = QStringLiteral("Return if fever persists beyond 48 hours.");
        request.details.nextVisit = QDate::currentDate().addDays(7);
        return request;
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
    void cleanupTestCase()
    {
        QCOMPARE(m_env->service->terminate(), 0);
        m_env.reset();
    }

    void pendingFromConsulted_data()
    {
        QTest::addColumn<Disposition>("disposition");
        QTest::newRow("discharge") << Disposition::Discharge;
        QTest::newRow("admit") << Disposition::Admit;
        QTest::newRow("refer") << Disposition::Refer;
    }
    void pendingFromConsulted()
    {
        QFETCH(Disposition, disposition);
        const Visit visit = registered();
        const Consultation c = consultation(visit, disposition);
        publish(kVisitConsulted, c, doctor());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        const PendingRelease release = *pendingFor(visit.id);
        QCOMPARE(release.patientId, visit.patientId);
        QCOMPARE(release.patientName, visit.patientName);
        QCOMPARE(release.queue, visit.queue);
        QCOMPARE(release.day, visit.day);
        QCOMPARE(release.token, visit.token);
        QCOMPARE(release.consultationId, c.id);
        QCOMPARE(release.disposition, disposition);
        QCOMPARE(release.state, VisitState::Consulted);
        QCOMPARE(release.readySince, c.savedAt);
    }

    void pendingAfterDispensed()
    {
        const Visit visit = registered();
        const Consultation c = consultation(visit, Disposition::ToPharmacy);
        publish(kVisitConsulted, c, doctor());
        barrier();
        QVERIFY(!pendingFor(visit.id)); // waiting for the pharmacy
        const Dispense d = dispense(c, true);
        publish(kVisitDispensed, d, pharmacist());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        const PendingRelease release = *pendingFor(visit.id);
        QCOMPARE(release.state, VisitState::Dispensed);
        QCOMPARE(release.disposition, Disposition::ToPharmacy);
        QCOMPARE(release.readySince, d.dispensedAt);
        QCOMPARE(release.consultationId, c.id);
    }

    void eventsInAnyOrderAndRepeated()
    {
        // dispensed first, then the consultation, then the registration; then all again.
        const Visit visit = newVisit(++m_token);
        const Consultation c = consultation(visit, Disposition::ToPharmacy);
        const Dispense d = dispense(c);
        const auto e1 = envelope(kVisitDispensed, d, pharmacist());
        const auto e2 = envelope(kVisitConsulted, c, doctor());
        const auto e3 = envelope(kVisitRegistered, visit, receptionist());
        QVERIFY(publishEvent(client(), kVisitDispensed, e1));
        QVERIFY(publishEvent(client(), kVisitConsulted, e2));
        QVERIFY(publishEvent(client(), kVisitRegistered, e3));
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        // The same events again under other message ids (a producer replaying its outbox
        // after the stream's duplicate window): no second entry, nothing moves backwards.
        QVERIFY(publishBytes(client(), kVisitConsulted.subjectBytes(),
                             bus::Codec<EventEnvelope<Consultation>>::encode(e2), "again-1"));
        QVERIFY(publishBytes(client(), kVisitRegistered.subjectBytes(),
                             bus::Codec<EventEnvelope<Visit>>::encode(e3), "again-2"));
        barrier();
        int listed = 0;
        for (const PendingRelease& release : pending())
            listed += release.visitId == visit.id ? 1 : 0;
        QCOMPARE(listed, 1);
        const PendingRelease release = *pendingFor(visit.id);
        QCOMPARE(release.state, VisitState::Dispensed);
        QCOMPARE(release.token, visit.token);
        QCOMPARE(release.patientName, visit.patientName);
    }

    void pendingOnlyAfterTheFollowUpOfAllLabResults()
    {
        const Visit visit = registered();
        const Consultation c = consultation(visit, Disposition::ToLab, 2);
        publish(kVisitConsulted, c, doctor());
        publish(kLabResulted, labResult(c, 1), labTechnician());
        barrier();
        QVERIFY(!pendingFor(visit.id)); // one result of two
        const LabResult last = labResult(c, 2);
        publish(kLabResulted, last, labTechnician());
        barrier();
        // Issue 11: to_lab means "come back with the results": with every result in, the
        // patient is back with the doctor, not ready for release.
        QVERIFY(!pendingFor(visit.id));
        // The follow-up consultation decides: discharge, ready since it was saved.
        Consultation followUp = consultation(visit, Disposition::Discharge);
        followUp.savedAt = last.resultedAt.addSecs(600);
        publish(kVisitConsulted, followUp, doctor());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        QCOMPARE(pendingFor(visit.id)->state, VisitState::Consulted);
        QCOMPARE(pendingFor(visit.id)->consultationId, followUp.id);
        QCOMPARE(pendingFor(visit.id)->readySince, followUp.savedAt);
    }

    void recordPublishesDischarged()
    {
        const Visit visit = registered();
        publish(kVisitConsulted, consultation(visit, Disposition::Discharge), doctor());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        const qint64 before = storedEvents(client(), kVisitDischarged.subjectBytes());

        const RecordDischargeRequest request = discharge(visit.id);
        const auto reply = call(client(), kRecordDischarge, request);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const Discharge& recorded = reply->discharge;
        QCOMPARE(recorded.visitId, visit.id);
        QCOMPARE(recorded.patientId, visit.patientId);
        QCOMPARE(recorded.recordedBy, doctor());
        QCOMPARE(recorded.details, request.details);
        QVERIFY(qAbs(recorded.recordedAt.msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
        QVERIFY(!pendingFor(visit.id)); // closed at once

        QTRY_COMPARE_WITH_TIMEOUT(storedEvents(client(), kVisitDischarged.subjectBytes()),
                                  before + 1, 10000);
        const StoredMessage stored = lastMessage(client(), QStringLiteral("OPD_EVENTS"),
                                                 QString::fromUtf8(kVisitDischarged.subject));
        const auto event = bus::Codec<EventEnvelope<Discharge>>::decode(stored.data);
        QVERIFY2(event.ok(), qPrintable(event.error().toString()));
        QCOMPARE(event->payload, recorded);
        QCOMPARE(event->type, QStringLiteral("visit.discharged"));
        QCOMPARE(event->actor, doctor());
        QCOMPARE(event->patientId, visit.patientId);
        QCOMPARE(event->occurredAt, recorded.recordedAt);
        QVERIFY(
            stored.headers.contains(QByteArray(QByteArray("Nats-Msg-Id: ") + event->id.toUtf8())));

        // Twice: 409, and no second event.
        const auto again = call(client(), kRecordDischarge, request);
        QCOMPARE(again.error().code, errors::kConflict);
        QCOMPARE(again.error().field, QStringLiteral("visit_id"));
        barrier();
        QCOMPARE(storedEvents(client(), kVisitDischarged.subjectBytes()), before + 1);
    }

    void recordAdmittedAndReferred_data()
    {
        QTest::addColumn<DischargeOutcome>("outcome");
        QTest::addColumn<VisitState>("state");
        QTest::newRow("admitted") << DischargeOutcome::Admitted << VisitState::Admitted;
        QTest::newRow("referred") << DischargeOutcome::Referred << VisitState::Referred;
    }
    void recordAdmittedAndReferred()
    {
        QFETCH(DischargeOutcome, outcome);
        const Visit visit = registered();
        const Consultation c = consultation(visit, Disposition::ToPharmacy);
        publish(kVisitConsulted, c, doctor());
        publish(kVisitDispensed, dispense(c), pharmacist());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        RecordDischargeRequest request = discharge(visit.id);
        request.details.outcome = outcome;
        request.details.destination = QStringLiteral("Ward 4 / District Hospital");
        request.details.nextVisit = {};
        const auto reply = call(client(), kRecordDischarge, request);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->discharge.details.outcome, outcome);
        QCOMPARE(reply->discharge.details.destination, request.details.destination);
        QVERIFY(!pendingFor(visit.id));
    }

    void recordRefusedWhenNotReady()
    {
        const Visit waiting = registered(); // not consulted yet
        const Visit cancelled = registered();
        publish(kVisitCancelled, statusChange(cancelled, VisitState::Cancelled), receptionist());
        barrier();
        const auto notConsulted = call(client(), kRecordDischarge, discharge(waiting.id));
        QCOMPARE(notConsulted.error().code, errors::kConflict);
        QVERIFY2(notConsulted.error().message.contains(QStringLiteral("not been consulted")),
                 qPrintable(notConsulted.error().message));
        const auto closed = call(client(), kRecordDischarge, discharge(cancelled.id));
        QCOMPARE(closed.error().code, errors::kConflict);
        QVERIFY2(closed.error().message.contains(QStringLiteral("cancelled")),
                 qPrintable(closed.error().message));
    }

    void closedElsewhereLeavesTheList()
    {
        // A visit discharged by another instance (its event arrives here) is not pending.
        const Visit visit = registered();
        const Consultation c = consultation(visit, Disposition::Discharge);
        publish(kVisitConsulted, c, doctor());
        QTRY_VERIFY_WITH_TIMEOUT(pendingFor(visit.id).has_value(), 10000);
        Discharge elsewhere;
        elsewhere.id = newId();
        elsewhere.visitId = visit.id;
        elsewhere.patientId = visit.patientId;
        elsewhere.recordedAt = nowUtc();
        elsewhere.recordedBy = doctor();
        publish(kVisitDischarged, elsewhere, doctor());
        QTRY_VERIFY_WITH_TIMEOUT(!pendingFor(visit.id).has_value(), 10000);
        QCOMPARE(call(client(), kRecordDischarge, discharge(visit.id)).error().code,
                 errors::kConflict);
    }
};

QTEST_GUILESS_MAIN(TestDischargeRelease)
#include "test_discharge_release.moc"
