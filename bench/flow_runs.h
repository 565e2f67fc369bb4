#pragma once

// The measurements of `opd-bench flow`, each against services that are already running.
// All of them run the main thread's event loop while they wait.

#include "bus/connection.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace openopd::testing {
class OpdCluster;
}

namespace openopd::bench {

// The registration service alone on the cluster's nats-server (started here, unsecured), over
// patients generated patients (its --generate-patients): the database is generated once into
// cache/registration-<patients>/ and reused by later runs. Progress on stderr.
bool startSearchRegistration(testing::OpdCluster& cluster, qint64 patients, const QString& cache);

// Sequential samples: a new patient, then open-visit sent at t0 (queue "lat-<n>", so the
// doctor's queue holds just that visit) and, at the same moment, opd.consultation.queue.list
// for that queue polled back to back until the visit is listed: pollUs = t(listed) - t0. The
// consultation service's ack of visit.registered (its durable consumer consultation-queue
// acks after its commit) is watched on $JS.ACK.OPD_EVENTS.consultation-queue.>: ackUs =
// t(ack) - t0, when seen (empty if the consumer is named differently).
bool measureVisitToQueue(bus::Connection& client, int warmup, int samples,
                         std::vector<double>& pollUs, std::vector<double>& ackUs);

struct LoadFigures
{
    int clients = 0;
    long long pairs = 0;       // patient created + visit opened, both answered
    long long errors = 0;      // failed requests (counted, the client goes on)
    double issueSeconds = 0;   // first request .. last reply
    double durableSeconds = 0; // first request .. all their events stored in OPD_EVENTS
    double pairsPerSecond = 0; // pairs / durableSeconds
};

// How a pair is asked for: a create then an open-visit (the desk's two steps), or one create
// that carries the first visit (opd.registration.patient.create with "visit").
enum class PairRequests { Two, One };

// clients connections, each creating a patient and opening a visit for it, back to back, for
// seconds; then waits until every patient.registered and visit.registered event is in
// OPD_EVENTS (probe queries the stream). Client c connects to servers[c % servers.size()]
// only: on a cluster the reception desks are spread evenly over the nodes.
bool measureRegistrations(const QStringList& servers, bus::Connection& probe, int clients,
                          int seconds, LoadFigures& figures,
                          PairRequests requests = PairRequests::Two);

// Name searches as a receptionist types them (realistic prefixes of first names and
// surnames, with and without accents, any case), sequentially; microseconds per reply.
bool measureSearch(bus::Connection& client, int warmup, int queries, quint32 seed,
                   std::vector<double>& us, double* averageHits);

// count search texts: surname prefixes, first-name prefixes and "first surname-prefix".
QStringList searchTexts(int count, quint32 seed);

} // namespace openopd::bench
