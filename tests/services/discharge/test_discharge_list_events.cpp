// Pending releases kept live by list.releases_changed, on a real nats-server: a visit that
// becomes ready (dispensed, consulted with a final disposition) is added with its row as
// opd.discharge.release.pending then returns it; a row that changes is updated; a visit
// discharged, cancelled or left unseen is removed; a visit never ready announces nothing.

#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service_client.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::discharge;

using ReleaseChange = EventEnvelope<ListChange<PendingRelease>>;

class TestDischargeListEvents : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ServiceEnvironment> m_env;
    QObject m_subscriber;
    QList<ReleaseChange> m_changes;
    int m_token = 0;

    bus::Connection& client() { return *m_env->client; }

    template <class P>
    void publish(const bus::Event<EventEnvelope<P>>& event, const P& payload, const StaffRef& actor)
    {
        QVERIFY(publishEvent(client(), event, envelope(event, payload, actor)));
    }
    QList<ReleaseChange> changesOf(const QString& visitId)
    {
        QList<ReleaseChange> changes = m_changes;
        changes.removeIf([&](const ReleaseChange& c) { return c.visitId != visitId; });
        return changes;
    }
    std::optional<PendingRelease> pendingFor(const QString& visitId)
    {
        auto reply = call(client(), kPendingReleases, PendingReleasesRequest{1000});
        if (reply)
            for (const PendingRelease& release : reply->releases)
                if (release.visitId == visitId)
                    return release;
        return std::nullopt;
    }
    Visit registered()
    {
        const Visit visit = newVisit(++m_token);
        publish(kVisitRegistered, visit, receptionist());
        return visit;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_DISCHARGE_BIN),
                                                     QStringLiteral("discharge"));
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
        bus::subscribe(client(), kReleaseListChanged, &m_subscriber,
                       [this](const ReleaseChange& change) { m_changes.append(change); });
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_env->service->log();
    }

    void aDispensedVisitIsAddedThenRemovedByItsDischarge()
    {
        const Visit visit = registered();
        const Consultation consulted = consultation(visit, Disposition::ToPharmacy);
        publish(kVisitConsulted, consulted, doctor());
        publish(kVisitDispensed, dispense(consulted), pharmacist());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 1, 15000);
        const ReleaseChange added = changesOf(visit.id).at(0);
        QCOMPARE(added.payload.change, ListChangeKind::Added);
        QCOMPARE(added.payload.rows, QList{*pendingFor(visit.id)});
        QCOMPARE(added.payload.rows.at(0).state, VisitState::Dispensed);
        QCOMPARE(added.actor, pharmacist()); // the dispense made it ready
        QCOMPARE(added.patientId, visit.patientId);

        RecordDischargeRequest request;
        request.staff = doctor();
        request.visitId = visit.id;
        request.details.outcome = DischargeOutcome::Discharged;
        QVERIFY(call(client(), kRecordDischarge, request).ok());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 2, 15000);
        const ReleaseChange removed = changesOf(visit.id).at(1);
        QCOMPARE(removed.payload.change, ListChangeKind::Removed);
        QVERIFY(removed.payload.rows.isEmpty());
        QCOMPARE(removed.actor, doctor());
        QVERIFY(!pendingFor(visit.id));

        // opd.discharge.release.get, the read before repeating a discharge: recorded.
        const auto status = call(client(), kGetRelease, GetReleaseRequest{visit.id});
        QVERIFY2(status.ok(), qPrintable(status.error().toString()));
        QCOMPARE(status->state, VisitState::Discharged);
        QVERIFY(!status->release);
        QVERIFY(status->discharge);
        QCOMPARE(status->discharge->visitId, visit.id);
        QCOMPARE(status->discharge->recordedBy, doctor());
    }

    void getShowsAVisitBeforeItsDischarge()
    {
        const Visit visit = registered();
        publish(kVisitConsulted, consultation(visit, Disposition::Discharge), doctor());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(visit.id).size(), 1, 15000);
        const auto status = call(client(), kGetRelease, GetReleaseRequest{visit.id});
        QVERIFY2(status.ok(), qPrintable(status.error().toString()));
        QCOMPARE(status->state, VisitState::Consulted);
        QCOMPARE(status->release, pendingFor(visit.id));
        QVERIFY(!status->discharge);
        const auto unknown = call(client(), kGetRelease, GetReleaseRequest{newId()});
        QCOMPARE(unknown.error().code, 404);
        QCOMPARE(unknown.error().field, QStringLiteral("visit_id"));
    }

    void aReadyVisitCancelledIsRemovedAndAWaitingOneAnnouncesNothing()
    {
        const Visit ready = registered();
        publish(kVisitConsulted, consultation(ready, Disposition::Refer), doctor());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(ready.id).size(), 1, 15000);
        QCOMPARE(changesOf(ready.id).at(0).payload.change, ListChangeKind::Added);
        // Waiting for the pharmacy: not on the list, nothing announced.
        const Visit waiting = registered();
        publish(kVisitConsulted, consultation(waiting, Disposition::ToPharmacy), doctor());
        publish(kVisitLeftUnseen, statusChange(ready, VisitState::LeftUnseen), receptionist());
        QTRY_COMPARE_WITH_TIMEOUT(changesOf(ready.id).size(), 2, 15000);
        QCOMPARE(changesOf(ready.id).at(1).payload.change, ListChangeKind::Removed);
        QVERIFY(changesOf(waiting.id).isEmpty()); // processed before the later left_unseen
    }
};

QTEST_GUILESS_MAIN(TestDischargeListEvents)
#include "test_discharge_list_events.moc"
