// The audit service as a real process on a real nats-server (SQLite): every event becomes one
// hash-chained record in order (work-list events are acknowledged, not recorded); a replayed
// event is not recorded twice; queries by patient, staff and time range with paging; verify;
// the table refuses UPDATE/DELETE; tampering done directly on the database file is reported at
// the exact record.

#include "audit_events.h"
#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "service/jetstream_probe.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::audit;
using namespace openopd::testing::discharge;

class TestAuditLog : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<ServiceEnvironment> m_env;
    QList<PublishedEvent> m_published; // in publishing order
    QString m_patientA = newId();
    QString m_patientB = newId();

    bus::Connection& client() { return *m_env->client; }
    AuditVerifyReply verify(AuditVerifyRequest request = {})
    {
        const auto reply = call(client(), kAuditVerify, request);
        if (!reply)
            qWarning().noquote() << reply.error().toString();
        return reply ? reply.value() : AuditVerifyReply{};
    }
    QList<AuditRecord> query(AuditQueryRequest request)
    {
        const auto reply = call(client(), kAuditQuery, request);
        return reply ? reply->records : QList<AuditRecord>{};
    }
    // Runs SQL on the service's SQLite file from this process (as an intruder would).
    bool tamper(const QString& sql, QString* error = nullptr)
    {
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("intruder"));
        QSqlQuery query(db);
        const bool ok = query.exec(sql);
        if (error)
            *error = query.lastError().text();
        return ok;
    }
    void publishOne(const QByteArray& subject, const StaffRef& actor, const QString& patient,
                    int minute, const QJsonObject& payload = {})
    {
        const auto published =
            publishAny(client(), subject, actor, patient, eventTime(minute), payload);
        QVERIFY(published.has_value());
        m_published.append(*published);
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_AUDIT_BIN),
                                                     QStringLiteral("audit"));
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_env->service->log();
    }
    void cleanupTestCase()
    {
        QSqlDatabase::removeDatabase(QStringLiteral("intruder"));
        QCOMPARE(m_env->service->terminate(), 0);
        m_env.reset();
    }

    void everyEventIsRecordedInOrder()
    {
        const Visit visit = newVisit(1);
        const Consultation c = consultation(visit, Disposition::ToPharmacy);
        publishOne(kPatientRegistered.subjectBytes(), receptionist(), m_patientA, 0);
        publishOne(kVisitRegistered.subjectBytes(), receptionist(), m_patientA, 1, visit.toJson());
        publishOne(kVisitCalled.subjectBytes(), doctor(), m_patientA, 2,
                   statusChange(visit, VisitState::Called).toJson());
        publishOne(kStockReceived.subjectBytes(), pharmacist(), {}, 3);
        publishOne(kVisitConsulted.subjectBytes(), doctor(), m_patientA, 4, c.toJson());
        publishOne(kPatientRegistered.subjectBytes(), receptionist(), m_patientB, 5);
        publishOne(kVisitDispensed.subjectBytes(), pharmacist(), m_patientA, 6,
                   dispense(c).toJson());
        publishOne(kLabSampleCollected.subjectBytes(), labTechnician(), m_patientB, 7);
        publishOne(kLabResulted.subjectBytes(), labTechnician(), m_patientB, 8);
        publishOne(kStockLow.subjectBytes(), pharmacist(), {}, 9);
        publishOne(kVisitDischarged.subjectBytes(), doctor(), m_patientA, 10);
        publishOne(kVisitCancelled.subjectBytes(), receptionist(), m_patientB, 11);
        const qsizetype n = m_published.size();

        QTRY_COMPARE_WITH_TIMEOUT(allRecords(client()).size(), n, 15000);
        const QList<AuditRecord> records = allRecords(client());
        QString previous = auditGenesisHash();
        for (qsizetype i = 0; i < n; ++i) {
            const AuditRecord& r = records.at(i);
            const PublishedEvent& e = m_published.at(i);
            QCOMPARE(r.seq, qint64(i + 1));
            QCOMPARE(r.eventId, e.event.id);
            QCOMPARE(r.subject, QString::fromUtf8(e.subject));
            QCOMPARE(r.actor, e.event.actor);
            QCOMPARE(r.at, e.event.occurredAt);
            QCOMPARE(r.patientId, e.event.patientId);
            QCOMPARE(r.payloadHash, sha256Hex(e.body));
            QCOMPARE(r.prevHash, previous);
            QCOMPARE(r.hash, r.computeHash());
            QVERIFY(r.linksTo(previous));
            previous = r.hash;
        }
    }

    void aRepeatedEventIsNotRecordedTwice()
    {
        const qsizetype before = allRecords(client()).size();
        const PublishedEvent& replayed = m_published.at(3);
        // Same message id: the stream drops it.
        const auto same =
            publishBytes(client(), replayed.subject, replayed.body, replayed.event.id.toUtf8());
        QVERIFY(same && same->duplicate);
        // Another message id (a replay after the duplicate window): stored, not recorded.
        const auto other = publishBytes(client(), replayed.subject, replayed.body, "replay-1");
        QVERIFY(other && !other->duplicate);
        publishOne(kVisitLeftUnseen.subjectBytes(), receptionist(), m_patientB, 12);
        QTRY_COMPARE_WITH_TIMEOUT(allRecords(client()).size(), before + 1, 15000);
        QTest::qWait(300);
        const QList<AuditRecord> records = allRecords(client());
        QCOMPARE(records.size(), before + 1);
        QCOMPARE(records.constLast().eventId, m_published.constLast().event.id);
        QVERIFY(m_env->service->log().contains(QStringLiteral("is already in the log")));
    }

    // Work-list events repeat facts the other events record: acknowledged at once, not
    // recorded, never retried or dead-lettered.
    void workListEventsAreAcknowledgedNotRecorded()
    {
        const qsizetype before = allRecords(client()).size();
        const Visit visit = newVisit(7);
        const ListChange<PendingRelease> change{
            visit.id, visit.patientId, ListChangeKind::Removed, {}};
        QVERIFY(publishEvent(client(), kReleaseListChanged,
                             envelope(kReleaseListChanged, change, doctor())));
        publishOne(kVisitLeftUnseen.subjectBytes(), receptionist(), m_patientB, 13);
        QTRY_COMPARE_WITH_TIMEOUT(allRecords(client()).size(), before + 1, 15000);
        QCOMPARE(allRecords(client()).constLast().eventId, m_published.constLast().event.id);
        const auto consumer = [this] {
            return jetStreamQuery(client(), "CONSUMER.INFO.OPD_EVENTS.audit-log");
        };
        QTRY_COMPARE_WITH_TIMEOUT(consumer().value(QStringLiteral("num_ack_pending")).toInt(-1), 0,
                                  15000);
        QCOMPARE(consumer().value(QStringLiteral("num_redelivered")).toInt(-1), 0);
    }

    void queryByPatientStaffAndTime()
    {
        auto expected = [this](auto keep) {
            QStringList ids;
            for (const PublishedEvent& e : std::as_const(m_published))
                if (keep(e.event))
                    ids.append(e.event.id);
            return ids;
        };
        auto ids = [](const QList<AuditRecord>& records) {
            QStringList list;
            for (const AuditRecord& r : records)
                list.append(r.eventId);
            return list;
        };
        AuditQueryRequest byPatient;
        byPatient.patientId = m_patientA;
        QCOMPARE(ids(query(byPatient)),
                 expected([this](const AnyEvent& e) { return e.patientId == m_patientA; }));
        AuditQueryRequest byStaff;
        byStaff.staffId = doctor().id;
        QCOMPARE(ids(query(byStaff)),
                 expected([](const AnyEvent& e) { return e.actor.id == doctor().id; }));
        AuditQueryRequest byTime;
        byTime.from = eventTime(2);
        byTime.to = eventTime(5); // inclusive
        QCOMPARE(ids(query(byTime)), expected([](const AnyEvent& e) {
                     return e.occurredAt >= eventTime(2) && e.occurredAt <= eventTime(5);
                 }));
        QCOMPARE(ids(query(byTime)).size(), 4);
        AuditQueryRequest combined = byTime;
        combined.patientId = m_patientA;
        combined.staffId = doctor().id;
        QCOMPARE(ids(query(combined)).size(), 2); // called, consulted
        AuditQueryRequest nobody;
        nobody.patientId = newId();
        QVERIFY(query(nobody).isEmpty());

        // Paging: two at a time, has_more until the end, nothing lost or repeated.
        AuditQueryRequest page;
        page.limit = 2;
        QStringList paged;
        for (int guard = 0; guard < 100; ++guard) {
            const auto reply = call(client(), kAuditQuery, page);
            QVERIFY(reply.ok());
            QVERIFY(reply->records.size() <= 2);
            paged += ids(reply->records);
            if (!reply->hasMore)
                break;
            page.afterSeq = reply->records.constLast().seq;
        }
        QCOMPARE(paged, ids(allRecords(client())));
    }

    void verifyIntact()
    {
        const QList<AuditRecord> records = allRecords(client());
        const AuditVerifyReply all = verify();
        QVERIFY2(all.intact, qPrintable(all.reason));
        QCOMPARE(all.checked, qint64(records.size()));
        QCOMPARE(all.headSeq, records.constLast().seq);
        QCOMPARE(all.headHash, records.constLast().hash);
        QVERIFY(!all.firstBrokenSeq.has_value());
        AuditVerifyRequest range;
        range.fromSeq = 3;
        range.toSeq = 6;
        const AuditVerifyReply part = verify(range);
        QVERIFY(part.intact);
        QCOMPARE(part.checked, qint64(4));
    }

    void theTableIsAppendOnly()
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("intruder"));
        db.setDatabaseName(m_env->databasePath());
        QVERIFY(db.open());
        QVERIFY(tamper(QStringLiteral("PRAGMA busy_timeout = 5000")));
        QString error;
        QVERIFY(!tamper(QStringLiteral("UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 4"),
                        &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(!tamper(QStringLiteral("DELETE FROM audit_log WHERE seq = 4"), &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(verify().intact);
    }

    void tamperingIsReportedAtTheRecord()
    {
        const AuditRecord original = allRecords(client()).at(3); // seq 4
        QVERIFY(tamper(QStringLiteral("DROP TRIGGER audit_log_no_update")));
        QVERIFY(tamper(QStringLiteral("UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 4")));
        AuditVerifyReply reply = verify();
        QVERIFY(!reply.intact);
        QCOMPARE(reply.firstBrokenSeq.value_or(0), qint64(4));
        QVERIFY2(reply.reason.startsWith(QStringLiteral("hash mismatch")),
                 qPrintable(reply.reason));

        // The intruder also rewrites the record's hash: the next link breaks instead.
        AuditRecord forged = original;
        forged.actor.id = QStringLiteral("mallory");
        QVERIFY(tamper(QStringLiteral("UPDATE audit_log SET hash = '%1' WHERE seq = 4")
                           .arg(forged.computeHash())));
        reply = verify();
        QCOMPARE(reply.firstBrokenSeq.value_or(0), qint64(5));
        QVERIFY2(reply.reason.startsWith(QStringLiteral("previous-hash mismatch")),
                 qPrintable(reply.reason));

        // Put it back: intact again.
        QVERIFY(tamper(QStringLiteral("UPDATE audit_log SET actor_id = '%1', hash = '%2' "
                                      "WHERE seq = 4")
                           .arg(original.actor.id, original.hash)));
        QVERIFY(verify().intact);

        // A deleted record is a gap.
        QVERIFY(tamper(QStringLiteral("DROP TRIGGER audit_log_no_delete")));
        QVERIFY(tamper(QStringLiteral("DELETE FROM audit_log WHERE seq = 7")));
        reply = verify();
        QCOMPARE(reply.firstBrokenSeq.value_or(0), qint64(7));
        QVERIFY2(reply.reason.startsWith(QStringLiteral("gap")), qPrintable(reply.reason));

        // The stored event itself changed: payload_hash no longer matches.
        QVERIFY(tamper(QStringLiteral("UPDATE audit_log SET body = X'7B7D' WHERE seq = 2")));
        reply = verify();
        QCOMPARE(reply.firstBrokenSeq.value_or(0), qint64(2));
        QVERIFY2(reply.reason.startsWith(QStringLiteral("payload-hash mismatch")),
                 qPrintable(reply.reason));

        // The service keeps appending after the head.
        const qint64 head = reply.headSeq;
        publishOne(kStockAdjusted.subjectBytes(), pharmacist(), {}, 20);
        QTRY_COMPARE_WITH_TIMEOUT(verify().headSeq, head + 1, 15000);
        QCOMPARE(verify().firstBrokenSeq.value_or(0), qint64(2));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "test_audit_log.moc"
