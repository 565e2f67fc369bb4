// The lab's and discharge's models and rules without a bus: pending lab orders sort urgent
// first and leave when resulted; pending releases sort oldest ready first; the result and
// discharge forms' rules name the field; the visit summary document says the patient, the
// diagnosis, the drugs, the lab result and the next visit, and makes a PDF.

#include "core/discharge/discharge_commands.h"
#include "core/discharge/pending_releases_model.h"
#include "core/discharge/visit_summary_document.h"
#include "core/lab/lab_commands.h"
#include "core/lab/lab_orders_model.h"
#include "protocol/validation.h"

#include <QGuiApplication>
#include <QTest>

using namespace openopd;
using namespace openopd::app;
using namespace openopd::protocol;

namespace {

LabOrder order(const QString& name, bool urgent, int minutesAgo, int line = 1)
{
    LabOrder o;
    o.id = newId();
    o.consultationId = newId();
    o.line = line;
    o.visitId = newId();
    o.patientId = newId();
    o.patientName = name;
    o.test =
        LabOrderLine{QStringLiteral("FBC"), QStringLiteral("Full blood count"), {}, urgent, {}};
    o.orderedAt = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    return o;
}

PendingRelease release(const QString& name, int minutesAgo)
{
    PendingRelease r;
    r.visitId = newId();
    r.patientId = newId();
    r.patientName = name;
    r.queue = QStringLiteral("general");
    r.day = QDate::currentDate();
    r.token = 3;
    r.consultationId = newId();
    r.disposition = Disposition::ToPharmacy;
    r.state = VisitState::Dispensed;
    r.readySince = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    return r;
}

} // namespace

class TestAppLabDischargeModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labOrdersSortUrgentFirstAndLeaveWhenResulted()
    {
        LabOrdersModel model;
        const LabOrder old = order(QStringLiteral("Old"), false, 30);
        const LabOrder urgent = order(QStringLiteral("Urgent"), true, 5);
        const LabOrder recent = order(QStringLiteral("Recent"), false, 1);
        model.resetOrders({recent, old, urgent});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.orderAt(0).id, urgent.id);
        QCOMPARE(model.orderAt(1).id, old.id);
        QCOMPARE(model.orderAt(2).id, recent.id);
        QCOMPARE(model.index(0, LabOrdersModel::TestColumn).data().toString(),
                 QStringLiteral("Full blood count (urgent)"));

        LabOrder collected = old;
        collected.state = LabOrderState::Collected;
        collected.sampleId = QStringLiteral("T-1");
        model.upsertOrder(collected);
        QCOMPARE(model.rowOf(old.id), 1);
        QVERIFY(model.index(1, LabOrdersModel::StateColumn).data().toString().contains(u"T-1"));

        LabOrder resulted = collected;
        resulted.state = LabOrderState::Resulted;
        model.upsertOrder(resulted);
        QCOMPARE(model.rowOf(old.id), -1);
        QCOMPARE(model.rowCount(), 2);
        model.upsertOrder(order(QStringLiteral("Another urgent"), true, 50));
        QCOMPARE(model.orderAt(0).patientName, QStringLiteral("Another urgent"));
    }

    void releasesSortOldestReadyFirst()
    {
        PendingReleasesModel model;
        const PendingRelease a = release(QStringLiteral("A"), 10);
        const PendingRelease b = release(QStringLiteral("B"), 20);
        model.resetReleases({a, b});
        QCOMPARE(model.releaseAt(0).visitId, b.visitId);
        model.upsertRelease(release(QStringLiteral("C"), 30));
        QCOMPARE(model.releaseAt(0).patientName, QStringLiteral("C"));
        model.removeRelease(b.visitId);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.index(0, PendingReleasesModel::StateColumn)
                    .data()
                    .toString()
                    .contains(QStringLiteral("dispensed")));
    }

    void formRulesNameTheField()
    {
        LabResultEntry entry;
        QVERIFY(labResultProblems(entry).contains(QStringLiteral("value")));
        entry.value = QStringLiteral("5.4");
        entry.unit = QString(33, u'x');
        QCOMPARE(labResultProblems(entry).keys(), QList<QString>{QStringLiteral("unit")});
        entry.unit = QStringLiteral("mmol/L");
        QVERIFY(labResultProblems(entry).isEmpty());
        QVERIFY(sampleIdProblem(QString()).isEmpty());
        QVERIFY(sampleIdProblem(QStringLiteral("TUBE-1")).isEmpty());
        QVERIFY(!sampleIdProblem(QStringLiteral("tube 1")).isEmpty());
        QCOMPARE(labResultField(QStringLiteral("result.reference_range")),
                 QStringLiteral("reference_range"));

        const QDate today = QDate(2026, 5, 6);
        DischargeDetails details;
        QVERIFY(dischargeProblems(details, today).isEmpty());
        details.outcome = DischargeOutcome::Referred;
        QVERIFY(dischargeProblems(details, today).contains(QStringLiteral("destination")));
        details.destination = QStringLiteral("District Hospital");
        details.nextVisit = today.addDays(-1);
        QCOMPARE(dischargeProblems(details, today).keys(),
                 QList<QString>{QStringLiteral("next_visit")});
        details.nextVisit = today;
        QVERIFY(dischargeProblems(details, today).isEmpty());
    }

    void theVisitSummarySaysTheVisitAndMakesAPdf()
    {
        VisitSummaryDocument doc;
        doc.visit = release(QStringLiteral("Zoë Ångström-Nkosi"), 5);
        Consultation c;
        c.id = doc.visit.consultationId;
        c.visitId = doc.visit.visitId;
        c.doctor =
            StaffRef{QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"), StaffRole::Doctor};
        c.savedAt = QDateTime::currentDateTimeUtc();
        c.content.diagnoses = {
            Diagnosis{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
        doc.summary.consultation = c;
        Dispense d;
        d.dispensedBy =
            StaffRef{QStringLiteral("pharma"), QStringLiteral("Pat Pharma"), StaffRole::Pharmacist};
        d.dispensedAt = QDateTime::currentDateTimeUtc();
        d.lines = {DispensedLine{
            1, QStringLiteral("AMOX500"), QStringLiteral("Amoxicillin 500 mg"), 15, {}}};
        doc.summary.dispenses = {d};
        LabResult r;
        r.testName = QStringLiteral("Full blood count");
        r.entry.value = QStringLiteral("13.2");
        r.entry.flag = LabFlag::Abnormal;
        doc.summary.labResults = {r};
        doc.details.nextVisit = QDate(2026, 6, 1);
        const QString text = doc.lines().join(u'\n');
        QVERIFY2(text.contains(QStringLiteral("Zoë Ångström-Nkosi")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Acute pharyngitis (ICD-10 J02.9)")),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Amoxicillin 500 mg × 15")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Full blood count: 13.2")), qPrintable(text));
        QVERIFY2(text.contains(QLocale().toString(QDate(2026, 6, 1), QLocale::LongFormat)),
                 qPrintable(text));
        // Markup typed by someone is text, not markup.
        doc.details.notes = QStringLiteral("<b>not bold</b>");
        QVERIFY(doc.lines().join(u'\n').contains(QStringLiteral("<b>not bold</b>")));
        const QByteArray pdf = doc.toPdf();
        QVERIFY(pdf.startsWith("%PDF"));
        QVERIFY(pdf.size() > 1000);
    }
};

QTEST_MAIN(TestAppLabDischargeModels)
#include "test_app_lab_discharge_models.moc"
