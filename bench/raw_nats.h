#pragma once

// The raw nats.c side of `opd-bench bridge`: the baseline the bridge is measured against.
// Everything here uses nats.c directly (no Qt event loop): each connection has nats.c's
// default options except SendAsap, and each async subscription its own delivery thread.

#include <QByteArray>
#include <chrono>
#include <memory>
#include <nats/nats.h>
#include <string>
#include <thread>
#include <vector>

namespace openopd::bench {

using Clock = std::chrono::steady_clock;

double microseconds(Clock::duration duration);
// CPU time (user + system) used so far by all threads of this process, in microseconds.
double processCpuMicroseconds();

struct ConnectionDeleter
{
    void operator()(natsConnection* nc) const { natsConnection_Destroy(nc); }
};
using RawConnection = std::unique_ptr<natsConnection, ConnectionDeleter>;

// Null (and the reason on stderr) when the connection fails.
RawConnection connectRaw(const std::string& url, bool sendAsap);

// Echoes every request on subject back to its reply subject (natsConnection_Publish), on its
// own connection and on its subscription's delivery thread.
class RawResponder
{
public:
    static std::unique_ptr<RawResponder> start(const std::string& url, const char* subject,
                                               bool sendAsap);
    ~RawResponder();
    RawResponder(const RawResponder&) = delete;
    RawResponder& operator=(const RawResponder&) = delete;

private:
    RawResponder() = default;
    RawConnection m_nc;
    natsSubscription* m_sub = nullptr;
};

// warmup + count sequential natsConnection_Request round trips; appends the last count
// durations (microseconds) to samples. False when a request fails.
bool rawRequestLoop(natsConnection* nc, const char* subject, const QByteArray& payload, int warmup,
                    int count, std::vector<double>& samples);

// Publishes count copies of payload as fast as it can on its own thread, then flushes.
// startTime is taken just before the first publish; read it after join().
class PublisherThread
{
public:
    PublisherThread(natsConnection* nc, std::string subject, QByteArray payload, int count);
    ~PublisherThread();
    PublisherThread(const PublisherThread&) = delete;
    PublisherThread& operator=(const PublisherThread&) = delete;

    void join();
    Clock::time_point startTime() const { return m_start; }
    Clock::time_point endTime() const { return m_end; } // after the flush
    bool ok() const { return m_ok; }

private:
    Clock::time_point m_start, m_end;
    bool m_ok = true;
    std::thread m_thread;
};

struct EventRun
{
    long long delivered = 0;
    long long dropped = 0;
    double perSecond = 0;       // delivered / (first publish .. last delivery); 0 on failure
    double publishMs = 0;       // first publish .. publisher's flush returned
    double lastMs = 0;          // first publish .. last delivery
    double cpuNsPerMessage = 0; // this process (publisher + subscriber) during the run
    long long wakeups = 0;      // bridge only: times the main thread's event loop woke up
    long long peakQueued = 0;   // bridge only: most messages waiting for the main thread
};

// Fills the timing fields of run from a finished publisher and the last delivery.
void setRate(EventRun& run, const PublisherThread& thread, Clock::time_point last, int count);

// A raw async subscriber (own connection, unlimited pending) counts count messages sent by
// a PublisherThread on publisher.
EventRun rawEventRun(const std::string& url, natsConnection* publisher, const std::string& subject,
                     const QByteArray& payload, int count);

} // namespace openopd::bench
