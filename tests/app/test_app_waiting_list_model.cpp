// WaitingListModel without a bus: the waiting-time text, the order (priority, then
// registration time), row-level updates (a state change is one dataChanged, a new visit one
// insert at its place, a closed visit one removal) and the visit id -> row index after each.

#include "core/reception/token_slip.h"
#include "core/reception/waiting_list_model.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace openopd;
using app::WaitingListModel;
using protocol::Priority;
using protocol::Visit;
using protocol::VisitState;

namespace {

Visit makeVisit(int token, Priority priority, int minutesAgo, const QString& name)
{
    Visit visit;
    visit.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(token, 12, 10, QLatin1Char('0'));
    visit.patientId = visit.id;
    visit.patientName = name;
    visit.queue = QStringLiteral("general");
    visit.day = QDate::currentDate();
    visit.token = token;
    visit.priority = priority;
    visit.state = VisitState::Registered;
    const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(-60 * minutesAgo);
    visit.history.append({VisitState::Registered, at, {}, {}});
    return visit;
}

QString tokens(const WaitingListModel& model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, WaitingListModel::TokenColumn).data().toString();
    return out.join(u',');
}

void verifyIndex(const WaitingListModel& model)
{
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.index(row, 0).data(WaitingListModel::VisitIdRole).toString()),
                 row);
}

} // namespace

class TestAppWaitingListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void waitingTimeReadsMinutesThenHours();
    void rowsFollowThePriorityOrderAndEventsChangeSingleRows();
    void theWaitingColumnIsRefreshedAloneByOneTimer();
    void tenThousandRowsAreOneResetAndIndexed();
    void theSlipSaysTokenNameAndQueue();
};

void TestAppWaitingListModel::waitingTimeReadsMinutesThenHours()
{
    QCOMPARE(WaitingListModel::waitingText(0), QStringLiteral("0:00"));
    QCOMPARE(WaitingListModel::waitingText(-5), QStringLiteral("0:00"));
    QCOMPARE(WaitingListModel::waitingText(65), QStringLiteral("1:05"));
    QCOMPARE(WaitingListModel::waitingText(59 * 60 + 59), QStringLiteral("59:59"));
    QCOMPARE(WaitingListModel::waitingText(3600), QStringLiteral("1:00 h"));
    QCOMPARE(WaitingListModel::waitingText(3600 + 5 * 60 + 59), QStringLiteral("1:05 h"));
    QCOMPARE(WaitingListModel::waitingText(26 * 3600), QStringLiteral("26:00 h"));
}

void TestAppWaitingListModel::rowsFollowThePriorityOrderAndEventsChangeSingleRows()
{
    WaitingListModel model;
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removals(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);

    Visit closed = makeVisit(9, Priority::Normal, 1, QStringLiteral("Gone"));
    closed.state = VisitState::Cancelled;
    const Visit ana = makeVisit(1, Priority::Normal, 30, QStringLiteral("Ana"));
    const Visit cleo = makeVisit(3, Priority::Urgent, 10, QStringLiteral("Cleo"));
    model.resetVisits(
        {ana, makeVisit(2, Priority::Normal, 20, QStringLiteral("Ben")), cleo, closed});
    QCOMPARE(resets.size(), 1);
    QCOMPARE(tokens(model), QStringLiteral("3,1,2")); // urgent first; closed left out
    verifyIndex(model);
    QCOMPARE(model.index(0, WaitingListModel::PatientColumn).data().toString(),
             QStringLiteral("Cleo"));
    QCOMPARE(model.index(0, WaitingListModel::PriorityColumn).data().toString(),
             QStringLiteral("Urgent"));
    QCOMPARE(model.index(1, WaitingListModel::WaitingColumn).data().toString(),
             QStringLiteral("30:00"));

    // An emergency arrives: one insert at the top.
    model.upsertVisit(makeVisit(4, Priority::Emergency, 0, QStringLiteral("Dan")));
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(inserts.last().at(1).toInt(), 0);
    QCOMPARE(tokens(model), QStringLiteral("4,3,1,2"));
    verifyIndex(model);

    // Ana is called: one row changes, in place.
    Visit called = ana;
    called.state = VisitState::Called;
    changes.clear();
    model.upsertVisit(called);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.last().at(0).toModelIndex().row(), 2);
    QCOMPARE(changes.last().at(1).toModelIndex().row(), 2);
    QCOMPARE(model.index(2, WaitingListModel::StateColumn).data().toString(),
             QStringLiteral("Called"));
    QCOMPARE(inserts.size(), 1);

    // Cleo's consultation starts: she leaves the waiting list (one removal).
    Visit started = cleo;
    started.state = VisitState::InConsultation;
    model.upsertVisit(started);
    QCOMPARE(removals.size(), 1);
    QCOMPARE(tokens(model), QStringLiteral("4,1,2"));
    verifyIndex(model);

    // Removing an unknown visit changes nothing; removing Dan removes row 0.
    model.removeVisit(QStringLiteral("nope"));
    QCOMPARE(removals.size(), 1);
    model.removeVisit(makeVisit(4, Priority::Emergency, 0, {}).id);
    QCOMPARE(tokens(model), QStringLiteral("1,2"));
    verifyIndex(model);
    QCOMPARE(resets.size(), 1); // never a reset for an event
}

