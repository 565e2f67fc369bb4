// LiveList against a real nats-server: a fake service keeps the truth, answers snapshots
// slowly while it keeps changing rows (events arrive while the snapshot is in flight), loses
// events during a server outage, and the client's list must end equal to the truth, each
// row once.

#include "bus/json_reader.h"
#include "bus/live_list.h"
#include "bus/nats_library.h"
#include "bus_test_util.h"
#include "support/nats_server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;

namespace {

struct LiveRow
{
    QString id;
    QString group;
    qint64 value = 0;

    bool operator==(const LiveRow&) const = default;
    QJsonObject toJson() const
    {
        return {{QStringLiteral("id"), id},
                {QStringLiteral("group"), group},
                {QStringLiteral("value"), value}};
    }
    static LiveRow read(bus::JsonReader& reader)
    {
        return {reader.requiredString(QStringLiteral("id"), 64),
                reader.requiredString(QStringLiteral("group"), 64),
                reader.requiredInt(QStringLiteral("value"), 0, 1 << 30)};
    }
};

QJsonArray toArray(const QList<LiveRow>& rows)
{
    QJsonArray array;
    for (const LiveRow& row : rows)
        array.append(row.toJson());
    return array;
}

bus::Result<QList<LiveRow>> readRows(const QByteArray& data)
{
    auto object = bus::parseJsonObject(data);
    if (!object)
        return object.error();
    bus::JsonReader reader(object.value());
    const QJsonArray array = reader.requiredArray(QStringLiteral("rows"), 100000);
    QList<LiveRow> rows;
    for (qsizetype i = 0; i < array.size() && reader.ok(); ++i) {
        bus::JsonReader element = reader.element(array, QStringLiteral("rows"), i);
        rows.append(LiveRow::read(element));
    }
    if (!reader.ok())
        return reader.error();
    return rows;
}

bus::Result<bus::LiveEdit<LiveRow>> readEdit(const bus::Message& event)
{
    auto object = bus::parseJsonObject(event.data);
    if (!object)
        return object.error();
    bus::JsonReader reader(object.value());
    const QString group = reader.requiredString(QStringLiteral("group"), 64);
    if (!reader.ok())
        return reader.error();
    auto rows = readRows(event.data);
    if (!rows)
        return rows.error();
    return bus::LiveEdit<LiveRow>{group, rows.value()};
}

constexpr char kSnapshot[] = "test.live.snapshot";
constexpr char kEvents[] = "test.live.changed.*";

} // namespace

