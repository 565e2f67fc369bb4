// Issue 4 acceptance, fault: no visit is lost or duplicated when services are down.
//  (a) consultation stopped while 50 visits are opened: once started, each is queued once;
//  (b) 1,000 visits through registration, consultation, pharmacy (every 10th) and discharge
//      while one service at a time is SIGKILLed at random moments (seeded; the seed is printed,
//      OPENOPD_FAULT_SEED repeats a schedule, OPENOPD_FAULT_VISITS changes the size) and
//      restarted; afterwards every service's lists, the stream's counts per subject and the
//      audit log agree: each visit exactly once everywhere.

#include "bus/nats_library.h"
#include "fault_run.h"
#include "flow_support.h"
#include "opd_cluster.h"
#include "staff_desk.h"
#include "support/sanitizer_scale.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::flow;

namespace {

QString subject(const char* s)
{
    return QString::fromLatin1(s);
}

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok ? value : fallback;
}

} // namespace

class TestOpdFaults : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<OpdCluster> m_cluster;
    std::unique_ptr<bus::Connection> m_client; // the test observer: streams
    std::unique_ptr<StaffDesk> m_desk;         // the staff, signed in; requests go out as them

    bus::Connection& client() { return *m_client; }

    // Creates a patient and opens a visit in queue; the visit (or nullopt on failure).
    std::optional<Visit> openVisit(const QString& name, const QString& nationalId,
                                   const QString& queue)
    {
        CreatePatientRequest create;
        create.staff = reception();
        create.patient = patientDetails(name, QDate(1990, 5, 17), nationalId);
        auto patient = call(*m_desk, kCreatePatient, create);
        if (!patient || !patient->created) {
            qWarning() << "create" << name << patient.error().toString();
            return std::nullopt;
        }
        OpenVisitRequest open;
        open.staff = reception();
        open.patientId = patient->patient->id;
        open.queue = queue;
        auto visit = call(*m_desk, kOpenVisit, open);
        if (!visit) {
            qWarning() << "open" << name << visit.error().toString();
            return std::nullopt;
        }
        return visit->visit;
    }

    QList<QueueEntry> doctorQueue(const QString& queue, bool* ok = nullptr)
    {
        auto reply = call(*m_desk, kDoctorQueue, DoctorQueueRequest{queue, true});
        if (ok)
            *ok = reply.ok();
        return reply ? reply->entries : QList<QueueEntry>{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
    }

    void init()
    {
        m_cluster = std::make_unique<OpdCluster>();
        m_cluster->setSecured(true); // accounts, identity, the auth agent: the shipped clinic
        QVERIFY2(m_cluster->startAll(/*seedDemo=*/true), qPrintable(m_cluster->errorString()));
        m_client = m_cluster->connectClient(QStringLiteral("opd-faults"));
        QVERIFY(m_client);
        m_desk = std::make_unique<StaffDesk>();
        QVERIFY2(m_desk->open(*m_cluster), qPrintable(m_desk->errorString()));
        QVERIFY2(waitForQuiet(client(), scaledTimeout(60000)), qPrintable(m_cluster->logTails()));
    }

    void cleanup()
    {
        if (QTest::currentTestFailed() && m_cluster)
            qWarning().noquote() << m_cluster->logTails(30);
        m_desk.reset();
        m_client.reset();
        m_cluster.reset();
    }

    void visitsOpenedWhileConsultationIsDownAreQueuedOnce()
    {
        const QString queue = QStringLiteral("offline");
        const qint64 registeredBefore =
            subjectCounts(client()).value(subject(kVisitRegistered.subject));
        QCOMPARE(m_cluster->terminate(QStringLiteral("consultation")), 0);
        QStringList opened;
        for (int i = 0; i < 50; ++i) {
            const auto visit = openVisit(QStringLiteral("Ama Offline %1").arg(i),
                                         QStringLiteral("OFF-%1").arg(i), queue);
            QVERIFY(visit.has_value());
            QCOMPARE(visit->token, i + 1);
            opened.append(visit->id);
        }
        WaitingListRequest waiting;
        waiting.queue = queue;
        auto list = call(*m_desk, kWaitingList, waiting);
        QVERIFY2(list, qPrintable(list.error().toString()));
        QCOMPARE(list->visits.size(), 50);
        // The events are durable while nobody consumes them.
        QVERIFY(poll(
            [&] {
                return subjectCounts(client()).value(subject(kVisitRegistered.subject)) ==
                       registeredBefore + 50;
            },
            20000));

        QVERIFY2(m_cluster->restart(QStringLiteral("consultation")),
                 qPrintable(m_cluster->errorString()));
        QList<QueueEntry> entries;
        QVERIFY2(poll([&] { return (entries = doctorQueue(queue)).size() >= 50; }, 30000),
                 qPrintable(QStringLiteral("%1 of 50 queued").arg(entries.size())));
        QVERIFY(waitForQuiet(client(), scaledTimeout(30000)));
        entries = doctorQueue(queue);
        QCOMPARE(entries.size(), 50);
        QStringList queued;
        for (qsizetype i = 0; i < entries.size(); ++i) {
            queued.append(entries.at(i).visitId);
            QCOMPARE(entries.at(i).token, static_cast<int>(i) + 1); // by token: all normal
            QCOMPARE(entries.at(i).state, VisitState::Registered);
        }
        QCOMPARE(QSet<QString>(queued.cbegin(), queued.cend()),
                 QSet<QString>(opened.cbegin(), opened.cend()));
    }

    void killsDuringAThousandVisitsLoseAndDuplicateNothing()
    {
        FaultRunSettings settings;
        settings.seed = static_cast<quint32>(envInt(
            "OPENOPD_FAULT_SEED", static_cast<int>(QRandomGenerator::global()->bounded(1 << 30))));
        // A fifth of the day under a sanitizer (issue 14): the same kills and checks, in time.
        settings.visits = envInt("OPENOPD_FAULT_VISITS", scaledCount(1000));
        qInfo().noquote() << "fault run: seed" << settings.seed
                          << "(OPENOPD_FAULT_SEED=" << settings.seed
                          << "repeats the kill schedule)," << settings.visits << "visits";
        // The drug with the most unexpired stock: every 10th visit takes one unit.
        FaultBaseline baseline;
        QString prepareError;
        QVERIFY2(prepareFaultDay(*m_desk, client(), settings, baseline, &prepareError),
                 qPrintable(prepareError));

        // Every lane's receptionist and doctor is a real account, signed in on its own
        // connection: the audit log must name them.
        for (const StaffRef& member : laneStaff(settings))
            if (!m_desk->memberIds().contains(member.id))
                QVERIFY2(m_desk->addMember(*m_cluster, member), qPrintable(m_desk->errorString()));
        FaultRun run(*m_cluster, *m_desk, settings);
        const bool ok = run.run();
        const FaultRunResult& r = run.result();
        qInfo().noquote() << "fault run: seed" << settings.seed << "-" << r.summary();
        for (const QString& kill : r.kills)
            qInfo().noquote() << "  " << kill;
        QVERIFY2(
            r.finished,
            qPrintable(
                QStringLiteral("seed %1, not finished: %2").arg(settings.seed).arg(r.summary())));
        QVERIFY2(ok, qPrintable(r.anomalies.join(u'\n')));
        QCOMPARE(r.visits.size(), settings.visits);
        QVERIFY2(waitForQuiet(client(), scaledTimeout(120000)), "the services never settled");

        QStringList problems =
            checkNothingLostOrDuplicated(*m_desk, client(), settings, r, baseline);
        qInfo().noquote() << "fault run: checked" << r.visits.size()
                          << "visits in registration's lists, the doctor's queues, patient "
                             "search, histories, pending prescriptions and releases, stock, "
                             "OPD_EVENTS per subject, OPD_DLQ and the audit log:"
                          << problems.size() << "problems";
        if (problems.size() > 40)
            problems = problems.mid(0, 40) << QStringLiteral("...");
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("seed %1:\n").arg(settings.seed) +
                                                problems.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestOpdFaults)
#include "test_opd_faults.moc"
