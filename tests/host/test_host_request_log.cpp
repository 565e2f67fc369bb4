// The request log (host/request_log.h) on SQLite and on a real PostgreSQL server: a command's
// request id is claimed in the same savepoint as its effect and its answer stored in the same
// group; an undone step or a rolled-back group leaves no claim; a second step of the same
// command does not claim twice; the sweep deletes old rows in batches; and (PostgreSQL) a
// second instance claiming the same id while the first holds it uncommitted waits, then
// finds the first's answer and never runs its work.

#include "host/host_schema.h"
#include "host/migrations.h"
#include "host/request_log.h"
#include "host/sql_dialect.h"
#include "host_db_util.h"
#include "protocol/endpoints.h"

#include <QTemporaryDir>
#include <atomic>
#include <thread>

using namespace Qt::StringLiterals;
using namespace openopd;
using namespace openopd::testing;
using host::Database;
using host::RequestLog;

namespace {

const QByteArray kSubject = "test.note.add";

int rows(Database& db, const QString& table)
{
    QString error;
    auto query = db.run(u"SELECT COUNT(*) FROM "_s + table, {}, &error);
    return query && query->next() ? query->value(0).toInt() : -1;
}

// The effect of the test command: one row in notes.
Database::Work addNote(Database& db, const QString& id)
{
    return [&db, id](QSqlDatabase&, QString* error) {
        return db.run(u"INSERT INTO notes (id) VALUES (?)"_s, {id}, error).has_value();
    };
}

std::optional<host::StoredAnswer> stored(RequestLog& log, const QByteArray& id)
{
    std::optional<host::StoredAnswer> found;
    QString error;
    if (!log.find(kSubject, id, &found, &error))
        qWarning().noquote() << error;
    return found;
}

} // namespace

class TestHostRequestLog : public QObject
{
    Q_OBJECT

    DbBackends m_backends;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_spec;
    std::unique_ptr<Database> m_db;

