// The doctor's "results to review" panel (issue 11) against the real consultation service on
// a real nats-server: a lab result of this doctor's consultation appears without a refresh
// (list.results_changed), another doctor's does not; Enter on the row and the button mark it
// reviewed (a Command) and it leaves the list; the model keeps out reviewed and other
// doctors' rows and orders the rest oldest first.

#include "bus/nats_library.h"
#include "consultation_harness.h"
#include "core/command.h"
#include "core/doctor/results_review_model.h"
#include "ui/command_outcome_bar.h"
#include "ui/doctor/results_review_panel.h"

#include <QApplication>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

class TestAppResultsReview : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    ConsultationEnvironment m_env;
    const StaffRef m_drA = doctor(QStringLiteral("dr.silva"));
    const StaffRef m_drB = doctor(QStringLiteral("dr.okoye"));

    // A visit called and consulted by dr with one lab order (fullContent).
    std::optional<Consultation> consulted(const StaffRef& dr, const QString& queue)
    {
        const Visit visit = makeVisit(1, Priority::Normal, queue);
        if (!publishEvent(*m_env.client, kVisitRegistered, registeredEvent(visit)) ||
            !QTest::qWaitFor([&] { return !queueOf(*m_env.client, queue).isEmpty(); }, 15000))
            return std::nullopt;
        if (!call(*m_env.client, kCallVisit, {dr, visit.id, {}}))
            return std::nullopt;
        auto saved = call(*m_env.client, kSaveConsultation, {dr, visit.id, fullContent()});
        return saved ? std::optional<Consultation>(saved->consultation) : std::nullopt;
    }
    bool resulted(const Consultation& c, int line = 1)
    {
        return publishEvent(*m_env.client, kLabResulted,
                            makeEvent(kLabResulted, labResult(c, line), labTechnician()));
    }

    static ResultToReview row(const StaffRef& orderedBy, int minute, bool reviewed = false)
    {
        ResultToReview r;
        r.orderId = newId();
        r.visitId = newId();
        r.patientId = newId();
        r.consultationId = newId();
        r.patientName = QStringLiteral("Patient %1").arg(minute);
        r.orderedBy = orderedBy;
        r.result.orderId = r.orderId;
        r.result.visitId = r.visitId;
        r.result.testName = QStringLiteral("Full blood count");
        r.result.entry.value = QStringLiteral("13.2");
        r.result.entry.unit = QStringLiteral("10^9/L");
        r.result.entry.flag = LabFlag::Abnormal;
        r.result.resultedAt = QDateTime(QDate(2024, 5, 6), QTime(9, minute), Qt::UTC);
        if (reviewed)
            r.reviewedAt = r.result.resultedAt.addSecs(60);
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_env.start(), qPrintable(m_env.errorString()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_env.service)
            qWarning().noquote() << "service log:\n" << m_env.service->log();
    }

    void modelShowsOnlyThisDoctorsUnreviewedResultsOldestFirst()
    {
        app::ResultsReviewModel model(m_drA);
        const ResultToReview late = row(m_drA, 30);
        const ResultToReview early = row(m_drA, 10);
        model.resetResults({late, row(m_drB, 5), early, row(m_drA, 1, true)});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.resultAt(0).orderId, early.orderId);
        QCOMPARE(model.resultAt(1).orderId, late.orderId);
        QCOMPARE(model.data(model.index(0, app::ResultsReviewModel::ValueColumn)).toString(),
                 QStringLiteral("13.2 10^9/L"));
        QCOMPARE(model.data(model.index(0, app::ResultsReviewModel::FlagColumn)).toString(),
                 QStringLiteral("Abnormal"));
        // Reviewed (an event row with reviewed_at, or gone from the visit's rows): removed.
        ResultToReview reviewed = early;
        reviewed.reviewedAt = early.result.resultedAt.addSecs(5);
        model.upsertResult(reviewed);
        QCOMPARE(model.rowCount(), 1);
        model.upsertResult(row(m_drB, 40)); // another doctor's: not shown
        QCOMPARE(model.rowCount(), 1);
        model.removeResult(late.orderId);
        QCOMPARE(model.rowCount(), 0);
    }

    void panelIsLiveAndMarksReviewedByKeyboard()
    {
        app::ResultsReviewPanel panel(*m_env.client, m_drA);
        panel.resize(700, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->isCurrent(), 15000);
        QCOMPARE(panel.model()->rowCount(), 0);
        QCOMPARE(panel.statusText(), QStringLiteral("No results to review."));
        QVERIFY(!panel.markReviewedButton()->isEnabled());

        const auto mine = consulted(m_drA, QStringLiteral("mine"));
        QVERIFY(mine);
        const auto theirs = consulted(m_drB, QStringLiteral("theirs"));
        QVERIFY(theirs);
        const int snapshots = panel.model()->rowCount();
        QVERIFY(resulted(*theirs));
        QVERIFY(resulted(*mine));
        // Arrives by itself (the event), only dr A's.
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 1, 15000);
        QCOMPARE(snapshots, 0);
        QCOMPARE(panel.model()->resultAt(0).consultationId, mine->id);
        QCOMPARE(panel.statusText(), QStringLiteral("Results to review: 1"));
        // OPENOPD_GRAB=<file.png>: a picture of the panel with its row, to look at.
        if (const QString grab = qEnvironmentVariable("OPENOPD_GRAB"); !grab.isEmpty())
            QVERIFY(panel.grab().save(grab));
        QTest::qWait(300); // dr B's result must not show up late either
        QCOMPARE(panel.model()->rowCount(), 1);

        // Enter on the selected row marks it reviewed; the row leaves the list.
        QSignalSpy reviewed(&panel, &app::ResultsReviewPanel::reviewed);
        panel.activateWindow();
        panel.table()->setFocus();
        panel.table()->selectRow(0);
        const QString markedOrder = panel.model()->resultAt(0).orderId;
        QVERIFY(panel.markReviewedButton()->isEnabled());
        QTest::keyClick(panel.table(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(reviewed.count(), 1, 15000);
        QCOMPARE(reviewed.at(0).at(0).toString(), markedOrder);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 0, 15000);
        QCOMPARE(panel.lastCommand()->phase(), app::Command::Phase::Succeeded);
        auto list = call(*m_env.client, kResultsToReview, ResultsToReviewRequest{m_drA, true});
        QVERIFY(list);
        QCOMPARE(list->results.size(), 1);
        QVERIFY(list->results.at(0).reviewedAt.isValid());

        // A second result of dr A, marked with the button this time.
        const auto again = consulted(m_drA, QStringLiteral("again"));
        QVERIFY(again);
        QVERIFY(resulted(*again));
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 1, 15000);
        panel.table()->selectRow(0);
        QTest::mouseClick(panel.markReviewedButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(panel.model()->rowCount(), 0, 15000);
        QCOMPARE(reviewed.count(), 2);
    }
};

QTEST_MAIN(TestAppResultsReview)
#include "test_app_results_review.moc"
