// opd-bench flow: registrations under load and the open-visit -> doctor's queue latency.

#include "flow_runs.h"
#include "flow_support.h"

#include <QEventLoop>
#include <QRandomGenerator>
#include <QTimer>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

namespace openopd::bench {

using namespace protocol;
using Clock = std::chrono::steady_clock;

namespace {

double microseconds(Clock::duration d)
{
    return std::chrono::duration<double, std::micro>(d).count();
}

const StaffRef& receptionist()
{
    static const StaffRef staff{QStringLiteral("reception1"), QStringLiteral("Grace Mensah"),
                                StaffRole::Reception};
    return staff;
}

// A plausible new patient; confirm_duplicate so that a repeated name + birth date is created.
CreatePatientRequest newPatient(QRandomGenerator& random)
{
    static const char* const kFirst[] = {"Amara", "Kofi",  "Thandiwe", "José",  "María",
                                         "Chidi", "Ngozi", "Sipho",    "Priya", "Wei",
                                         "Elena", "Kwame", "Fatima",   "Søren", "Zoë"};
    static const char* const kLast[] = {"Mensah",  "Okafor",  "Nkosi",  "García",  "Silva",
                                        "Dlamini", "Patel",   "Müller", "Núñez",   "Osei",
                                        "Khumalo", "Ivanova", "Côté",   "Boateng", "Moyo"};
    CreatePatientRequest request;
    request.staff = receptionist();
    request.confirmDuplicate = true;
    request.patient.fullName = QString::fromUtf8(kFirst[random.bounded(15)]) + u' ' +
                               QString::fromUtf8(kLast[random.bounded(15)]);
    request.patient.dateOfBirth = QDate(1940, 1, 1).addDays(random.bounded(30000));
    request.patient.sex = random.bounded(2) ? Sex::Female : Sex::Male;
    request.patient.phone =
        QStringLiteral("+27 82 %1").arg(random.bounded(10000000), 7, 10, QLatin1Char('0'));
    return request;
}

void runLoopFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

bool measureVisitToQueue(bus::Connection& client, int warmup, int samples,
                         std::vector<double>& pollUs, std::vector<double>& ackUs)
{
    QObject context;
    bool armed = false;
    std::optional<Clock::time_point> ackAt;
    client.subscribe("$JS.ACK.OPD_EVENTS.consultation-queue.>", &context,
                     [&](const bus::Message& m) {
                         if (armed && !ackAt && (m.data.isEmpty() || m.data.startsWith("+ACK")))
                             ackAt = Clock::now();
                     });
    runLoopFor(100); // the subscription reaches the server
    QRandomGenerator random(42);
    for (int n = 0; n < warmup + samples; ++n) {
        auto patient = testing::flow::call(client, kCreatePatient, newPatient(random));
        if (!patient || !patient->patient) {
            std::fprintf(stderr, "opd-bench: create patient failed: %s\n",
                         qPrintable(patient.error().toString()));
            return false;
        }
        runLoopFor(5); // its event passes by first
        OpenVisitRequest open;
        open.staff = receptionist();
        open.patientId = patient->patient->id;
        open.queue = QStringLiteral("lat-%1").arg(n);
        DoctorQueueRequest list;
        list.queue = open.queue;
        list.includeCalled = false;

        QEventLoop loop;
        QObject sample;
        std::optional<Clock::time_point> listedAt;
        QString failure;
        std::function<void()> pollQueue = [&] {
            bus::request(client, kDoctorQueue, list, &sample, [&](bus::Result<DoctorQueueReply> r) {
                if (!r) {
                    failure = r.error().toString();
                    return loop.quit();
                }
                if (r->entries.isEmpty())
                    return pollQueue();
                listedAt = Clock::now();
                if (ackAt)
                    return loop.quit();
                QTimer::singleShot(1000, &loop, &QEventLoop::quit); // no ack seen
            });
        };
        ackAt.reset();
        armed = true;
        const auto t0 = Clock::now();
        bus::request(client, kOpenVisit, open, &sample, [&](bus::Result<VisitReply> r) {
            if (!r) {
                failure = r.error().toString();
                loop.quit();
            }
        });
        pollQueue();
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        armed = false;
        if (!failure.isEmpty() || !listedAt) {
            std::fprintf(stderr, "opd-bench: visit %d never reached the queue: %s\n", n,
                         qPrintable(failure.isEmpty() ? QStringLiteral("timeout") : failure));
            return false;
        }
        if (n < warmup)
            continue;
        pollUs.push_back(microseconds(*listedAt - t0));
        if (ackAt)
            ackUs.push_back(microseconds(*ackAt - t0));
    }
    return true;
}

bool measureRegistrations(const QStringList& servers, bus::Connection& probe, int clients,
                          int seconds, LoadFigures& figures, PairRequests requests)
{
    struct Client
    {
        std::unique_ptr<bus::Connection> bus;
        int id = 0;
        long long pairs = 0;
        long long patients = 0;
        long long errors = 0;
        bool stopped = false;
    };
    if (servers.isEmpty())
        return false;
    const QString patientSubject = QString::fromLatin1(kPatientRegistered.subject);
    const QString visitSubject = QString::fromLatin1(kVisitRegistered.subject);
    const QHash<QString, qint64> before = testing::flow::subjectCounts(probe);

    std::vector<Client> pool(static_cast<size_t>(clients));
    for (int c = 0; c < clients; ++c) {
        bus::ConnectionOptions options;
        options.servers = {servers.at(c % servers.size())};
        options.name = QStringLiteral("opd-bench-reception-%1").arg(c);
        pool[static_cast<size_t>(c)].bus = std::make_unique<bus::Connection>(options);
        pool[static_cast<size_t>(c)].bus->open();
        pool[static_cast<size_t>(c)].id = c;
    }
    if (!testing::flow::poll(
            [&] {
                for (const Client& c : pool)
                    if (c.bus->state() != bus::Connection::State::Connected)
                        return false;
                return true;
            },
            10000, 10)) {
        std::fprintf(stderr, "opd-bench: load clients cannot connect\n");
        return false;
    }

    QEventLoop loop;
    QObject context;
    QRandomGenerator random(7);
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    int running = clients;
    Clock::time_point lastReply = start;
    std::function<void(Client*)> next = [&](Client* c) {
        if (Clock::now() >= deadline) {
            c->stopped = true;
            if (--running == 0)
                loop.quit();
            return;
        }
        // Tokens run to 9999 per queue and day: a new queue every 9000.
        const QString queue = QStringLiteral("load-%1-%2").arg(c->id).arg(c->pairs / 9000);
        if (requests == PairRequests::One) {
            CreatePatientRequest request = newPatient(random);
            request.visit = FirstVisit{queue, Priority::Normal, {}};
            bus::request(*c->bus, kCreatePatient, request, &context,
                         [&, c](bus::Result<CreatePatientReply> created) {
                             lastReply = Clock::now();
                             if (created && created->patient && created->visit) {
                                 ++c->patients;
                                 ++c->pairs;
                             } else {
                                 ++c->errors;
                             }
                             next(c);
                         });
            return;
        }
        bus::request(*c->bus, kCreatePatient, newPatient(random), &context,
                     [&, c, queue](bus::Result<CreatePatientReply> created) {
                         lastReply = Clock::now();
                         if (!created || !created->patient) {
                             ++c->errors;
                             return next(c);
                         }
                         ++c->patients;
                         OpenVisitRequest open;
                         open.staff = receptionist();
                         open.patientId = created->patient->id;
                         open.queue = queue;
                         bus::request(*c->bus, kOpenVisit, open, &context,
                                      [&, c](bus::Result<VisitReply> opened) {
                                          lastReply = Clock::now();
                                          if (opened)
                                              ++c->pairs;
                                          else
                                              ++c->errors;
                                          next(c);
                                      });
                     });
    };
    for (Client& c : pool)
        next(&c);
    QTimer::singleShot((seconds + 60) * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    if (running > 0) {
        std::fprintf(stderr, "opd-bench: load clients did not finish\n");
        return false;
    }

    figures = {};
    figures.clients = clients;
    long long patients = 0;
    for (const Client& c : pool) {
        figures.pairs += c.pairs;
        figures.errors += c.errors;
        patients += c.patients;
    }
    figures.issueSeconds = std::chrono::duration<double>(lastReply - start).count();
    // Sustained means durable: wait until every event is stored in the stream.
    const bool durable = testing::flow::poll(
        [&] {
            const QHash<QString, qint64> now = testing::flow::subjectCounts(probe);
            return now.value(patientSubject) - before.value(patientSubject) >= patients &&
                   now.value(visitSubject) - before.value(visitSubject) >= figures.pairs;
        },
        120000, 5);
    figures.durableSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!durable) {
        std::fprintf(stderr,
                     "opd-bench: the events of the load run never all reached OPD_EVENTS\n");
        return false;
    }
    figures.pairsPerSecond = figures.durableSeconds > 0
                                 ? static_cast<double>(figures.pairs) / figures.durableSeconds
                                 : 0;
    return true;
}

} // namespace openopd::bench
