// opd-bench app-waiting-list: resident memory of the desktop app's waiting list (the real
// WaitingListModel in the real WaitingListView) holding 10,000 visits from a real nats-server.
//
// The visits come from testing::WaitingListFeed (tests/app): a snapshot of 1000 (the protocol's
// cap on one reply) and the rest as visit.registered events, from a thread of its own.
// VmRSS is read three times: with the window shown and the list empty, after the feed built
// its 10,000 visits (test data, not the app's), and with every row in the model and the view
// painted. The app's share is the last minus the second.

#include "app_bench.h"
#include "bus/connection.h"
#include "core/command.h" // waiting_list_view.h needs it complete (QPointer<Command>)
#include "core/reception/waiting_list_model.h"
#include "core/session.h"
#include "json_lines.h"
#include "process_memory.h"
#include "stats.h"
#include "support/nats_server.h"
#include "ui/reception/waiting_list_view.h"
#include "waiting_list_feed.h"

#include <QElapsedTimer>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <utility>

namespace openopd::bench {
namespace {

// The GUI thread's worst lateness of a 50 ms timer (as test_app_responsiveness checks), over
// the whole run and per phase.
class LatenessProbe
{
public:
    LatenessProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(50);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_phaseMax = std::max(m_phaseMax, now - m_last - 50);
            m_maxLate = std::max(m_maxLate, m_phaseMax);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    qint64 maxLateMs() const { return m_maxLate; }
    // The worst lateness since the previous call.
    qint64 phase() { return std::exchange(m_phaseMax, 0); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_maxLate = 0;
    qint64 m_phaseMax = 0;
};

bool wait(const std::function<bool()>& done, int timeoutMs, const char* what)
{
    if (QTest::qWaitFor(done, timeoutMs))
        return true;
    std::fprintf(stderr, "opd-bench: timed out waiting for %s\n", what);
    return false;
}

} // namespace

int runAppWaitingListBench(const QStringList& args)
{
    int rows = 10000;
    if (args.size() == 2 && args.at(0) == QStringLiteral("--rows"))
        rows = std::clamp(args.at(1).toInt(), 1, 9999 * 4);
    else if (!args.isEmpty()) {
        std::fprintf(stderr, "usage: opd-bench app-waiting-list [--rows N]\n");
        return 2;
    }
    testing::NatsServer server;
    if (!server.start()) {
        std::fprintf(stderr, "opd-bench: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    bus::ConnectionOptions options;
    options.servers = {server.url()};
    options.name = QStringLiteral("opd-bench-waiting-list");
    bus::Connection connection(options);
    connection.open();
    if (!wait([&] { return connection.state() == bus::Connection::State::Connected; }, 15000,
              "the connection"))
        return 1;

    // The desk's window with the list still empty (a signed-out session: the view only reads
    // the model it is given; its actions are not used here).
    app::Session session;
    auto model = std::make_unique<app::WaitingListModel>();
    auto view = std::make_unique<app::WaitingListView>(session, model.get());
    view->resize(1100, 700);
    view->show();
    QTest::qWait(500);
    const double empty = residentMiB();

    testing::WaitingListFeed feed(server.url(),
                                  testing::WaitingListFeed::makeVisits(rows, QDate::currentDate()));
    if (!feed.start()) {
        std::fprintf(stderr, "opd-bench: the waiting-list feed did not connect\n");
        return 1;
    }
    const double withFeed = residentMiB();

    // The live model on the bus, in the view: snapshot, then the events.
    LatenessProbe probe;
    QElapsedTimer clock;
    clock.start();
    auto live = std::make_unique<app::WaitingListModel>(connection);
    auto liveView = std::make_unique<app::WaitingListView>(session, live.get());
    liveView->resize(1100, 700);
    liveView->show();
    view.reset();
    model.reset();
    if (!wait([&] { return live->rowCount() == feed.snapshotSize(); }, 30000, "the snapshot"))
        return 1;
    const qint64 snapshotMs = clock.elapsed();
    const qint64 snapshotLate = probe.phase();
    feed.publishRest();
    if (!wait([&] { return live->rowCount() == rows; }, 120000, "every row"))
        return 1;
    const qint64 allMs = clock.elapsed();
    const qint64 eventsLate = probe.phase();
    liveView->table()->scrollToBottom();
    QTest::qWait(1500); // painted, and the waiting-time column refreshed over every row
    const double full = residentMiB();
    const qint64 shownLate = probe.phase();

    std::fprintf(stderr,
                 "# %d rows (%d by snapshot, %d by event, %d snapshot requests): snapshot shown "
                 "after %lld ms, all rows after %lld ms; VmRSS %.1f MiB empty, %.1f MiB with the "
                 "feed's test data, %.1f MiB with every row shown; GUI timer at most %lld ms late "
                 "(snapshot %lld, events %lld, then %lld)\n",
                 rows, feed.snapshotSize(), feed.published(), feed.snapshotsServed(),
                 static_cast<long long>(snapshotMs), static_cast<long long>(allMs), empty, withFeed,
                 full, static_cast<long long>(probe.maxLateMs()),
                 static_cast<long long>(snapshotLate), static_cast<long long>(eventsLate),
                 static_cast<long long>(shownLate));
    printJsonLine("app_waiting_list_rss_empty_mib", empty, "MiB");
    printJsonLine("app_waiting_list_rss_full_mib", full - (withFeed - empty), "MiB");
    printJsonLine("app_waiting_list_rows_mib", full - withFeed, "MiB");
    printJsonLine("app_waiting_list_load_ms", static_cast<double>(allMs), "ms", 0);
    printJsonLine("app_waiting_list_gui_max_late_ms", static_cast<double>(probe.maxLateMs()), "ms",
                  0);
    return feed.publishErrors() == 0 ? 0 : 1;
}

} // namespace openopd::bench
