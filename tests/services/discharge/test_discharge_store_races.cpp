// Two discharge instances on one database merge events of the same visit at once (found by
// test_opd_cluster_faults: visit.consultation_started merged by one instance over the row
// another had just written from visit.consulted, the consultation lost, the visit never
// listed for release). Each write is conditional on the row it read: the slower writer is
// told it lost, writes nothing, and merges again from the new row. SQLite and PostgreSQL.

#include "discharge/discharge_service.h"
#include "discharge/discharge_store.h"
#include "host/database.h"
#include "host/host_schema.h"
#include "host/migrations.h"
#include "support/postgres_server.h"

#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace openopd::discharge;
using openopd::testing::PostgresServer;

class TestDischargeStoreRaces : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PostgresServer m_postgres;

    std::unique_ptr<host::Database> open(const QString& spec, const QString& instance)
    {
        auto db = host::Database::open(spec, m_dir.path(), QStringLiteral("discharge"), instance);
        if (!db) {
            qWarning().noquote() << db.error().toString();
            return nullptr;
        }
        return std::move(db).value();
    }

    static ReleaseVisit load(host::Database& db, const QString& visitId, bool* found)
    {
        ReleaseVisit visit;
        QString error;
        if (!store::loadVisit(db, visitId, &visit, found, &error))
            qWarning().noquote() << error;
        if (!*found) {
            visit.visitId = visitId;
            visit.patientId = QStringLiteral("patient-1");
        }
        return visit;
    }

private Q_SLOTS:
    void conditionalWrites_data()
    {
        QTest::addColumn<bool>("postgres");
        QTest::newRow("sqlite") << false;
        QTest::newRow("postgresql") << true;
    }

    void conditionalWrites()
    {
        QFETCH(bool, postgres);
        QString spec = m_dir.filePath(QStringLiteral("discharge.sqlite"));
        if (postgres) {
            QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
            QVERIFY2(m_postgres.createDatabase(QStringLiteral("discharge_races")),
                     qPrintable(m_postgres.errorString()));
            spec = m_postgres.connectionUrl(QStringLiteral("discharge_races"));
        }
        auto a = open(spec, QStringLiteral("discharge-1"));
        auto b = open(spec, QStringLiteral("discharge-2"));
        QVERIFY(a && b);
        host::Migrations migrations;
        host::addHostMigrations(migrations);
        DischargeService::addMigrations(migrations);
        const auto applied = migrations.apply(*a);
        QVERIFY2(applied.ok(), qPrintable(applied.error().toString()));
        const QString visitId = QStringLiteral("visit-1");
        QString error;

        // Both see no row; both insert: the second loses instead of replacing the first.
        bool found = true;
        ReleaseVisit first = load(*a, visitId, &found);
        QVERIFY(!found);
        ReleaseVisit second = load(*b, visitId, &found);
        QVERIFY(!found);
        first.queue = QStringLiteral("fault-a");
        second.consultationId = QStringLiteral("consultation-1");
        bool lost = true;
        QVERIFY2(store::saveVisit(*a, first, &lost, &error), qPrintable(error));
        QVERIFY(!lost);
        QVERIFY2(store::saveVisit(*b, second, &lost, &error), qPrintable(error));
        QVERIFY(lost);
        QCOMPARE(load(*a, visitId, &found).consultationId, QString()); // nothing written

        // Both read the row; b writes the consultation; a's older merge must not erase it.
        ReleaseVisit byA = load(*a, visitId, &found);
        QVERIFY(found);
        ReleaseVisit byB = load(*b, visitId, &found);
        byB.consultationId = QStringLiteral("consultation-1");
        byB.disposition = protocol::Disposition::Discharge;
        QVERIFY2(store::saveVisit(*b, byB, &lost, &error), qPrintable(error));
        QVERIFY(!lost);
        byA.token = 7; // what a status change merges
        QVERIFY2(store::saveVisit(*a, byA, &lost, &error), qPrintable(error));
        QVERIFY(lost);
        ReleaseVisit now = load(*a, visitId, &found);
        QCOMPARE(now.consultationId, QStringLiteral("consultation-1"));

        // Merging again from the row that won keeps both.
        now.token = 7;
        QVERIFY2(store::saveVisit(*a, now, &lost, &error), qPrintable(error));
        QVERIFY(!lost);
        now = load(*b, visitId, &found);
        QCOMPARE(now.consultationId, QStringLiteral("consultation-1"));
        QCOMPARE(now.token, 7);
        QCOMPARE(now.queue, QStringLiteral("fault-a"));
    }
};

QTEST_GUILESS_MAIN(TestDischargeStoreRaces)
#include "test_discharge_store_races.moc"
