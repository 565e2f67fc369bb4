// Issue 12, backups: a secured clinic at work on SQLite is backed up online — the streams
// snapshotted, then every service's database copied while requests keep coming — and
// restored into fresh directories and a fresh nats-server. The restored clinic has every
// patient, visit and audit entry that existed before the backup, and its audit chain
// verifies. Sizes and times are printed (docs/backup.md quotes them).

#include "backup_support.h"
#include "bus/nats_library.h"
#include "flow_support.h"
#include "opd_cluster.h"
#include "protocol/audit_api.h"
#include "protocol/endpoints.h"
#include "protocol/registration_api.h"
#include "staff_desk.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::flow;
using namespace openopd::testing::backup;

namespace {

const QString kBackupUser = QStringLiteral("ops.backup");
const QByteArray kBackupPassword = QByteArrayLiteral("backup-user-password-for-the-test");
constexpr int kWaitMs = 60000;

QString streamsTool()
{
    return QStringLiteral(OPENOPD_STREAMS_BIN);
}

struct PatientRow
{
    int revision = 0;
    QString fullName;
};

} // namespace

class TestBackupClinic : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    QTemporaryDir m_backups;
    QTemporaryDir m_restored;
    std::unique_ptr<OpdCluster> m_source;
    std::unique_ptr<OpdCluster> m_target;
    StaffDesk m_sourceDesk;
    StaffDesk m_targetDesk;
    // What existed before the backup began.
    QHash<QString, PatientRow> m_patients;
    QHash<QString, QString> m_visits; // id -> state
    QList<AuditRecord> m_audit;
    QString m_latePatient; // registered after the stream snapshot, before the backups

    QString backupFile(const QString& service) const
    {
        return m_backups.filePath(service + u".backup");
    }
    QStringList streamsArguments(OpdCluster& cluster) const
    {
        return {QStringLiteral("--nats-url"), cluster.nats().url(), QStringLiteral("--user"),
                kBackupUser, QStringLiteral("--password-stdin")};
    }
    // Every audit record, page by page.
    std::optional<QList<AuditRecord>> allAudit(StaffDesk& desk)
    {
        QList<AuditRecord> records;
        AuditQueryRequest query;
        query.limit = 1000;
        for (;;) {
            auto page = call(desk, kAuditQuery, query, 20000);
            if (!page) {
                qWarning() << "audit query:" << page.error().toString();
                return std::nullopt;
            }
            records += page->records;
            if (!page->hasMore || page->records.isEmpty())
                return records;
            query.afterSeq = page->records.last().seq;
        }
    }
    // Patients and visits as registration's database holds them (read-only connection).
    bool readRegistration(const QString& file)
    {
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), u"reg-read"_qs);
            db.setDatabaseName(file);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            if (db.open()) {
                QSqlQuery query(db);
                ok = query.exec(QStringLiteral("SELECT id, revision, full_name FROM patients"));
                while (ok && query.next())
                    m_patients.insert(query.value(0).toString(),
                                      {query.value(1).toInt(), query.value(2).toString()});
                ok = ok && query.exec(QStringLiteral("SELECT id, state FROM visits"));
                while (ok && query.next())
                    m_visits.insert(query.value(0).toString(), query.value(1).toString());
            }
        }
        QSqlDatabase::removeDatabase(u"reg-read"_qs);
        return ok;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_library.emplace();
        QVERIFY(m_backups.isValid() && m_restored.isValid());
        m_source = std::make_unique<OpdCluster>();
        m_source->setSecured(true);
        QVERIFY2(m_source->startAll(true), qPrintable(m_source->errorString()));
        QVERIFY2(m_sourceDesk.open(*m_source), qPrintable(m_sourceDesk.errorString()));
    }

    void aClinicAtWork()
    {
        // New patients, visits moved along by the doctor, the pharmacy and the lab (the demo
        // morning), then a few more patients of our own with visits.
#ifdef OPD_DEMO_VISITS
        const ToolRun demo = runTool(QStringLiteral(OPD_DEMO_VISITS),
                                     {QStringLiteral("--server"), m_source->nats().url(),
                                      QStringLiteral("--password"), OpdCluster::demoPassword()});
        QVERIFY2(demo.exitCode == 0, qPrintable(demo.output));
#endif
        for (int i = 0; i < 12; ++i) {
            CreatePatientRequest create;
            create.staff = reception();
            create.patient = patientDetails(QStringLiteral("Backup Patient %1").arg(i),
                                            QDate(1970, 3, 1).addDays(i * 101),
                                            QStringLiteral("BK-%1").arg(i, 4, 10, QChar(u'0')));
            auto patient = call(m_sourceDesk, kCreatePatient, create);
            QVERIFY2(patient && patient->patient, qPrintable(describe(patient.error())));
            if (i % 2 == 0) {
                OpenVisitRequest open;
                open.staff = reception();
                open.patientId = patient->patient->id;
                open.queue = QStringLiteral("general");
                auto visit = call(m_sourceDesk, kOpenVisit, open);
                QVERIFY2(visit, qPrintable(describe(visit.error())));
            }
        }
        auto observer = m_source->connectClient();
        QVERIFY(observer);
        QVERIFY2(waitForQuiet(*observer, kWaitMs), "the clinic did not settle");

        QVERIFY(readRegistration(m_source->dataDir(QStringLiteral("registration")) +
                                 u"/registration.sqlite"));
        auto audit = allAudit(m_sourceDesk);
        QVERIFY(audit);
        m_audit = *audit;
        qInfo("before the backup: %lld patients, %lld visits, %lld audit records",
              qint64(m_patients.size()), qint64(m_visits.size()), qint64(m_audit.size()));
        QVERIFY(m_patients.size() >= 12);
        QVERIFY(m_visits.size() >= 6);
        QVERIFY(m_audit.size() >= 30);
    }

    void backUpOnlineWhileWorking()
    {
        QString error;
        QVERIFY2(addBackupUser(m_source->nats(), kBackupUser, kBackupPassword, &error),
                 qPrintable(error));
        // Reception keeps registering patients all through the backup.
        int sent = 0;
        int inFlight = 0;
        int createdDuring = 0;
        bool backingUp = true;
        QObject context;
        QTimer load;
        load.setInterval(20);
        connect(&load, &QTimer::timeout, &context, [&] {
            if (inFlight >= 4)
                return;
            CreatePatientRequest create;
            create.staff = reception();
            create.patient = patientDetails(QStringLiteral("Walk-in %1").arg(sent),
                                            QDate(1980, 1, 1).addDays(sent),
                                            QStringLiteral("WI-%1").arg(sent, 5, 10, QChar(u'0')));
            ++sent;
            ++inFlight;
            bus::request(m_sourceDesk.forSubject(kCreatePatient.subjectBytes()), kCreatePatient,
                         create, &context, [&](bus::Result<CreatePatientReply> reply) {
                             --inFlight;
                             if (reply && backingUp)
                                 ++createdDuring;
                         });
        });
        load.start();

        // The streams first, then the services (docs/backup.md: why this order).
        const ToolRun streams = runTool(streamsTool(),
                                        streamsArguments(*m_source)
                                            << QStringLiteral("--snapshot-to") << m_backups.path(),
                                        kBackupPassword + '\n');
        QVERIFY2(streams.exitCode == 0, qPrintable(streams.output));
        qInfo("streams snapshot: %lld ms, OPD_EVENTS %lld bytes, OPD_DLQ %lld bytes\n%s",
              streams.elapsedMs, fileSize(m_backups.filePath(u"OPD_EVENTS.jsbackup"_qs)),
              fileSize(m_backups.filePath(u"OPD_DLQ.jsbackup"_qs)), qPrintable(streams.output));
        // One patient for certain between the snapshot and registration's backup: its event
        // is not in the snapshot, its outbox row (sent) is in the backup.
        CreatePatientRequest late;
        late.staff = reception();
        late.patient = patientDetails(QStringLiteral("Walk-in after the snapshot"),
                                      QDate(1991, 9, 9), QStringLiteral("WI-LATE"));
        auto lateReply = call(m_sourceDesk, kCreatePatient, late);
        QVERIFY2(lateReply && lateReply->patient, qPrintable(describe(lateReply.error())));
        m_latePatient = lateReply->patient->id;
        AuditQueryRequest ofLate; // audited: its event is in the stream, its row marked sent
        ofLate.patientId = m_latePatient;
        QVERIFY(poll(
            [&] {
                auto records = call(m_sourceDesk, kAuditQuery, ofLate);
                return records && !records->records.isEmpty();
            },
            kWaitMs, 100));

        const QHash<QString, QString> executables = OpdCluster::defaultExecutables();
        for (const QString& service : m_source->services()) {
            QVERIFY2(m_source->isRunning(service), qPrintable(service));
            const ToolRun run = runTool(executables.value(service),
                                        {QStringLiteral("--data-dir"), m_source->dataDir(service),
                                         QStringLiteral("--backup-to"), backupFile(service)});
            QVERIFY2(run.exitCode == 0, qPrintable(service + u": " + run.output));
            qInfo("%s: backup %lld bytes in %lld ms", qPrintable(service),
                  fileSize(backupFile(service)), run.elapsedMs);
            QVERIFY2(m_source->isRunning(service), qPrintable(service + u" stopped"));
        }
        backingUp = false;
        load.stop();
        QVERIFY(QTest::qWaitFor([&] { return inFlight == 0; }, 20000));
        qInfo("patients registered while the backup ran: %d", createdDuring);
        QVERIFY2(createdDuring > 0, "no request was served during the backup");

        // The machine is gone.
        m_source->stopAll();
    }

    void restoreIntoFreshDirectories()
    {
        m_target = std::make_unique<OpdCluster>();
        m_target->setSecured(true);
        const QHash<QString, QString> executables = OpdCluster::defaultExecutables();
        for (const QString& service : m_target->services()) {
            const QString dir = m_restored.filePath(service);
            const ToolRun run = runTool(executables.value(service),
                                        {QStringLiteral("--data-dir"), dir,
                                         QStringLiteral("--restore-from"), backupFile(service)});
            QVERIFY2(run.exitCode == 0, qPrintable(service + u": " + run.output));
            qInfo("%s: restored in %lld ms", qPrintable(service), run.elapsedMs);
            m_target->setDataDir(service, dir);
        }
        QVERIFY2(m_target->startNats(), qPrintable(m_target->errorString()));
        QString error;
        QVERIFY2(addBackupUser(m_target->nats(), kBackupUser, kBackupPassword, &error),
                 qPrintable(error));
        // Before any service: a service creates empty streams at its start.
        const ToolRun streams = runTool(streamsTool(),
                                        streamsArguments(*m_target)
                                            << QStringLiteral("--restore-from") << m_backups.path(),
                                        kBackupPassword + '\n');
        QVERIFY2(streams.exitCode == 0, qPrintable(streams.output));
        qInfo("streams restore: %lld ms\n%s", streams.elapsedMs, qPrintable(streams.output));
        QVERIFY2(m_target->startAll(false), qPrintable(m_target->errorString()));
        // The restored identity service signs the demo staff in.
        QVERIFY2(m_targetDesk.open(*m_target), qPrintable(m_targetDesk.errorString()));
    }

    void everyPatientVisitAndAuditEntryIsBack()
    {
        QVERIFY2(m_target && m_targetDesk.isOpen(), "the restored clinic did not start");
        auto observer = m_target->connectClient();
        QVERIFY(observer);
        QVERIFY2(waitForQuiet(*observer, kWaitMs), "the restored clinic did not settle");
        QCOMPARE(streamMessages(*observer, QStringLiteral("OPD_DLQ")), qint64(0));

        QList<GetPatientRequest> patientRequests;
        for (auto it = m_patients.cbegin(); it != m_patients.cend(); ++it)
            patientRequests.append({it.key(), {}});
        const auto patients = callMany(m_targetDesk.forSubject(kGetPatient.subjectBytes()),
                                       kGetPatient, patientRequests);
        for (qsizetype i = 0; i < patients.size(); ++i) {
            const QString& id = patientRequests.at(i).patientId;
            QVERIFY2(patients.at(i) && *patients.at(i), qPrintable(u"patient missing: " + id));
            const Patient& patient = (*patients.at(i))->patient;
            QCOMPARE(patient.details.fullName, m_patients.value(id).fullName);
            QVERIFY(patient.revision >= m_patients.value(id).revision);
        }
        QList<GetVisitRequest> visitRequests;
        for (auto it = m_visits.cbegin(); it != m_visits.cend(); ++it) {
            GetVisitRequest get;
            get.visitId = it.key();
            visitRequests.append(get);
        }
        const auto visits =
            callMany(m_targetDesk.forSubject(kGetVisit.subjectBytes()), kGetVisit, visitRequests);
        for (qsizetype i = 0; i < visits.size(); ++i) {
            const QString& id = visitRequests.at(i).visitId;
            QVERIFY2(visits.at(i) && *visits.at(i), qPrintable(u"visit missing: " + id));
            QCOMPARE(toWire((*visits.at(i))->visit.state), m_visits.value(id));
        }

        auto audit = allAudit(m_targetDesk);
        QVERIFY(audit);
        QHash<qint64, AuditRecord> bySeq;
        for (const AuditRecord& record : std::as_const(*audit))
            bySeq.insert(record.seq, record);
        for (const AuditRecord& record : std::as_const(m_audit)) {
            QVERIFY2(bySeq.contains(record.seq),
                     qPrintable(u"audit record missing: " + QString::number(record.seq)));
            QCOMPARE(bySeq.value(record.seq), record);
        }
        auto verified = call(m_targetDesk, kAuditVerify, AuditVerifyRequest{}, 30000);
        QVERIFY2(verified, qPrintable(describe(verified.error())));
        QVERIFY2(verified->intact, qPrintable(verified->reason));
        QVERIFY(verified->checked >= m_audit.size());
        qInfo("restored: %lld patients, %lld visits, %lld audit records before the backup all "
              "found; the chain of %lld records verifies",
              qint64(m_patients.size()), qint64(m_visits.size()), qint64(m_audit.size()),
              verified->checked);
    }

    void eventsSentAfterTheSnapshotAreSentAgain()
    {
        QVERIFY2(m_target && m_targetDesk.isOpen(), "the restored clinic did not start");
        // Walk-ins registered between the stream snapshot and registration's backup are in
        // the restored database but their events were not in the snapshot: registration's
        // outbox reconciler publishes them again, so the audit log learns of every one.
        m_patients.clear();
        m_visits.clear();
        QVERIFY(readRegistration(m_target->dataDir(QStringLiteral("registration")) +
                                 u"/registration.sqlite"));
        int walkIns = 0;
        for (auto it = m_patients.cbegin(); it != m_patients.cend(); ++it) {
            if (!it->fullName.startsWith(u"Walk-in"))
                continue;
            ++walkIns;
            AuditQueryRequest query;
            query.patientId = it.key();
            QVERIFY2(poll(
                         [&] {
                             auto records = call(m_targetDesk, kAuditQuery, query);
                             return records && !records->records.isEmpty();
                         },
                         kWaitMs, 200),
                     qPrintable(u"no audit record of " + it->fullName));
        }
        qInfo("walk-ins in the restored registration, each audited: %d", walkIns);
        QVERIFY(m_patients.contains(m_latePatient));
        QVERIFY2(m_target->log(QStringLiteral("registration"))
                     .contains(u"events the stream no longer holds are published again"),
                 qPrintable(m_target->log(QStringLiteral("registration"))));
    }

    void aSecondStreamRestoreIsRefused()
    {
        QVERIFY2(m_target && m_targetDesk.isOpen(), "the restored clinic did not start");
        const ToolRun again = runTool(streamsTool(),
                                      streamsArguments(*m_target)
                                          << QStringLiteral("--restore-from") << m_backups.path(),
                                      kBackupPassword + '\n');
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.output.contains(u"OPD_EVENTS already exists"), qPrintable(again.output));
    }

    void cleanupTestCase()
    {
        if (m_target)
            m_target->stopAll();
        if (m_source)
            m_source->stopAll();
    }
};

QTEST_GUILESS_MAIN(TestBackupClinic)
#include "test_backup_clinic.moc"