void TestAppWaitingListModel::theWaitingColumnIsRefreshedAloneByOneTimer()
{
    WaitingListModel model;
    model.setWaitingRefreshInterval(20);
    QList<Visit> visits;
    for (int token = 1; token <= 500; ++token)
        visits << makeVisit(token, Priority::Normal, token % 90, QStringLiteral("P%1").arg(token));
    model.resetVisits(visits);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(changes.wait(2000));
    const QList<QVariant> signal = changes.first();
    QCOMPARE(signal.at(0).toModelIndex(), model.index(0, WaitingListModel::WaitingColumn));
    QCOMPARE(signal.at(1).toModelIndex(), model.index(499, WaitingListModel::WaitingColumn));
}

void TestAppWaitingListModel::tenThousandRowsAreOneResetAndIndexed()
{
    QList<Visit> visits;
    for (int token = 1; token <= 10000; ++token)
        visits << makeVisit(token, token % 50 == 0 ? Priority::Urgent : Priority::Normal,
                            token % 300, QStringLiteral("Patient %1").arg(token));
    WaitingListModel model;
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);
    QElapsedTimer clock;
    clock.start();
    model.resetVisits(visits);
    const qint64 resetMs = clock.elapsed();
    QCOMPARE(resets.size(), 1);
    QCOMPARE(inserts.size(), 0);
    QCOMPARE(model.rowCount(), 10000);
    verifyIndex(model);
    // An event at the top of a full list: one insert, the index still right.
    clock.restart();
    model.upsertVisit(makeVisit(10001, Priority::Emergency, 0, QStringLiteral("Last in")));
    const qint64 insertMs = clock.elapsed();
    QCOMPARE(inserts.size(), 1);
    QCOMPARE(model.rowOf(makeVisit(10001, Priority::Emergency, 0, {}).id), 0);
    verifyIndex(model);
    qInfo("10,000 rows: reset %lld ms, one insert at the top %lld ms", resetMs, insertMs);
}

void TestAppWaitingListModel::theSlipSaysTokenNameAndQueue()
{
    app::TokenSlip slip = app::TokenSlip::fromVisit(
        makeVisit(17, Priority::Urgent, 5, QStringLiteral("Zoë Ångström")), QStringLiteral("MRN-1"),
        QStringLiteral("Hillside Clinic"));
    const QStringList lines = slip.lines();
    QCOMPARE(lines.first(), QStringLiteral("Hillside Clinic"));
    QVERIFY(lines.contains(QStringLiteral("17")));
    QVERIFY(lines.contains(QStringLiteral("Zoë Ångström")));
    QVERIFY(lines.contains(QStringLiteral("MRN: MRN-1")));
    QVERIFY(lines.contains(QStringLiteral("Queue: general · Urgent")));
    QCOMPARE(lines.last(), slip.standardNote());
}

QTEST_GUILESS_MAIN(TestAppWaitingListModel)
#include "test_app_waiting_list_model.moc"
