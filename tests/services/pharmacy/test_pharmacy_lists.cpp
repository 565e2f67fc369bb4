// The pharmacy's work-list events, on a real nats-server: every change of the pending
// prescriptions and pending lab orders of a visit publishes list.prescriptions_changed /
// list.lab_orders_changed with the visit's rows exactly as the list endpoint then returns
// them (added, updated, removed), durably in OPD_EVENTS.

#include "bus/nats_library.h"
#include "pharmacy_harness.h"

#include <csignal>

using namespace openopd;
using namespace openopd::testing;
using protocol::ListChange;
using protocol::ListChangeKind;

namespace {

template <class Row>
QList<protocol::EventEnvelope<ListChange<Row>>>
ofVisit(QList<protocol::EventEnvelope<ListChange<Row>>> events, const QString& visitId)
{
    events.removeIf([&](const auto& event) { return event.visitId != visitId; });
    return events;
}

protocol::Discharge dischargeOf(const protocol::Consultation& c)
{
    protocol::Discharge discharge;
    discharge.id = protocol::newId();
    discharge.visitId = c.visitId;
    discharge.patientId = c.patientId;
    discharge.recordedAt = protocol::nowUtc();
    discharge.recordedBy = doctor();
    return discharge;
}

} // namespace

class TestPharmacyLists : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PharmacyHarness m_harness;

    QList<protocol::EventEnvelope<ListChange<protocol::PendingPrescription>>>
    prescriptionEvents(const QString& visitId)
    {
        return ofVisit(m_harness.eventsOf(protocol::kPrescriptionListChanged), visitId);
    }
    QList<protocol::EventEnvelope<ListChange<protocol::LabOrder>>> labEvents(const QString& visitId)
    {
        return ofVisit(m_harness.eventsOf(protocol::kLabOrderListChanged), visitId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_harness.start(QStringLiteral("sqlite")), qPrintable(m_harness.error()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_harness.serviceLog();
    }

    void prescriptionsFollowEveryDispense()
    {
        QVERIFY(m_harness.receive(QStringLiteral("LST1"), QStringLiteral("B1"), 300, 100));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("LST1"), QStringLiteral("List 1"), 10)});
        QVERIFY(m_harness.prescribe(c));
        QTRY_COMPARE_WITH_TIMEOUT(prescriptionEvents(c.visitId).size(), 1, 15000);
        auto added = prescriptionEvents(c.visitId).at(0);
        QCOMPARE(added.payload.change, ListChangeKind::Added);
        QCOMPARE(added.payload.rows, QList{*m_harness.pendingFor(c.id)});
        QCOMPARE(added.patientId, c.patientId);
        QCOMPARE(added.actor, doctor()); // who caused it: the consultation's doctor

        QVERIFY(m_harness.dispense(c.id, {{1, 4}}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(prescriptionEvents(c.visitId).size(), 2, 15000);
        const auto updated = prescriptionEvents(c.visitId).at(1);
        QCOMPARE(updated.payload.change, ListChangeKind::Updated);
        QCOMPARE(updated.payload.rows, QList{*m_harness.pendingFor(c.id)});
        QCOMPARE(updated.payload.rows.at(0).lines.at(0).dispensedQuantity, 4);
        QCOMPARE(updated.actor, pharmacist());

        QVERIFY(m_harness.dispense(c.id, {{1, 6}}).ok());
        QTRY_COMPARE_WITH_TIMEOUT(prescriptionEvents(c.visitId).size(), 3, 15000);
        const auto removed = prescriptionEvents(c.visitId).at(2);
        QCOMPARE(removed.payload.change, ListChangeKind::Removed);
        QVERIFY(removed.payload.rows.isEmpty());
        QVERIFY(!m_harness.pendingFor(c.id));
        // Each one after the change's own event: the dispense precedes its list change.
        const QList<protocol::AnyEvent>& all = m_harness.events();
        const auto indexOf = [&all](const QString& id) {
            for (qsizetype i = 0; i < all.size(); ++i)
                if (all.at(i).id == id)
                    return i;
            return qsizetype{-1};
        };
        const auto dispensed = m_harness.dispensedFor(c.id);
        QCOMPARE(dispensed.size(), 2);
        QVERIFY(indexOf(dispensed.at(1).id) < indexOf(removed.id));
    }

    void aDischargeRemovesTheOpenPrescription()
    {
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("LST2"), QStringLiteral("List 2"), 5)});
        QVERIFY(m_harness.prescribe(c));
        QTRY_COMPARE_WITH_TIMEOUT(prescriptionEvents(c.visitId).size(), 1, 15000);
        QVERIFY(m_harness.publish(
            protocol::kVisitDischarged,
            protocol::makeEvent(protocol::kVisitDischarged, dischargeOf(c), doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(prescriptionEvents(c.visitId).size(), 2, 15000);
        QCOMPARE(prescriptionEvents(c.visitId).at(1).payload.change, ListChangeKind::Removed);
        QVERIFY(!m_harness.pendingFor(c.id));
        // A visit with nothing pending announces nothing when discharged.
        const protocol::Consultation none = consultation(
            {}, {labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"))});
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, none, doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(labEvents(none.visitId).size(), 1, 15000);
        QVERIFY(prescriptionEvents(none.visitId).isEmpty());
    }

    void labOrdersFollowCollectionResultAndDischarge()
    {
        const protocol::Consultation c = consultation(
            {}, {labOrderLine(QStringLiteral("UECR"), QStringLiteral("Creatinine")),
                 labOrderLine(QStringLiteral("FBC"), QStringLiteral("Full blood count"), true),
                 labOrderLine(QStringLiteral("CRP"), QStringLiteral("C-reactive protein"))});
        QVERIFY(m_harness.publish(protocol::kVisitConsulted,
                                  protocol::makeEvent(protocol::kVisitConsulted, c, doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(labEvents(c.visitId).size(), 1, 15000);
        const auto added = labEvents(c.visitId).at(0);
        QCOMPARE(added.payload.change, ListChangeKind::Added);
        QCOMPARE(added.payload.rows, m_harness.labOrdersFor(c.id)); // same rows, same order
        QCOMPARE(added.payload.rows.size(), 3);
        const protocol::LabOrder fbc = added.payload.rows.at(0); // urgent first
        QCOMPARE(fbc.test.testCode, QStringLiteral("FBC"));

        QVERIFY(m_harness
                    .call(protocol::kCollectSample,
                          protocol::CollectSampleRequest{labTechnician(), fbc.id, {}, {}})
                    .ok());
        QTRY_COMPARE_WITH_TIMEOUT(labEvents(c.visitId).size(), 2, 15000);
        const auto collected = labEvents(c.visitId).at(1);
        QCOMPARE(collected.payload.change, ListChangeKind::Updated);
        QCOMPARE(collected.payload.rows, m_harness.labOrdersFor(c.id));
        QCOMPARE(collected.payload.rows.at(0).state, protocol::LabOrderState::Collected);
        QCOMPARE(collected.actor, labTechnician());

        protocol::LabResultEntry entry;
        entry.value = QStringLiteral("WBC 13.2");
        QVERIFY(m_harness
                    .call(protocol::kEnterLabResult,
                          protocol::EnterLabResultRequest{labTechnician(), fbc.id, entry})
                    .ok());
        QTRY_COMPARE_WITH_TIMEOUT(labEvents(c.visitId).size(), 3, 15000);
        const auto resulted = labEvents(c.visitId).at(2);
        QCOMPARE(resulted.payload.change, ListChangeKind::Updated);
        QCOMPARE(resulted.payload.rows.size(), 2); // the resulted order left the list
        QCOMPARE(resulted.payload.rows, m_harness.labOrdersFor(c.id));

        // Discharged: the two uncollected orders are cancelled, nothing is pending.
        QVERIFY(m_harness.publish(
            protocol::kVisitDischarged,
            protocol::makeEvent(protocol::kVisitDischarged, dischargeOf(c), doctor())));
        QTRY_COMPARE_WITH_TIMEOUT(labEvents(c.visitId).size(), 4, 15000);
        const auto removed = labEvents(c.visitId).at(3);
        QCOMPARE(removed.payload.change, ListChangeKind::Removed);
        QVERIFY(removed.payload.rows.isEmpty());
        QVERIFY(m_harness.labOrdersFor(c.id).isEmpty());
    }

    // opd.pharmacy.prescription.get: the read before repeating a dispense shows every
    // dispense and what each line has had, also once the prescription left the list.
    void getShowsWhetherADispenseTookEffect()
    {
        QVERIFY(m_harness.receive(QStringLiteral("LST3"), QStringLiteral("B3"), 300, 100));
        const protocol::Consultation c =
            consultation({prescriptionLine(QStringLiteral("LST3"), QStringLiteral("List 3"), 10),
                          prescriptionLine(QStringLiteral("LST3"), QStringLiteral("List 3"), 2)});
        QVERIFY(m_harness.prescribe(c));
        const auto get = [&] {
            return m_harness.call(protocol::kGetPrescription,
                                  protocol::GetPrescriptionRequest{c.id});
        };
        auto before = get();
        QVERIFY2(before.ok(), qPrintable(before.error().toString()));
        QCOMPARE(before->state, protocol::PrescriptionState::Open);
        QVERIFY(before->dispenses.isEmpty());
        QCOMPARE(before->prescription, *m_harness.pendingFor(c.id));

        const auto first = m_harness.dispense(c.id, {{1, 10}});
        QVERIFY(first.ok());
        auto partly = get();
        QVERIFY(partly.ok());
        QCOMPARE(partly->state, protocol::PrescriptionState::Open);
        QCOMPARE(partly->dispenses, QList{first->dispense});
        QCOMPARE(partly->prescription.lines.at(0).dispensedQuantity, 10);
        QCOMPARE(partly->prescription.lines.at(1).dispensedQuantity, 0);

        const auto second = m_harness.dispense(c.id, {{2, 2}});
        QVERIFY(second.ok());
        auto complete = get();
        QVERIFY(complete.ok());
        QCOMPARE(complete->state, protocol::PrescriptionState::Complete);
        QCOMPARE(complete->dispenses, (QList{first->dispense, second->dispense}));
        QVERIFY(!m_harness.pendingFor(c.id)); // off the list, still readable

        const auto unknown = m_harness.call(protocol::kGetPrescription,
                                            protocol::GetPrescriptionRequest{protocol::newId()});
        QCOMPARE(unknown.error().code, 404);
        QCOMPARE(unknown.error().field, QStringLiteral("consultation_id"));
    }

    // Through the outbox into the stream, like every event: a client can replay them.
    void listEventsAreStoredInTheStream()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_harness.stored(QStringLiteral("opd.events.list.>")) >= 9, 15000);
    }
};

QTEST_GUILESS_MAIN(TestPharmacyLists)
#include "test_pharmacy_lists.moc"
