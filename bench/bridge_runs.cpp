#include "bridge_runs.h"

#include "bus/typed.h"

#include <QAbstractEventDispatcher>
#include <QEventLoop>
#include <QTimer>
#include <cstdio>
#include <functional>

namespace openopd::bench {
namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kLoopTimeout = std::chrono::seconds(120);

void runLoop(QEventLoop& loop, std::chrono::milliseconds timeout)
{
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

std::unique_ptr<bus::Connection> connectBridge(const QString& url)
{
    bus::ConnectionOptions options;
    options.servers = {url};
    options.name = QStringLiteral("opd-bench");
    auto connection = std::make_unique<bus::Connection>(options);
    QEventLoop loop;
    QObject::connect(connection.get(), &bus::Connection::stateChanged, &loop,
                     [&loop](bus::Connection::State state) {
                         if (state == bus::Connection::State::Connected ||
                             state == bus::Connection::State::Closed)
                             loop.quit();
                     });
    connection->open();
    runLoop(loop, kConnectTimeout);
    if (connection->state() == bus::Connection::State::Connected)
        return connection;
    std::fprintf(stderr, "opd-bench: bridge cannot connect to %s: %s\n", qPrintable(url),
                 qPrintable(connection->lastError().toString()));
    return nullptr;
}

bool bridgeRequestLoop(bus::Connection& connection, const QByteArray& payload, int warmup,
                       int count, std::vector<double>& samples)
{
    QEventLoop loop;
    QObject context;
    int done = 0;
    bool failed = false;
    Clock::time_point start;
    std::function<void()> issue = [&] {
        start = Clock::now();
        bus::request(connection, kEcho, payload, &context, [&](bus::Result<QByteArray> reply) {
            const auto end = Clock::now();
            if (!reply) {
                std::fprintf(stderr, "opd-bench: bridge request failed: %s\n",
                             qPrintable(reply.error().toString()));
                failed = true;
                loop.quit();
                return;
            }
            if (done >= warmup)
                samples.push_back(microseconds(end - start));
            if (++done == warmup + count)
                loop.quit();
            else
                issue();
        });
    };
    issue();
    runLoop(loop, kLoopTimeout);
    return !failed && done == warmup + count;
}

EventRun bridgeEventRun(bus::Connection& connection, natsConnection* publisher,
                        const std::string& subject, const QByteArray& payload, int count)
{
    EventRun run;
    QEventLoop loop;
    QObject owner;
    Clock::time_point last;
    bus::SubscriptionOptions options;
    options.capacity = count + 1;
    bus::Subscription* subscription = connection.subscribe(
        QByteArray::fromStdString(subject), &owner,
        [&](const bus::Message&) {
            if (++run.delivered != count)
                return;
            last = Clock::now();
            loop.quit();
        },
        options);
    // One round trip on the same connection: once it is answered, the server has our SUB.
    if (std::vector<double> ignored; !bridgeRequestLoop(connection, payload, 0, 1, ignored))
        return run;
    // How well the mailbox coalesces: one wake-up per message is the worst case.
    const auto awake =
        QObject::connect(QAbstractEventDispatcher::instance(), &QAbstractEventDispatcher::awake,
                         &owner, [&run] { ++run.wakeups; });
    const double cpuStart = processCpuMicroseconds();
    PublisherThread thread(publisher, subject, payload, count);
    runLoop(loop, kLoopTimeout);
    QObject::disconnect(awake);
    thread.join();
    run.cpuNsPerMessage = (processCpuMicroseconds() - cpuStart) * 1000 / count;
    if (run.delivered == count && thread.ok())
        setRate(run, thread, last, count);
    run.peakQueued = subscription->peakQueued();
    run.dropped = static_cast<long long>(subscription->dropped());
    delete subscription;
    return run;
}

} // namespace openopd::bench
