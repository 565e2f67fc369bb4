#include "raw_nats.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace openopd::bench {
namespace {

constexpr int64_t kRequestTimeoutMs = 5000;
constexpr auto kEventTimeout = std::chrono::seconds(60);

bool check(natsStatus status, const char* what)
{
    if (status == NATS_OK)
        return true;
    std::fprintf(stderr, "opd-bench: %s: %s (%s)\n", what, natsStatus_GetText(status),
                 nats_GetLastError(nullptr));
    return false;
}

void echo(natsConnection* nc, natsSubscription*, natsMsg* msg, void*)
{
    if (const char* reply = natsMsg_GetReply(msg))
        natsConnection_Publish(nc, reply, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
}

// Shared by the subscriber's delivery thread (writer) and the measuring thread (reader).
struct EventCounter
{
    long long target = 0;
    std::atomic<long long> delivered{0};
    std::mutex mutex;
    std::condition_variable changed;
    Clock::time_point last; // guarded by mutex
    bool done = false;      // guarded by mutex: target reached
    bool complete = false;  // guarded by mutex: no callback can follow
};

void countEvent(natsConnection*, natsSubscription*, natsMsg* msg, void* closure)
{
    natsMsg_Destroy(msg);
    auto* counter = static_cast<EventCounter*>(closure);
    if (counter->delivered.fetch_add(1, std::memory_order_relaxed) + 1 != counter->target)
        return;
    const auto now = Clock::now();
    std::lock_guard lock(counter->mutex);
    counter->last = now;
    counter->done = true;
    counter->changed.notify_all();
}

void subscriptionComplete(void* closure)
{
    auto* counter = static_cast<EventCounter*>(closure);
    std::lock_guard lock(counter->mutex);
    counter->complete = true;
    counter->changed.notify_all();
}

} // namespace

double microseconds(Clock::duration duration)
{
    return std::chrono::duration<double, std::micro>(duration).count();
}

double processCpuMicroseconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

void setRate(EventRun& run, const PublisherThread& thread, Clock::time_point last, int count)
{
    run.publishMs = microseconds(thread.endTime() - thread.startTime()) / 1000;
    run.lastMs = microseconds(last - thread.startTime()) / 1000;
    run.perSecond = static_cast<double>(count) / (run.lastMs / 1000);
}

RawConnection connectRaw(const std::string& url, bool sendAsap)
{
    natsOptions* opts = nullptr;
    natsConnection* nc = nullptr;
    if (check(natsOptions_Create(&opts), "natsOptions_Create") &&
        check(natsOptions_SetURL(opts, url.c_str()), "natsOptions_SetURL") &&
        check(natsOptions_SetSendAsap(opts, sendAsap), "natsOptions_SetSendAsap"))
        check(natsConnection_Connect(&nc, opts), "natsConnection_Connect");
    natsOptions_Destroy(opts);
    return RawConnection(nc);
}

std::unique_ptr<RawResponder> RawResponder::start(const std::string& url, const char* subject,
                                                  bool sendAsap)
{
    std::unique_ptr<RawResponder> responder(new RawResponder);
    responder->m_nc = connectRaw(url, sendAsap);
    if (!responder->m_nc ||
        !check(natsConnection_Subscribe(&responder->m_sub, responder->m_nc.get(), subject, echo,
                                        nullptr),
               "responder subscribe") ||
        !check(natsConnection_Flush(responder->m_nc.get()), "responder flush"))
        return nullptr;
    return responder;
}

RawResponder::~RawResponder()
{
    if (m_sub != nullptr) {
        natsSubscription_Unsubscribe(m_sub);
        natsSubscription_Destroy(m_sub);
    }
}

bool rawRequestLoop(natsConnection* nc, const char* subject, const QByteArray& payload, int warmup,
                    int count, std::vector<double>& samples)
{
    const int size = static_cast<int>(payload.size());
    for (int i = 0; i < warmup + count; ++i) {
        natsMsg* reply = nullptr;
        const auto start = Clock::now();
        const natsStatus status = natsConnection_Request(&reply, nc, subject, payload.constData(),
                                                         size, kRequestTimeoutMs);
        const auto end = Clock::now();
        natsMsg_Destroy(reply);
        if (!check(status, "natsConnection_Request"))
            return false;
        if (i >= warmup)
            samples.push_back(microseconds(end - start));
    }
    return true;
}

PublisherThread::PublisherThread(natsConnection* nc, std::string subject, QByteArray payload,
                                 int count)
{
    m_thread = std::thread([this, nc, subject = std::move(subject), payload, count] {
        const int size = static_cast<int>(payload.size());
        m_start = Clock::now();
        for (int i = 0; i < count && m_ok; ++i)
            m_ok = check(natsConnection_Publish(nc, subject.c_str(), payload.constData(), size),
                         "natsConnection_Publish");
        m_ok = m_ok && check(natsConnection_FlushTimeout(nc, 60000), "publisher flush");
        m_end = Clock::now();
        nats_ReleaseThreadMemory();
    });
}

PublisherThread::~PublisherThread()
{
    join();
}

void PublisherThread::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

EventRun rawEventRun(const std::string& url, natsConnection* publisher, const std::string& subject,
                     const QByteArray& payload, int count)
{
    EventRun run;
    RawConnection nc = connectRaw(url, true);
    if (!nc)
        return run;
    EventCounter counter;
    counter.target = count;
    natsSubscription* sub = nullptr;
    if (!check(natsConnection_Subscribe(&sub, nc.get(), subject.c_str(), countEvent, &counter),
               "event subscribe"))
        return run;
    const bool ready = check(natsSubscription_SetOnCompleteCB(sub, subscriptionComplete, &counter),
                             "natsSubscription_SetOnCompleteCB") &&
                       check(natsSubscription_SetPendingLimits(sub, -1, -1), "pending limits") &&
                       check(natsConnection_Flush(nc.get()), "subscriber flush");
    if (ready) {
        const double cpuStart = processCpuMicroseconds();
        PublisherThread thread(publisher, subject, payload, count);
        {
            std::unique_lock lock(counter.mutex);
            counter.changed.wait_for(lock, kEventTimeout, [&] { return counter.done; });
        }
        thread.join();
        run.cpuNsPerMessage = (processCpuMicroseconds() - cpuStart) * 1000 / count;
        std::lock_guard lock(counter.mutex);
        if (counter.done && thread.ok())
            setRate(run, thread, counter.last, count);
    }
    run.delivered = counter.delivered.load();
    int64_t dropped = 0;
    natsSubscription_GetDropped(sub, &dropped);
    run.dropped = dropped;
    natsSubscription_Unsubscribe(sub);
    {
        // The counter lives on this stack: wait until nats.c promises no further callback.
        std::unique_lock lock(counter.mutex);
        counter.changed.wait_for(lock, std::chrono::seconds(10), [&] { return counter.complete; });
    }
    natsSubscription_Destroy(sub);
    return run;
}

} // namespace openopd::bench
