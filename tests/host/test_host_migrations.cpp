// Schema migrations (integration) on SQLite and on a real PostgreSQL server: order,
// idempotence, downgrade protection, complete rollback of a failing migration, and two
// instances migrating the same database at once.

#include "host/database.h"
#include "host/migrations.h"
#include "host_db_util.h"

#include <QTemporaryDir>
#include <thread>

using namespace Qt::StringLiterals;
using namespace openopd;
using namespace openopd::testing;
using host::Database;
using host::Migrations;

namespace {

Migrations clinicMigrations(int upTo = 3)
{
    Migrations m;
    m.addPortable(1, u"patients"_s, {u"CREATE TABLE patients (id {{PK}}, name TEXT NOT NULL)"_s});
    if (upTo >= 2)
        m.add(2, u"patient_photo"_s, {u"ALTER TABLE patients ADD COLUMN photo BLOB"_s},
              {u"ALTER TABLE patients ADD COLUMN photo BYTEA"_s});
    if (upTo >= 3)
        m.addPortable(3, u"visits"_s,
                      {u"CREATE TABLE visits (id {{PK}}, patient_id {{BIGINT}} NOT NULL "
                       "REFERENCES patients(id), token INTEGER NOT NULL)"_s,
                       u"CREATE INDEX visits_patient ON visits (patient_id)"_s});
    if (upTo >= 4)
        m.addPortable(4, u"visit_state"_s,
                      {u"ALTER TABLE visits ADD COLUMN state TEXT NOT NULL DEFAULT 'waiting'"_s});
    return m;
}

QList<int> appliedVersions(Database& db)
{
    QList<int> versions;
    QString error;
    auto query = db.run(u"SELECT version FROM schema_migrations ORDER BY version"_s, {}, &error);
    while (query && query->next())
        versions.append(query->value(0).toInt());
    return versions;
}

} // namespace

class TestHostMigrations : public QObject
{
    Q_OBJECT

    DbBackends m_backends;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_spec; // the current test's fresh database

