#include "bridge_bench.h"

#include "bridge_runs.h"
#include "json_lines.h"
#include "raw_nats.h"
#include "stats.h"
#include "support/nats_server.h"

#include <algorithm>
#include <cstdio>

namespace openopd::bench {
namespace {

struct Settings
{
    int warmup = 1000;
    int requests = 20000;
    int chunk = 1000; // raw and bridge requests alternate in chunks of this many
    int events = 200000;
    int rounds = 3; // each round measures both sides; each figure is the median over rounds
    QString only;   // "reqrep" or "events" to run just that part (profiling); empty: all
    // Without SendAsap each publish waits for nats.c's flusher thread (about 1 ms per round
    // trip here): fewer round trips keep the run short.
    int noAsapRequests() const { return std::min(requests, 2000); }
};

const QByteArray kPayload(16, 'x');

bool parse(const QStringList& args, Settings& settings)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == QStringLiteral("--quick")) {
            settings.warmup = 200;
            settings.requests = 2000;
            settings.chunk = 200;
            settings.events = 20000;
        } else if (arg == QStringLiteral("--rounds") && i + 1 < args.size()) {
            bool ok = false;
            settings.rounds = args.at(++i).toInt(&ok);
            if (!ok || settings.rounds < 1 || settings.rounds > 100)
                return false;
        } else if (arg == QStringLiteral("--only") && i + 1 < args.size()) {
            settings.only = args.at(++i);
            if (settings.only != QStringLiteral("reqrep") &&
                settings.only != QStringLiteral("events"))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

struct LatencyRuns
{
    std::vector<double> p50, p99;
    void add(const std::vector<double>& samples)
    {
        p50.push_back(percentile(samples, 50));
        p99.push_back(percentile(samples, 99));
    }
};

// One round: warm both sides up, then alternate chunks of raw and bridge round trips so a
// change in the machine's load hits both alike.
bool requestRound(const Settings& s, natsConnection* requester, bus::Connection& bridge,
                  LatencyRuns& raw, LatencyRuns& viaBridge)
{
    std::vector<double> rawSamples, bridgeSamples;
    if (!rawRequestLoop(requester, kEcho.subject, kPayload, s.warmup, 0, rawSamples) ||
        !bridgeRequestLoop(bridge, kPayload, s.warmup, 0, bridgeSamples))
        return false;
    for (int done = 0; done < s.requests; done += s.chunk) {
        const int n = std::min(s.chunk, s.requests - done);
        if (!rawRequestLoop(requester, kEcho.subject, kPayload, 0, n, rawSamples) ||
            !bridgeRequestLoop(bridge, kPayload, 0, n, bridgeSamples))
            return false;
    }
    raw.add(rawSamples);
    viaBridge.add(bridgeSamples);
    return true;
}

bool benchRequests(const Settings& s, const std::string& url, bus::Connection& bridge)
{
    const auto requester = connectRaw(url, true);
    if (!requester)
        return false;
    LatencyRuns raw, viaBridge;
    for (int round = 1; round <= s.rounds; ++round) {
        if (!requestRound(s, requester.get(), bridge, raw, viaBridge))
            return false;
        std::fprintf(
            stderr, "# reqrep round %d: raw p50 %.1f p99 %.1f us, bridge p50 %.1f p99 %.1f us\n",
            round, raw.p50.back(), raw.p99.back(), viaBridge.p50.back(), viaBridge.p99.back());
    }
    const double rawP50 = median(raw.p50), rawP99 = median(raw.p99);
    const double bridgeP50 = median(viaBridge.p50), bridgeP99 = median(viaBridge.p99);
    printJsonLine("reqrep_raw_p50_us", rawP50, "us");
    printJsonLine("reqrep_raw_p99_us", rawP99, "us");
    printJsonLine("reqrep_bridge_p50_us", bridgeP50, "us");
    printJsonLine("reqrep_bridge_p99_us", bridgeP99, "us");
    printJsonLine("reqrep_p50_ratio", ratio(bridgeP50, rawP50), "ratio", 3);
    printJsonLine("reqrep_p99_ratio", ratio(bridgeP99, rawP99), "ratio", 3);
    return true;
}

// Both ends without SendAsap: shows what ConnectionOptions::sendAsap saves.
bool benchRequestsWithoutAsap(const Settings& s, const std::string& url)
{
    static constexpr char kSubject[] = "opd.bench.echo_noasap";
    const auto responder = RawResponder::start(url, kSubject, false);
    const auto requester = connectRaw(url, false);
    if (!responder || !requester)
        return false;
    std::vector<double> samples;
    if (!rawRequestLoop(requester.get(), kSubject, kPayload, std::min(s.warmup, 100),
                        s.noAsapRequests(), samples))
        return false;
    printJsonLine("reqrep_raw_noasap_p50_us", percentile(samples, 50), "us");
    return true;
}

bool benchEvents(const Settings& s, const std::string& url, bus::Connection& bridge)
{
    const auto publisher = connectRaw(url, false);
    if (!publisher)
        return false;
    std::vector<double> raw, viaBridge, rawCpu, bridgeCpu;
    long long bridgeDropped = 0;
    for (int round = 1; round <= s.rounds; ++round) {
        const std::string prefix = "opd.bench.events." + std::to_string(round);
        const EventRun r = rawEventRun(url, publisher.get(), prefix + ".raw", kPayload, s.events);
        const EventRun b =
            bridgeEventRun(bridge, publisher.get(), prefix + ".bridge", kPayload, s.events);
        std::fprintf(stderr,
                     "# events round %d: raw %.0f/s (%lld delivered, %lld dropped; published "
                     "in %.0f ms, last delivery at %.0f ms; %.0f ns CPU/msg)\n",
                     round, r.perSecond, r.delivered, r.dropped, r.publishMs, r.lastMs,
                     r.cpuNsPerMessage);
        std::fprintf(stderr,
                     "#   bridge %.0f/s (%lld delivered, %lld dropped; published in %.0f ms, "
                     "last delivery at %.0f ms; %.0f ns CPU/msg; %lld wake-ups, peak queue %lld)\n",
                     b.perSecond, b.delivered, b.dropped, b.publishMs, b.lastMs, b.cpuNsPerMessage,
                     b.wakeups, b.peakQueued);
        if (r.perSecond <= 0 || b.perSecond <= 0)
            return false;
        raw.push_back(r.perSecond);
        viaBridge.push_back(b.perSecond);
        rawCpu.push_back(r.cpuNsPerMessage);
        bridgeCpu.push_back(b.cpuNsPerMessage);
        bridgeDropped += b.dropped;
    }
    printJsonLine("events_raw_per_s", median(raw), "msg/s", 0);
    printJsonLine("events_bridge_per_s", median(viaBridge), "msg/s", 0);
    printJsonLine("events_bridge_dropped", static_cast<double>(bridgeDropped), "messages", 0);
    printJsonLine("events_ratio", ratio(median(viaBridge), median(raw)), "ratio", 3);
    printJsonLine("events_raw_cpu_ns_per_msg", median(rawCpu), "ns", 0);
    printJsonLine("events_bridge_cpu_ns_per_msg", median(bridgeCpu), "ns", 0);
    return true;
}

} // namespace

int runBridgeBench(const QStringList& args)
{
    Settings settings;
    if (!parse(args, settings)) {
        std::fprintf(stderr,
                     "usage: opd-bench bridge [--quick] [--rounds N] [--only reqrep|events]\n");
        return 2;
    }
    testing::NatsServer server;
    if (!server.start()) {
        std::fprintf(stderr, "opd-bench: cannot start nats-server: %s\n",
                     qPrintable(server.errorString()));
        return 1;
    }
    const std::string url = server.url().toStdString();
    const auto responder = RawResponder::start(url, kEcho.subject, true);
    const auto bridge = connectBridge(server.url());
    if (!responder || !bridge)
        return 1;
    std::fprintf(stderr, "# nats-server %s; %d requests (+%d warm-up), %d events, %d rounds\n",
                 qPrintable(server.url()), settings.requests, settings.warmup, settings.events,
                 settings.rounds);
    const bool requests = settings.only != QStringLiteral("events");
    const bool events = settings.only != QStringLiteral("reqrep");
    if ((requests && !benchRequests(settings, url, *bridge)) ||
        (requests && !benchRequestsWithoutAsap(settings, url)) ||
        (events && !benchEvents(settings, url, *bridge))) {
        std::fprintf(stderr, "opd-bench: a measurement failed\n");
        return 1;
    }
    return 0;
}

} // namespace openopd::bench
