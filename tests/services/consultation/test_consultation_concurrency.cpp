// Call next is atomic: two doctors (two connections) calling as fast as replies come, on 100
// waiting visits, call every visit exactly once — against one service instance (SQLite), and
// against two instances sharing one PostgreSQL database. Waits are longer under a sanitizer.

#include "bus/nats_library.h"
#include "consultation_harness.h"
#include "service/jetstream_probe.h"
#include "support/postgres_server.h"
#include "support/sanitizer_scale.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;

namespace {

constexpr int kVisits = 100;

// One doctor calling next until the queue is empty, one request at a time.
class Doctor
{
public:
    Doctor(bus::Connection& connection, StaffRef staff)
        : m_connection(connection), m_staff(std::move(staff))
    {}

    void start() { callNext(); }
    bool finished() const { return m_finished; }
    const QStringList& called() const { return m_called; }
    const QStringList& errors() const { return m_errors; }

private:
    void callNext()
    {
        bus::request(m_connection, kCallNext,
                     {m_staff, QStringLiteral("general"), QStringLiteral("Room ") + m_staff.id},
                     &m_context, [this](bus::Result<CallNextReply> reply) {
                         if (!reply) {
                             m_errors.append(reply.error().toString());
                             m_finished = true;
                             return;
                         }
                         if (!reply->entry) {
                             m_finished = true; // nobody waiting any more
                             return;
                         }
                         if (reply->entry->calledBy != std::optional<StaffRef>(m_staff))
                             m_errors.append(QStringLiteral("called_by is not me"));
                         m_called.append(reply->entry->visitId);
                         callNext();
                     });
    }

    bus::Connection& m_connection;
    StaffRef m_staff;
    QObject m_context;
    QStringList m_called;
    QStringList m_errors;
    bool m_finished = false;
};

} // namespace

class TestConsultationConcurrency : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;

    // Publishes kVisits visits, waits until all are queued, lets two doctors on two
    // connections call them all, and checks that each was called exactly once.
    void twoDoctorsCallEveryVisitOnce(ConsultationEnvironment& env)
    {
        QSet<QString> published;
        for (int token = 1; token <= kVisits; ++token) {
            const Priority priority = token % 7 == 0   ? Priority::Emergency
                                      : token % 3 == 0 ? Priority::Urgent
                                                       : Priority::Normal;
            const Visit visit = makeVisit(token, priority);
            QVERIFY(publishEvent(*env.client, kVisitRegistered, registeredEvent(visit)));
            published.insert(visit.id);
        }
        QTRY_COMPARE_WITH_TIMEOUT(queueOf(*env.client, {}, false).size(), kVisits,
                                  scaledTimeout(30000));

        auto connectionA = connectClient(env.nats.url());
        auto connectionB = connectClient(env.nats.url());
        QVERIFY(connectionA && connectionB);
        Doctor a(*connectionA, doctor(QStringLiteral("dr.a")));
        Doctor b(*connectionB, doctor(QStringLiteral("dr.b")));
        QElapsedTimer timer;
        timer.start();
        a.start();
        b.start();
        QTRY_VERIFY_WITH_TIMEOUT(a.finished() && b.finished(), scaledTimeout(60000));
        const qint64 elapsed = timer.elapsed();
        QVERIFY2(a.errors().isEmpty(), qPrintable(a.errors().join(u'\n')));
        QVERIFY2(b.errors().isEmpty(), qPrintable(b.errors().join(u'\n')));

        const QStringList all = a.called() + b.called();
        const QSet<QString> distinct(all.cbegin(), all.cend());
        qInfo("dr.a called %lld, dr.b called %lld, in %lld ms", qlonglong(a.called().size()),
              qlonglong(b.called().size()), elapsed);
        QCOMPARE(all.size(), kVisits); // no visit called twice ...
        QCOMPARE(distinct.size(), kVisits);
        QCOMPARE(distinct, published); // ... and every visit called
        QVERIFY(!a.called().isEmpty() && !b.called().isEmpty());

        // The service's view agrees: every visit called, once, by the doctor that got it.
        const QList<QueueEntry> queue = queueOf(*env.client, {}, true);
        QCOMPARE(queue.size(), kVisits);
        for (const QueueEntry& entry : queue) {
            QCOMPARE(entry.state, VisitState::Called);
            const QString expected = a.called().contains(entry.visitId) ? QStringLiteral("dr.a")
                                                                        : QStringLiteral("dr.b");
            QCOMPARE(entry.calledBy->id, expected);
        }
        QTRY_COMPARE_WITH_TIMEOUT(streamCount(*env.client, QStringLiteral("OPD_EVENTS"),
                                              QString::fromLatin1(kVisitCalled.subject)),
                                  kVisits, scaledTimeout(15000));
    }

    // Requests answered by each consultation instance for call_next ($SRV.STATS).
    QList<qint64> callNextPerInstance(bus::Connection& client)
    {
        QList<qint64> counts;
        const QByteArray inbox = client.newInbox();
        QObject owner;
        client.subscribe(inbox, &owner, [&counts](const bus::Message& m) {
            const QJsonObject stats = QJsonDocument::fromJson(m.data).object();
            for (const QJsonValue& e : stats.value(QStringLiteral("endpoints")).toArray())
                if (e.toObject().value(QStringLiteral("subject")).toString().toUtf8() ==
                    QByteArray(kCallNext.subject))
                    counts.append(e.toObject().value(QStringLiteral("num_requests")).toInteger());
        });
        QTest::qWait(50);
        client.publish("$SRV.STATS.consultation", {}, {}, inbox);
        QTest::qWait(scaledTimeout(500)); // every instance answers
        return counts;
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
    }

    void oneInstance()
    {
        ConsultationEnvironment env;
        QVERIFY2(env.start(), qPrintable(env.errorString()));
        twoDoctorsCallEveryVisitOnce(env);
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << env.service->log();
    }

    void twoInstancesSharingPostgres()
    {
        if (PostgresServer::binDir().isEmpty())
            QSKIP("PostgreSQL is not installed");
        PostgresServer postgres;
        QVERIFY2(postgres.start(), qPrintable(postgres.errorString()));
        QVERIFY2(postgres.createDatabase(QStringLiteral("consultation_shared")),
                 qPrintable(postgres.errorString()));
        const QStringList db{QStringLiteral("--db"),
                             postgres.connectionUrl(QStringLiteral("consultation_shared"))};
        ConsultationEnvironment env;
        QVERIFY2(env.start(db), qPrintable(env.errorString()));
        QTemporaryDir secondDir;
        ServiceProcess second(QString::fromUtf8(kConsultationBin),
                              env.serviceArguments(secondDir.path()) + db);
        QVERIFY2(second.start(), qPrintable(second.log()));

        twoDoctorsCallEveryVisitOnce(env);
        // Both instances served call_next: the atomicity held across processes.
        const QList<qint64> perInstance = callNextPerInstance(*env.client);
        qInfo() << "call_next requests per instance:" << perInstance;
        QCOMPARE(perInstance.size(), 2);
        QVERIFY(perInstance.at(0) > 0 && perInstance.at(1) > 0);
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service logs:\n"
                                 << env.service->log() << "\n-----\n"
                                 << second.log();
    }
};

QTEST_GUILESS_MAIN(TestConsultationConcurrency)

#include "test_consultation_concurrency.moc"