class TestBusLiveList : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_service;
    std::unique_ptr<bus::Connection> m_client;
    QObject m_serviceOwner;
    QMap<QString, LiveRow> m_truth;
    QRandomGenerator m_random{20261130};
    int m_nextId = 0;
    int m_snapshotsServed = 0;
    int m_changesPerSnapshot = 0; // changes made while each snapshot answer is "being built"

    QList<LiveRow> groupRows(const QString& group) const
    {
        QList<LiveRow> rows;
        for (const LiveRow& row : m_truth)
            if (row.group == group)
                rows.append(row);
        return rows;
    }

    // One random change to the truth, published as the group's new rows (lost when the
    // service is not connected, as a real event would be).
    void change()
    {
        const QString group = QStringLiteral("g%1").arg(m_random.bounded(8));
        QList<LiveRow> rows = groupRows(group);
        const int what = static_cast<int>(m_random.bounded(3));
        if (what == 0 || rows.isEmpty()) {
            const LiveRow row{QStringLiteral("r%1").arg(++m_nextId, 5, 10, QLatin1Char('0')), group,
                              m_random.bounded(1000)};
            m_truth.insert(row.id, row);
        } else if (what == 1) {
            m_truth[rows.at(m_random.bounded(rows.size())).id].value = m_random.bounded(1000);
        } else {
            m_truth.remove(rows.at(m_random.bounded(rows.size())).id);
        }
        if (m_service->state() != bus::Connection::State::Connected)
            return;
        const QJsonObject event{{QStringLiteral("group"), group},
                                {QStringLiteral("rows"), toArray(groupRows(group))}};
        m_service->publish("test.live.changed." + group.toUtf8(),
                           QJsonDocument(event).toJson(QJsonDocument::Compact));
    }

    void changeMany(int count)
    {
        for (int i = 0; i < count; ++i)
            change();
    }

    std::unique_ptr<bus::LiveList<LiveRow>> makeList()
    {
        bus::LiveListOptions options;
        options.snapshotSubject = kSnapshot;
        options.eventSubjects = {kEvents};
        options.retryInterval = std::chrono::milliseconds(200);
        options.snapshotOptions.timeout = std::chrono::milliseconds(2000);
        return std::make_unique<bus::LiveList<LiveRow>>(
            *m_client, options, [](const LiveRow& r) { return r.id; },
            [](const LiveRow& r) { return r.group; },
            [](const bus::Message& m) { return readRows(m.data); }, readEdit);
    }

    static bool sameAs(const QList<LiveRow>& rows, const QMap<QString, LiveRow>& truth)
    {
        return rows == truth.values();
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_service = connectTo(m_server.url());
        m_client = connectTo(m_server.url());
        QVERIFY(m_service && m_client);
        // The snapshot is taken when the request arrives; the answer leaves 100 ms later,
        // after more changes were published: those events reach the client before it.
        m_service->subscribe(kSnapshot, &m_serviceOwner, [this](const bus::Message& m) {
            ++m_snapshotsServed;
            const QJsonObject body{{QStringLiteral("rows"), toArray(m_truth.values())}};
            const QByteArray reply = m.reply;
            const QByteArray data = QJsonDocument(body).toJson(QJsonDocument::Compact);
            changeMany(m_changesPerSnapshot);
            QTimer::singleShot(100, &m_serviceOwner,
                               [this, reply, data] { m_service->publish(reply, data); });
        });
        QTest::qWait(100);
    }

    void init()
    {
        m_truth.clear();
        m_changesPerSnapshot = 0;
    }

    void firstSnapshotThenEvents()
    {
        changeMany(40);
        auto list = makeList();
        QSignalSpy resets(list.get(), &bus::LiveListBase::rowsReset);
        list->start();
        QTRY_VERIFY(list->isCurrent());
        QCOMPARE(resets.size(), 1);
        QVERIFY(sameAs(list->rows(), m_truth));
        QSignalSpy removed(list.get(), &bus::LiveListBase::rowRemoved);
        QSignalSpy changedRows(list.get(), &bus::LiveListBase::rowChanged);
        changeMany(60);
        QTRY_VERIFY(sameAs(list->rows(), m_truth));
        QVERIFY(removed.size() + changedRows.size() > 0);
        QCOMPARE(resets.size(), 1); // events only: no snapshot again
    }

    // Events that arrive while the snapshot is in flight are newer than it: they must be
    // applied after it, not overwritten by it.
    void eventsDuringTheSnapshotAreNotLost()
    {
        changeMany(30);
        m_changesPerSnapshot = 25;
        auto list = makeList();
        list->start();
        QTRY_VERIFY(list->isCurrent());
        QTRY_VERIFY(sameAs(list->rows(), m_truth));
        QTest::qWait(150); // nothing late changes it back
        QVERIFY(sameAs(list->rows(), m_truth));
        QCOMPARE(list->snapshotsApplied(), 1);
    }

    // The server goes away; changes made meanwhile publish no event (lost); after it is
    // back the list fetches a snapshot and ends equal to the truth, no row twice.
    void reconnectFetchesAgain()
    {
        changeMany(30);
        m_changesPerSnapshot = 5;
        auto list = makeList();
        list->start();
        QTRY_VERIFY(list->isCurrent());
        QTRY_VERIFY(sameAs(list->rows(), m_truth));

        m_server.stop();
        QTRY_VERIFY_WITH_TIMEOUT(m_client->state() != bus::Connection::State::Connected, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_service->state() != bus::Connection::State::Connected, 10000);
        QVERIFY(!list->isCurrent());
        changeMany(40); // no events: the service is cut off
        QVERIFY(!sameAs(list->rows(), m_truth));
        QVERIFY2(m_server.restart(), qPrintable(m_server.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(m_service->state(), bus::Connection::State::Connected, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(list->isCurrent(), 15000);
        changeMany(20);
        QTRY_VERIFY_WITH_TIMEOUT(sameAs(list->rows(), m_truth), 5000);
        QVERIFY(list->snapshotsApplied() >= 2);
        QCOMPARE(list->size(), m_truth.size());
    }

    // The client's own connection closes and opens again: same outcome.
    void closeAndOpenFetchesAgain()
    {
        changeMany(20);
        auto list = makeList();
        list->start();
        QTRY_VERIFY(list->isCurrent());
        m_client->close();
        QVERIFY(!list->isCurrent());
        changeMany(30); // published, but nobody listens for the client
        m_client->open();
        QTRY_VERIFY_WITH_TIMEOUT(list->isCurrent(), 10000);
        QTRY_VERIFY(sameAs(list->rows(), m_truth));
        QCOMPARE(list->snapshotsApplied(), 2);
    }

    // An event the list cannot read means a change it missed: it fetches the list again.
    void undecodableEventFetchesAgain()
    {
        changeMany(10);
        auto list = makeList();
        QSignalSpy errors(list.get(), &bus::LiveListBase::errorOccurred);
        list->start();
        QTRY_VERIFY(list->isCurrent());
        m_truth.insert(QStringLiteral("zz"),
                       LiveRow{QStringLiteral("zz"), QStringLiteral("g1"), 1});
        m_service->publish("test.live.changed.g1", QByteArrayLiteral(R"({"group":"g1"})"));
        QTRY_COMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0).at(0).value<BusError>().field, QStringLiteral("rows"));
        QTRY_COMPARE(list->snapshotsApplied(), 2);
        QVERIFY(sameAs(list->rows(), m_truth));
    }

    void cleanupTestCase()
    {
        m_client.reset();
        m_service.reset();
    }
};

QTEST_GUILESS_MAIN(TestBusLiveList)
#include "test_bus_live_list.moc"