    std::unique_ptr<Database> open()
    {
        auto db = Database::open(m_spec, m_dir->path(), u"test"_s);
        if (!db) {
            qWarning("%s", qPrintable(db.error().toString()));
            return nullptr;
        }
        return std::move(db).value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backends.start(&error), qPrintable(error));
    }
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        QFETCH(QString, backend);
        m_spec = m_backends.freshSpec(backend, m_dir->path());
        QVERIFY(!m_spec.isEmpty());
    }
    void cleanup() { m_dir.reset(); }

    void applyInOrderAndIdempotent_data() { DbBackends::addRows(); }
    void applyInOrderAndIdempotent()
    {
        auto db = open();
        QVERIFY(db);
        QCOMPARE(*Migrations::currentVersion(*db), 0);
        const auto first = clinicMigrations().apply(*db);
        QVERIFY2(first, qPrintable(first.error().toString()));
        QCOMPARE(*first, 3);
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 3}));
        QVERIFY(tableExists(*db, u"patients"_s) && tableExists(*db, u"visits"_s));
        QString error;
        QVERIFY2(db->run(u"INSERT INTO patients (name, photo) VALUES (?, ?)"_s,
                         {u"A"_s, QByteArray("\x00\x01", 2)}, &error),
                 qPrintable(error));

        // Again on the same connection, and on a new one (a service restart): nothing to do.
        QCOMPARE(*clinicMigrations().apply(*db), 3);
        db = open();
        QVERIFY(db);
        QCOMPARE(*clinicMigrations().apply(*db), 3);
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 3}));
        QCOMPARE(countRows(*db, u"patients"_s), 1);

        // A newer service adds version 4 only.
        QCOMPARE(*clinicMigrations(4).apply(*db), 4);
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 3, 4}));
        auto state = db->run(u"SELECT COUNT(*) FROM schema_migrations WHERE name = ? AND "
                             "applied_at LIKE '____-__-__T__:__:__.___Z'"_s,
                             {u"visit_state"_s}, &error);
        QVERIFY2(state && state->next(), qPrintable(error));
        QCOMPARE(state->value(0).toInt(), 1);
    }

    void refuseNewerDatabase_data() { DbBackends::addRows(); }
    void refuseNewerDatabase()
    {
        auto db = open();
        QVERIFY(db);
        QCOMPARE(*clinicMigrations(3).apply(*db), 3);
        const auto older = clinicMigrations(2).apply(*db);
        QVERIFY(!older);
        const QString message = older.error().message;
        QCOMPARE(older.error().code, 409);
        QVERIFY2(message.contains(u"schema version 3 'visits' is newer"_s) &&
                     message.contains(u"(2)"_s) && message.contains(u"downgrade"_s),
                 qPrintable(message));
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 3}));
    }

    void refuseVersionsOutOfOrder_data() { DbBackends::addRows(); }
    void refuseVersionsOutOfOrder()
    {
        auto db = open();
        QVERIFY(db);
        Migrations m;
        m.addPortable(2, u"two"_s, {u"CREATE TABLE two (x TEXT)"_s});
        m.addPortable(2, u"again"_s, {u"CREATE TABLE again (x TEXT)"_s});
        const auto result = m.apply(*db);
        QVERIFY(!result);
        QCOMPARE(result.error().code, 500);
        QVERIFY2(result.error().message.contains(u"strictly increasing"_s),
                 qPrintable(result.error().message));
        QVERIFY(!tableExists(*db, u"two"_s)); // refused before touching the database
        QVERIFY(!tableExists(*db, u"schema_migrations"_s));
    }

    void failingMigrationRollsBackCompletely_data() { DbBackends::addRows(); }
    void failingMigrationRollsBackCompletely()
    {
        auto db = open();
        QVERIFY(db);
        Migrations broken = clinicMigrations(1);
        broken.addPortable(2, u"half"_s,
                           {u"CREATE TABLE half (x TEXT)"_s, u"INSERT INTO half VALUES ('a')"_s,
                            u"INSERT INTO no_such_table VALUES (1)"_s});
        const auto result = broken.apply(*db);
        QVERIFY(!result);
        const QString message = result.error().message;
        QCOMPARE(result.error().code, 500);
        QVERIFY2(message.contains(u"migration 2 'half'"_s) &&
                     message.contains(u"statement 3 of 3"_s) &&
                     message.contains(u"rolled back"_s) && message.contains(db->describe()),
                 qPrintable(message));
        QVERIFY(!tableExists(*db, u"half"_s));
        QCOMPARE(appliedVersions(*db), (QList<int>{1}));
        QCOMPARE(*Migrations::currentVersion(*db), 1);

        // Fixed in the next build: applies cleanly.
        Migrations fixed = clinicMigrations(1);
        fixed.addPortable(2, u"half"_s, {u"CREATE TABLE half (x TEXT)"_s});
        QCOMPARE(*fixed.apply(*db), 2);
        QVERIFY(tableExists(*db, u"half"_s));
    }

    void unknownAppliedVersionIsRefused_data() { DbBackends::addRows(); }
    void unknownAppliedVersionIsRefused()
    {
        auto db = open();
        QVERIFY(db);
        Migrations withTwo;
        withTwo.addPortable(2, u"two"_s, {u"CREATE TABLE two (x TEXT)"_s});
        QCOMPARE(*withTwo.apply(*db), 2);
        Migrations other; // a different history: 1 and 3, but not 2
        other.addPortable(1, u"one"_s, {u"CREATE TABLE one (x TEXT)"_s});
        other.addPortable(3, u"three"_s, {u"CREATE TABLE three (x TEXT)"_s});
        const auto result = other.apply(*db);
        QVERIFY(!result);
        QCOMPARE(result.error().code, 409);
        QVERIFY2(result.error().message.contains(u"2 'two' is applied but this service does "
                                                 "not know it"_s),
                 qPrintable(result.error().message));
        QVERIFY(!tableExists(*db, u"three"_s));
    }

    // A release that adds a host migration (versions 1-9) runs on a database whose service
    // series (10 and up) is already applied: the new host table appears, nothing is refused.
    // A gap inside one series is still refused.
    void hostMigrationAddedLaterIsApplied_data() { DbBackends::addRows(); }
    void hostMigrationAddedLaterIsApplied()
    {
        auto db = open();
        QVERIFY(db);
        Migrations before;
        before.addPortable(1, u"host one"_s, {u"CREATE TABLE h1 (x TEXT)"_s});
        before.addPortable(10, u"service ten"_s, {u"CREATE TABLE s10 (x TEXT)"_s});
        QCOMPARE(*before.apply(*db), 10);
        Migrations after;
        after.addPortable(1, u"host one"_s, {u"CREATE TABLE h1 (x TEXT)"_s});
        after.addPortable(2, u"host two"_s, {u"CREATE TABLE h2 (x TEXT)"_s});
        after.addPortable(10, u"service ten"_s, {u"CREATE TABLE s10 (x TEXT)"_s});
        const auto upgraded = after.apply(*db);
        QVERIFY2(upgraded, qPrintable(upgraded.error().toString()));
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 10}));
        QVERIFY(tableExists(*db, u"h2"_s));
        QCOMPARE(*after.apply(*db), 10); // idempotent

        // A gap inside the service series: 11 applied without 10.
        auto other = open();
        QVERIFY(other);
        Migrations skipped;
        skipped.addPortable(1, u"host one"_s, {u"CREATE TABLE h1 (x TEXT)"_s});
        skipped.addPortable(2, u"host two"_s, {u"CREATE TABLE h2 (x TEXT)"_s});
        skipped.addPortable(10, u"service ten"_s, {u"CREATE TABLE s10 (x TEXT)"_s});
        skipped.addPortable(11, u"service eleven"_s, {u"CREATE TABLE s11 (x TEXT)"_s});
        QVERIFY(skipped.apply(*other));
        QString error;
        QVERIFY2(other->run(u"DELETE FROM schema_migrations WHERE version = 10"_s, {}, &error),
                 qPrintable(error));
        const auto refused = skipped.apply(*other);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, 409);
        QVERIFY2(refused.error().message.contains(u"10 'service ten' is missing although "
                                                  "version 11"_s),
                 qPrintable(refused.error().message));
    }

    void concurrentInstancesApplyOnce_data() { DbBackends::addRows(); }
    void concurrentInstancesApplyOnce()
    {
        QFETCH(QString, backend);
        Migrations slow = clinicMigrations(4);
        // Widen the race window: without the lock both instances would see version 4 pending.
        slow.add(5, u"slow"_s, {u"CREATE TABLE slow (x TEXT)"_s},
                 {u"SELECT pg_sleep(0.3)"_s, u"CREATE TABLE slow (x TEXT)"_s});
        constexpr int kInstances = 4;
        QString results[kInstances];
        std::vector<std::thread> threads;
        for (int i = 0; i < kInstances; ++i) {
            threads.emplace_back([&, i] {
                // Each instance opens, uses and closes its database on its own thread.
                auto db = Database::open(m_spec, m_dir->path(), u"test"_s, QString::number(i));
                if (!db) {
                    results[i] = db.error().toString();
                    return;
                }
                const auto version = slow.apply(*db.value());
                results[i] = version ? QString::number(*version) : version.error().toString();
            });
        }
        for (auto& thread : threads)
            thread.join();
        for (const QString& result : results)
            QCOMPARE(result, u"5"_s);
        auto db = open();
        QVERIFY(db);
        QCOMPARE(appliedVersions(*db), (QList<int>{1, 2, 3, 4, 5}));
    }
};

QTEST_GUILESS_MAIN(TestHostMigrations)
#include "test_host_migrations.moc"
