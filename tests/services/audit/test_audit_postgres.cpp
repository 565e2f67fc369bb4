// The audit service on PostgreSQL (a throw-away server): records chain and verify; the
// migration's trigger refuses UPDATE, DELETE and TRUNCATE for any client; a superuser who
// disables the trigger and edits a row is still caught by verify at that record.

#include "audit_events.h"
#include "bus/nats_library.h"
#include "discharge_fixture.h"
#include "support/postgres_server.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::audit;

class TestAuditPostgres : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    std::unique_ptr<ServiceEnvironment> m_env;

    bus::Connection& client() { return *m_env->client; }
    bool exec(const QString& sql, QString* error = nullptr)
    {
        QSqlQuery query(QSqlDatabase::database(QStringLiteral("intruder")));
        const bool ok = query.exec(sql);
        if (error)
            *error = query.lastError().text();
        return ok;
    }
    AuditVerifyReply verify()
    {
        const auto reply = call(client(), kAuditVerify, AuditVerifyRequest{});
        return reply ? reply.value() : AuditVerifyReply{};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("audit_pg")),
                 qPrintable(m_postgres.errorString()));
        m_env = std::make_unique<ServiceEnvironment>(QStringLiteral(OPENOPD_AUDIT_BIN),
                                                     QStringLiteral("audit"));
        QVERIFY2(m_env->start({QStringLiteral("--db"),
                               m_postgres.connectionUrl(QStringLiteral("audit_pg"))}),
                 qPrintable(m_env->errorString()));
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("intruder"));
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_postgres.port());
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(QStringLiteral("audit_pg"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
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

    void recordsChainAndVerify()
    {
        QList<PublishedEvent> published;
        for (int i = 0; i < 5; ++i) {
            const auto event =
                publishAny(client(), kVisitRegistered.subjectBytes(), discharge::receptionist(),
                           newId(), eventTime(i), discharge::newVisit(i + 1).toJson());
            QVERIFY(event.has_value());
            published.append(*event);
        }
        QTRY_COMPARE_WITH_TIMEOUT(allRecords(client()).size(), 5, 15000);
        const QList<AuditRecord> records = allRecords(client());
        for (qsizetype i = 0; i < records.size(); ++i) {
            QCOMPARE(records.at(i).eventId, published.at(i).event.id);
            QVERIFY(records.at(i).linksTo(i == 0 ? auditGenesisHash() : records.at(i - 1).hash));
        }
        const AuditVerifyReply reply = verify();
        QVERIFY2(reply.intact, qPrintable(reply.reason));
        QCOMPARE(reply.checked, qint64(5));
    }

    void triggersRefuseChanges()
    {
        QString error;
        QVERIFY(
            !exec(QStringLiteral("UPDATE audit_log SET actor_name = 'x' WHERE seq = 2"), &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(!exec(QStringLiteral("DELETE FROM audit_log WHERE seq = 5"), &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(!exec(QStringLiteral("TRUNCATE audit_log"), &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(verify().intact);
    }

    void superuserTamperingIsCaught()
    {
        QVERIFY(exec(QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER")));
        QVERIFY(exec(QStringLiteral("UPDATE audit_log SET at = '2024-05-06T07:00:00.000Z' "
                                    "WHERE seq = 3")));
        const AuditVerifyReply reply = verify();
        QVERIFY(!reply.intact);
        QCOMPARE(reply.firstBrokenSeq.value_or(0), qint64(3));
        QVERIFY2(reply.reason.startsWith(QStringLiteral("hash mismatch")),
                 qPrintable(reply.reason));
    }
};

QTEST_GUILESS_MAIN(TestAuditPostgres)
#include "test_audit_postgres.moc"