    std::unique_ptr<Database> open()
    {
        auto db = Database::open(m_spec, m_dir->path(), u"test"_s);
        if (!db) {
            qWarning().noquote() << db.error().toString();
            return nullptr;
        }
        return std::move(db).value();
    }

private Q_SLOTS:
    void initTestCase_data() { DbBackends::addRows(); }

    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backends.start(&error), qPrintable(error));
        m_dir = std::make_unique<QTemporaryDir>();
    }

    void init()
    {
        QFETCH_GLOBAL(QString, backend);
        m_spec = m_backends.freshSpec(backend, m_dir->path());
        QVERIFY(!m_spec.isEmpty());
        m_db = open();
        QVERIFY(m_db);
        host::Migrations migrations;
        host::addHostMigrations(migrations);
        migrations.addPortable(host::kFirstServiceMigration, u"notes"_s,
                               {u"CREATE TABLE notes (id TEXT PRIMARY KEY)"_s});
        const auto version = migrations.apply(*m_db);
        QVERIFY2(version.ok(), qPrintable(version.error().toString()));
    }

    void cleanup() { m_db.reset(); }

    void commandsAreTheStateChangingEndpoints()
    {
        RequestLog log(*m_db);
        QVERIFY(log.isCommand(protocol::kCreatePatient.subject));
        QVERIFY(log.isCommand(protocol::kDispense.subject));
        QVERIFY(log.isCommand(protocol::kCallNext.subject));
        QVERIFY(log.isCommand(protocol::kCreateStaff.subject));
        QVERIFY(log.isCommand(protocol::kChangePassword.subject));
        QVERIFY(!log.isCommand(protocol::kGetPatient.subject));
        QVERIFY(!log.isCommand(protocol::kStockList.subject));
        QVERIFY(!log.isCommand(protocol::kSignIn.subject));
        QVERIFY(!log.isCommand(kSubject));
        log.markCommand(kSubject);
        QVERIFY(log.isCommand(kSubject));
    }

    void claimAndAnswerCommitWithTheEffect()
    {
        RequestLog log(*m_db);
        QString error;
        QVERIFY2(m_db->beginGroup(&error), qPrintable(error));
        auto state = log.enter(kSubject, "r1", u"st-1"_s);
        QCOMPARE(log.savepoint(addNote(*m_db, u"n1"_s), &error), Database::Step::Kept);
        // A second step of the same command joins the claim instead of claiming again.
        QCOMPARE(log.savepoint(addNote(*m_db, u"n2"_s), &error), Database::Step::Kept);
        log.answered(*state, 0, "{\"id\":\"n1\"}");
        log.leave();
        // Inside the open group the claim and its answer are visible to this connection.
        QVERIFY(stored(log, "r1").has_value());
        QVERIFY(m_db->endGroup(true, &error));

        const auto answer = stored(log, "r1");
        QVERIFY(answer.has_value());
        QVERIFY(answer->answered);
        QCOMPARE(answer->code, 0);
        QCOMPARE(answer->body, QByteArray("{\"id\":\"n1\"}"));
        QCOMPARE(answer->staffId, u"st-1"_s);
        QCOMPARE(rows(*m_db, u"notes"_s), 2);
        QCOMPARE(rows(*m_db, u"request_log"_s), 1);
    }

    void rolledBackGroupDropsClaimAndAnswer()
    {
        RequestLog log(*m_db);
        QString error;
        QVERIFY(m_db->beginGroup(&error));
        auto state = log.enter(kSubject, "r2", u"st-1"_s);
        QCOMPARE(log.savepoint(addNote(*m_db, u"n1"_s), &error), Database::Step::Kept);
        log.answered(*state, 0, "{}");
        log.leave();
        QVERIFY(!m_db->endGroup(false, &error));
        QVERIFY(!stored(log, "r2").has_value());
        QCOMPARE(rows(*m_db, u"notes"_s), 0);

        // An answer given after its group ended is not stored (the claim is gone with it).
        QVERIFY(m_db->beginGroup(&error));
        log.answered(*state, 0, "{}");
        QVERIFY(m_db->endGroup(true, &error));
        QCOMPARE(rows(*m_db, u"request_log"_s), 0);
    }

    void undoneStepLeavesNoClaim()
    {
        RequestLog log(*m_db);
        QString error;
        QVERIFY(m_db->beginGroup(&error));
        auto state = log.enter(kSubject, "r3", u"st-1"_s);
        const Database::Work refuse = [](QSqlDatabase&, QString* e) {
            *e = u"refused"_s;
            return false;
        };
        QCOMPARE(log.savepoint(refuse, &error), Database::Step::Undone);
        QCOMPARE(state->claimedInGroup, quint64(0));
        log.answered(*state, 409, "{\"code\":409}"); // a refusal: nothing to store
        log.leave();
        QVERIFY(m_db->endGroup(true, &error));
        QCOMPARE(rows(*m_db, u"request_log"_s), 0);
    }

    void stepsOutsideACommandClaimNothing()
    {
        RequestLog log(*m_db);
        QString error;
        QVERIFY(m_db->beginGroup(&error));
        QCOMPARE(log.savepoint(addNote(*m_db, u"n1"_s), &error), Database::Step::Kept);
        QVERIFY(m_db->endGroup(true, &error));
        QCOMPARE(rows(*m_db, u"notes"_s), 1);
        QCOMPARE(rows(*m_db, u"request_log"_s), 0);
    }

    void sweepDeletesOldRowsInBatches()
    {
        RequestLog log(*m_db);
        QString error;
        QVERIFY(m_db->beginGroup(&error));
        for (int i = 0; i < 7; ++i) {
            auto state = log.enter(kSubject, "old" + QByteArray::number(i), u"st-1"_s);
            QCOMPARE(log.savepoint(addNote(*m_db, u"o%1"_s.arg(i)), &error), Database::Step::Kept);
            log.answered(*state, 0, "{}");
        }
        log.enter(kSubject, "fresh", u"st-1"_s);
        QCOMPARE(log.savepoint(addNote(*m_db, u"f"_s), &error), Database::Step::Kept);
        log.leave();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(m_db->run(u"UPDATE request_log SET created_at = ? WHERE request_id <> 'fresh'"_s,
                          {host::SqlDialect::utcTimestamp(now.addDays(-3))}, &error));
        QVERIFY(m_db->endGroup(true, &error));

        const QDateTime cutoff = now.addSecs(-std::chrono::seconds(RequestLog::kRetention).count());
        QList<int> batches;
        for (int deleted = -2; deleted != 0;) {
            QVERIFY(m_db->beginGroup(&error));
            deleted = log.sweep(cutoff, 3, &error);
            QVERIFY2(deleted >= 0, qPrintable(error));
            QVERIFY(m_db->endGroup(true, &error));
            batches.append(deleted);
        }
        QCOMPARE(batches, (QList<int>{3, 3, 1, 0}));
        QCOMPARE(rows(*m_db, u"request_log"_s), 1);
        QVERIFY(stored(log, "fresh").has_value());
    }

    void concurrentClaimWaitsAndTakesTheFirstAnswer()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != u"postgres"_s)
            QSKIP("SQLite has one writer at a time (BEGIN IMMEDIATE): no concurrent claim");
        RequestLog log(*m_db);
        QString error;
        QVERIFY(m_db->beginGroup(&error));
        auto first = log.enter(kSubject, "same", u"st-1"_s);
        QCOMPARE(log.savepoint(addNote(*m_db, u"n1"_s), &error), Database::Step::Kept);
        log.answered(*first, 0, "{\"id\":\"n1\"}");
        log.leave();

        // The second instance: its own connection on its own thread.
        std::atomic<bool> done = false;
        std::atomic<bool> workRan = false;
        Database::Step step = Database::Step::Broken;
        std::shared_ptr<host::CommandState> second;
        std::thread other([&] {
            auto db = open();
            if (db) {
                RequestLog otherLog(*db);
                QString e;
                if (db->beginGroup(&e)) {
                    second = otherLog.enter(kSubject, "same", u"st-1"_s);
                    step = otherLog.savepoint(
                        [&](QSqlDatabase&, QString*) {
                            workRan = true;
                            return true;
                        },
                        &e);
                    otherLog.leave();
                    db->endGroup(true, &e);
                }
            }
            done = true;
        });
        // Wait until the second's INSERT is blocked on the first's uncommitted claim.
        auto observer = open();
        const auto waiting = [&] {
            QString e;
            if (!observer)
                return false;
            // (QPSQL runs prepared statements, so the query text is an EXECUTE.)
            auto query =
                observer->run(u"SELECT COUNT(*) FROM pg_stat_activity WHERE "
                              "wait_event_type = 'Lock' AND datname = current_database()"_s,
                              {}, &e);
            return query && query->next() && query->value(0).toInt() == 1;
        };
        const bool blocked = QTest::qWaitFor(waiting, 20000);
        const bool committed = m_db->endGroup(true, &error);
        other.join(); // before any check can return
        QVERIFY(committed);
        QVERIFY(blocked);
        QVERIFY(done);
        QCOMPARE(step, Database::Step::Undone);
        QVERIFY(!workRan);
        QVERIFY(second->takenElsewhere);
        QVERIFY(second->earlier.has_value());
        QCOMPARE(second->earlier->body, QByteArray("{\"id\":\"n1\"}"));
        QCOMPARE(rows(*m_db, u"notes"_s), 1);
        QCOMPARE(rows(*m_db, u"request_log"_s), 1);
    }
};

QTEST_GUILESS_MAIN(TestHostRequestLog)
#include "test_host_request_log.moc"
