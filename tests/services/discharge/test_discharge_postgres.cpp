// The discharge service on PostgreSQL (a throw-away server): the same SQL as on SQLite builds
// the pending list, records a discharge once (409 the second time) and publishes the event.

#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service_client.h"
#include "support/postgres_server.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::discharge;

class TestDischargePostgres : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    std::unique_ptr<ServiceEnvironment> m_env;

    bus::Connection& client() { return *m_env->client; }
    QList<PendingRelease> pending()
    {
        const auto reply = call(client(), kPendingReleases, PendingReleasesRequest{1000});
        return reply ? reply->releases : QList<PendingRelease>{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("discharge_pg")),
                 qPrintable(m_postgres.errorString()));
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_DISCHARGE_BIN),
                                                     QStringLiteral("discharge"));
        QVERIFY2(m_env->start({QStringLiteral("--db"),
                               m_postgres.connectionUrl(QStringLiteral("discharge_pg"))}),
                 qPrintable(m_env->errorString()));
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

    void pendingRecordAndConflict()
    {
        const Visit early = newVisit(1);
        const Visit late = newVisit(2);
        Consultation c1 = consultation(early, Disposition::Admit);
        c1.savedAt = c1.savedAt.addSecs(-60); // ready well before the other
        const Consultation c2 = consultation(late, Disposition::ToPharmacy);
        QVERIFY(publishEvent(client(), kVisitRegistered,
                             envelope(kVisitRegistered, early, receptionist())));
        QVERIFY(publishEvent(client(), kVisitRegistered,
                             envelope(kVisitRegistered, late, receptionist())));
        QVERIFY(publishEvent(client(), kVisitConsulted, envelope(kVisitConsulted, c1, doctor())));
        QVERIFY(publishEvent(client(), kVisitConsulted, envelope(kVisitConsulted, c2, doctor())));
        QVERIFY(publishEvent(client(), kVisitDispensed,
                             envelope(kVisitDispensed, dispense(c2), pharmacist())));
        QTRY_COMPARE_WITH_TIMEOUT(pending().size(), 2, 15000);
        QCOMPARE(pending().at(0).visitId, early.id); // oldest ready first
        QCOMPARE(pending().at(1).state, VisitState::Dispensed);

        RecordDischargeRequest request;
        request.staff = doctor();
        request.visitId = early.id;
        request.details.outcome = DischargeOutcome::Admitted;
        request.details.destination = QStringLiteral("Medical ward 2");
        request.details.postMedication = {postMedication()};
        const auto reply = call(client(), kRecordDischarge, request);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QCOMPARE(reply->discharge.details.postMedication, request.details.postMedication);
        QCOMPARE(call(client(), kRecordDischarge, request).error().code, errors::kConflict);
        QCOMPARE(pending().size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(storedEvents(client(), kVisitDischarged.subjectBytes()), 1,
                                  10000);
    }
};

QTEST_GUILESS_MAIN(TestDischargePostgres)
#include "test_discharge_postgres.moc"
