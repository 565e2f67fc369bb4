// Unit: when a visit is ready for release, whatever order its events arrive in.

#include "discharge/release_visit.h"
#include "discharge_fixture.h"

#include <QTest>
#include <algorithm>
#include <functional>

using namespace openopd;
using namespace openopd::discharge;
using namespace openopd::protocol;
using namespace openopd::testing::discharge;

namespace {

using Step = std::function<void(ReleaseVisit&)>;

// Applies the steps in the given order, recomputing after each (as the consumer does).
ReleaseVisit run(const QString& visitId, const QList<Step>& steps, LabProgress lab = {})
{
    ReleaseVisit visit;
    visit.visitId = visitId;
    for (const Step& step : steps) {
        step(visit);
        recompute(visit, lab);
    }
    return visit;
}

} // namespace

class TestDischargeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dispensedVisitIsReadyInEveryOrder()
    {
        const Visit visit = newVisit(7);
        const Consultation c = consultation(visit, Disposition::ToPharmacy);
        Dispense first = dispense(c, true);
        Dispense second = dispense(c);
        second.dispensedAt = first.dispensedAt.addSecs(600);
        QList<Step> steps{[&](ReleaseVisit& v) { applyRegistered(v, visit); },
                          [&](ReleaseVisit& v) { applyConsulted(v, c); },
                          [&](ReleaseVisit& v) { applyDispensed(v, second); },
                          [&](ReleaseVisit& v) { applyDispensed(v, first); }};
        QList<int> order{0, 1, 2, 3};
        int permutations = 0;
        do {
            QList<Step> ordered;
            for (int i : order)
                ordered.append(steps.at(i));
            const ReleaseVisit v = run(visit.id, ordered);
            QCOMPARE(v.state, VisitState::Dispensed);
            QCOMPARE(v.readySince, first.dispensedAt); // the first dispense
            QCOMPARE(v.consultationId, c.id);
            QCOMPARE(v.token, 7);
            QVERIFY(v.isListable());
            ++permutations;
        } while (std::next_permutation(order.begin(), order.end()));
        QCOMPARE(permutations, 24);
    }

    void readiness_data()
    {
        QTest::addColumn<int>("disposition");
        QTest::addColumn<int>("labResults");
        QTest::addColumn<bool>("withPrescription");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("ready");
        auto row = [](const char* name, Disposition d, int results, bool rx, VisitState s,
                      bool ready) {
            QTest::newRow(name) << static_cast<int>(d) << results << rx << static_cast<int>(s)
                                << ready;
        };
        row("discharge", Disposition::Discharge, 0, false, VisitState::Consulted, true);
        row("admit", Disposition::Admit, 0, false, VisitState::Consulted, true);
        row("refer", Disposition::Refer, 0, false, VisitState::Consulted, true);
        row("to_pharmacy", Disposition::ToPharmacy, 0, false, VisitState::AwaitingPharmacy, false);
        row("to_lab, 1 of 2", Disposition::ToLab, 1, false, VisitState::AwaitingLab, false);
        // Every result in: back with the doctor, whose follow-up consultation decides.
        row("to_lab, 2 of 2", Disposition::ToLab, 2, false, VisitState::Registered, false);
        row("to_lab, 1 of 2, drugs to dispense", Disposition::ToLab, 1, true,
            VisitState::AwaitingLab, false);
        row("to_lab, 2 of 2, drugs to dispense", Disposition::ToLab, 2, true,
            VisitState::Registered, false);
    }
    void readiness()
    {
        QFETCH(int, disposition);
        QFETCH(int, labResults);
        QFETCH(bool, withPrescription);
        QFETCH(int, state);
        QFETCH(bool, ready);
        const Visit visit = newVisit(1);
        const Consultation c =
            consultation(visit, static_cast<Disposition>(disposition), 2, withPrescription);
        const ReleaseVisit v = run(visit.id,
                                   {[&](ReleaseVisit& r) { applyRegistered(r, visit); },
                                    [&](ReleaseVisit& r) { applyConsulted(r, c); }},
                                   {labResults, c.savedAt.addSecs(60)});
        QCOMPARE(static_cast<int>(v.state), state);
        QCOMPARE(v.readySince.isValid(), ready);
    }

    // Issue 11: a lab order holds the release whatever the disposition, also once the drugs
    // are dispensed, until its result is in — unless the doctor released the patient
    // without the results.
    void outstandingResultHoldsTheRelease_data()
    {
        QTest::addColumn<int>("disposition");
        QTest::addColumn<bool>("releaseWithoutResults");
        QTest::addColumn<int>("labResults");
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("ready");
        auto row = [](const char* name, Disposition d, bool release, int results, VisitState s,
                      bool ready) {
            QTest::newRow(name) << static_cast<int>(d) << release << results << static_cast<int>(s)
                                << ready;
        };
        row("to_pharmacy dispensed, 0 of 1", Disposition::ToPharmacy, false, 0,
            VisitState::AwaitingLab, false);
        row("to_pharmacy dispensed, 1 of 1", Disposition::ToPharmacy, false, 1,
            VisitState::Dispensed, true);
        row("to_pharmacy dispensed, released", Disposition::ToPharmacy, true, 0,
            VisitState::Dispensed, true);
        row("discharge, 0 of 1", Disposition::Discharge, false, 0, VisitState::AwaitingLab, false);
        row("discharge, 1 of 1", Disposition::Discharge, false, 1, VisitState::Consulted, true);
        row("discharge, released", Disposition::Discharge, true, 0, VisitState::Consulted, true);
        row("to_lab, released", Disposition::ToLab, true, 0, VisitState::Consulted, true);
    }
    void outstandingResultHoldsTheRelease()
    {
        QFETCH(int, disposition);
        QFETCH(bool, releaseWithoutResults);
        QFETCH(int, labResults);
        QFETCH(int, state);
        QFETCH(bool, ready);
        const Visit visit = newVisit(3);
        Consultation c = consultation(visit, static_cast<Disposition>(disposition), 1);
        if (c.content.labOrders.isEmpty())
            c.content.labOrders = consultation(visit, Disposition::ToLab, 1).content.labOrders;
        c.content.releaseWithoutResults = releaseWithoutResults;
        QList<Step> steps{[&](ReleaseVisit& r) { applyRegistered(r, visit); },
                          [&](ReleaseVisit& r) { applyConsulted(r, c); }};
        const Dispense given = dispense(c);
        if (!c.content.prescriptions.isEmpty())
            steps.append([&](ReleaseVisit& r) { applyDispensed(r, given); });
        const QDateTime lastResult = c.savedAt.addSecs(3600);
        const ReleaseVisit v = run(visit.id, steps, {labResults, lastResult});
        QCOMPARE(static_cast<int>(v.state), state);
        QCOMPARE(v.readySince.isValid(), ready);
        // Ready since the later of the last awaited result and the dispense / consultation.
        if (ready && labResults > 0)
            QCOMPARE(v.readySince, lastResult);
    }

    void closedVisitsAreNotReady()
    {
        const Visit visit = newVisit(2);
        const Consultation c = consultation(visit, Disposition::Discharge);
        Discharge d;
        d.visitId = visit.id;
        d.patientId = visit.patientId;
        d.recordedAt = nowUtc();
        d.details.outcome = DischargeOutcome::Referred;
        // The discharge arriving before the consultation must not reopen the visit.
        const ReleaseVisit v = run(visit.id, {[&](ReleaseVisit& r) { applyDischarged(r, d); },
                                              [&](ReleaseVisit& r) { applyConsulted(r, c); },
                                              [&](ReleaseVisit& r) { applyRegistered(r, visit); }});
        QCOMPARE(v.state, VisitState::Referred);
        QVERIFY(!v.readySince.isValid());
        const ReleaseVisit cancelled =
            run(visit.id, {[&](ReleaseVisit& r) { applyRegistered(r, visit); },
                           [&](ReleaseVisit& r) {
                               applyStatusChange(r, statusChange(visit, VisitState::Cancelled));
                           }});
        QCOMPARE(cancelled.state, VisitState::Cancelled);
        QVERIFY(!cancelled.readySince.isValid());
    }
};

QTEST_GUILESS_MAIN(TestDischargeModel)
#include "test_discharge_model.moc"
