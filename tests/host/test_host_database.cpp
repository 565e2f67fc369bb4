// Database (integration): opening SQLite (WAL) and a real PostgreSQL server started for the
// test case; transactions; prepared statements with unicode and binary values; dialect
// helpers; clear errors without passwords.

#include "host/database.h"
#include "host_db_util.h"
#include "support/nats_server.h" // findFreeTcpPort()

#include <QFile>
#include <QRandomGenerator>
#include <QSqlError>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace openopd;
using namespace openopd::testing;
using host::Database;

class TestHostDatabase : public QObject
{
    Q_OBJECT

    DbBackends m_backends;
    std::unique_ptr<QTemporaryDir> m_dir;

    std::unique_ptr<Database> openFresh()
    {
        QFETCH(QString, backend);
        const QString spec = m_backends.freshSpec(backend, m_dir->path());
        auto db = Database::open(spec, m_dir->path(), u"test"_s);
        if (!db) {
            qWarning("%s", qPrintable(db.error().toString()));
            return nullptr;
        }
        return std::move(db).value();
    }

    static bool createItems(Database& db)
    {
        const QString ddl = db.dialect().expand(
            u"CREATE TABLE items (id {{PK}}, code TEXT UNIQUE, label TEXT, body {{BLOB}}, "
            "created_at TEXT NOT NULL DEFAULT {{NOW}})"_s);
        return QSqlQuery(db.sql()).exec(ddl);
    }

    static bool insertItem(Database& db, const QString& label, QString* error)
    {
        return db.run(u"INSERT INTO items (label) VALUES (?)"_s, {label}, error).has_value();
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
    }
    void cleanup() { m_dir.reset(); }

    void sqliteDefaultFileIsWalWithSafeSettings()
    {
        const QString dataDir = m_dir->filePath(u"data/nested"_s); // does not exist yet
        auto opened = Database::open({}, dataDir, u"registration"_s);
        QVERIFY2(opened, qPrintable(opened.error().toString()));
        Database& db = *opened.value();
        const QString file = dataDir + u"/registration.sqlite"_s;
        QCOMPARE(db.driver(), Database::Driver::Sqlite);
        QCOMPARE(db.describe(), u"SQLite "_s + file);
        QVERIFY(QFile::exists(file));

        QSqlQuery pragma(db.sql());
        const auto value = [&pragma](const QString& sql) {
            return pragma.exec(sql) && pragma.next() ? pragma.value(0).toString() : QString();
        };
        QCOMPARE(value(u"PRAGMA journal_mode"_s), u"wal"_s);
        QCOMPARE(value(u"PRAGMA synchronous"_s), u"2"_s); // FULL
        QCOMPARE(value(u"PRAGMA foreign_keys"_s), u"1"_s);
        QCOMPARE(value(u"PRAGMA busy_timeout"_s), u"5000"_s);
        QVERIFY(createItems(db));
        QString error;
        QVERIFY2(insertItem(db, u"x"_s, &error), qPrintable(error));
        QVERIFY(QFile::exists(file + u"-wal"_s)); // the write went to the WAL
    }

    void sqliteNotADatabase()
    {
        const QString file = m_dir->filePath(u"garbage.sqlite"_s);
        QFile garbage(file);
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write(QByteArray(4096, 'x'));
        garbage.close();
        auto db = Database::open(file, m_dir->path(), u"test"_s);
        QVERIFY(!db);
        QCOMPARE(db.error().code, 503);
        QVERIFY2(db.error().message.contains(file), qPrintable(db.error().message));
    }

    void connectionRemovedWithTheObject_data() { DbBackends::addRows(); }
    void connectionRemovedWithTheObject()
    {
        auto a = openFresh();
        auto b = openFresh();
        QVERIFY(a && b);
        QVERIFY(a->connectionName() != b->connectionName());
        const QString name = a->connectionName();
        QVERIFY(QSqlDatabase::contains(name));
        a.reset();
        QVERIFY(!QSqlDatabase::contains(name));
        QVERIFY(b->sql().isOpen());
    }

    void transactionCommitsOrRollsBack_data() { DbBackends::addRows(); }
    void transactionCommitsOrRollsBack()
    {
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        QString error;
        QVERIFY2(db->transaction(
                     [&](QSqlDatabase&, QString* e) { return insertItem(*db, u"a"_s, e); }, &error),
                 qPrintable(error));
        QCOMPARE(countRows(*db, u"items"_s), 1);

        bool inserted = false;
        QVERIFY(!db->transaction(
            [&](QSqlDatabase&, QString* e) {
                inserted = insertItem(*db, u"b"_s, e);
                *e = u"validation failed"_s;
                return false;
            },
            &error));
        QVERIFY(inserted);
        QCOMPARE(error, u"validation failed"_s);
        QCOMPARE(countRows(*db, u"items"_s), 1);
        QVERIFY(!db->inTransaction());

        QVERIFY(!db->transaction([](QSqlDatabase&, QString*) { return false; }, &error));
        QVERIFY2(error.contains(u"rolled back"_s), qPrintable(error));

        // Nested: refused, and the outer transaction is still usable.
        QString inner;
        QVERIFY2(db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         if (db->transaction([](QSqlDatabase&, QString*) { return true; }, &inner))
                             return false;
                         return insertItem(*db, u"c"_s, e);
                     },
                     &error),
                 qPrintable(error));
        QVERIFY2(inner.contains(u"nested"_s), qPrintable(inner));
        QCOMPARE(countRows(*db, u"items"_s), 2);
    }

    void failedStatementInsideTransaction_data() { DbBackends::addRows(); }
    void failedStatementInsideTransaction()
    {
        QFETCH(QString, backend);
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        QString error;
        const bool committed = db->transaction(
            [&](QSqlDatabase&, QString* e) {
                insertItem(*db, u"kept?"_s, e);
                QString ignored; // a failing statement whose error the work ignores
                db->run(u"INSERT INTO no_such_table VALUES (1)"_s, {}, &ignored);
                return true;
            },
            &error);
        if (backend == u"postgres"_s) {
            QVERIFY(!committed); // PostgreSQL aborted the transaction: reported, not hidden
            QVERIFY2(error.contains(u"aborted"_s), qPrintable(error));
            QCOMPARE(countRows(*db, u"items"_s), 0);
        } else {
            QVERIFY2(committed, qPrintable(error)); // SQLite: the work decides
            QCOMPARE(countRows(*db, u"items"_s), 1);
        }
    }

    // One transaction, independent steps (a consumer's batch): a refused step and a step
    // whose statement failed are undone alone; the others commit together.
    void savepointsUndoOneStepAlone_data() { DbBackends::addRows(); }
    void savepointsUndoOneStepAlone()
    {
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        QString error;
        QList<Database::Step> steps;
        const bool committed = db->transaction(
            [&](QSqlDatabase&, QString*) {
                const auto step = [&](const QString& name, bool accept, bool failStatement) {
                    QString stepError;
                    steps.append(db->savepoint(
                        [&](QSqlDatabase&, QString* e) {
                            if (!insertItem(*db, name, e))
                                return false;
                            if (failStatement) {
                                QString ignored; // PostgreSQL aborts up to the savepoint
                                db->run(u"INSERT INTO no_such_table VALUES (1)"_s, {}, &ignored);
                            }
                            if (!accept)
                                *e = u"refused"_s;
                            return accept;
                        },
                        &stepError));
                    if (!accept)
                        QCOMPARE(stepError, u"refused"_s);
                };
                step(u"first"_s, true, false);
                step(u"refused"_s, false, false);
                step(u"third"_s, true, false);
                return true;
            },
            &error);
        QVERIFY2(committed, qPrintable(error));
        QCOMPARE(steps, (QList<Database::Step>{Database::Step::Kept, Database::Step::Undone,
                                               Database::Step::Kept}));
        QCOMPARE(countRows(*db, u"items"_s), 2);

        // A failed statement inside a step: PostgreSQL undoes that step (the transaction
        // survives); SQLite leaves the decision to the step, which kept its row.
        QFETCH(QString, backend);
        Database::Step failed = Database::Step::Broken;
        QVERIFY2(db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         QString stepError;
                         failed = db->savepoint(
                             [&](QSqlDatabase&, QString* se) {
                                 if (!insertItem(*db, u"doomed?"_s, se))
                                     return false;
                                 QString ignored;
                                 db->run(u"INSERT INTO no_such_table VALUES (1)"_s, {}, &ignored);
                                 return true;
                             },
                             &stepError);
                         return insertItem(*db, u"after"_s, e);
                     },
                     &error),
                 qPrintable(error));
        QCOMPARE(failed, backend == u"postgres"_s ? Database::Step::Undone : Database::Step::Kept);
        QCOMPARE(countRows(*db, u"items"_s), backend == u"postgres"_s ? 3 : 4);

        // Outside a transaction a savepoint is refused.
        QCOMPARE(db->savepoint([](QSqlDatabase&, QString*) { return true; }, &error),
                 Database::Step::Broken);
        QVERIFY2(error.contains(u"outside a transaction"_s), qPrintable(error));
    }

    void preparedStatementsRoundTrip_data() { DbBackends::addRows(); }
    void preparedStatementsRoundTrip()
    {
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        const QString label = u"Nimal Perera — නිමල් පෙරේරා · நிமல் · नमस्ते · مرحبا · 患者 "
                              u"🩺 "
                              "'quoted' \"double\" \\ ? :name $1; DROP TABLE items; --"_s;
        QByteArray body;
        for (int i = 0; i < 256; ++i)
            body.append(static_cast<char>(i));
        QByteArray big(1 << 20, Qt::Uninitialized);
        QRandomGenerator random(42);
        for (char& byte : big)
            byte = static_cast<char>(random.bounded(256));
        QString error;
        qint64 ids[3] = {};
        const QVariant bodies[3] = {body, big, QVariant()};
        for (int i = 0; i < 3; ++i) {
            auto insert = db->run(u"INSERT INTO items (label, body) VALUES (?, ?) RETURNING id"_s,
                                  {label, bodies[i]}, &error);
            QVERIFY2(insert && insert->next(), qPrintable(error));
            ids[i] = insert->value(0).toLongLong();
        }
        QVERIFY(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1]);

        QSqlQuery select = db->prepare(u"SELECT label, body FROM items WHERE id = :id"_s, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(Database::exec(select, QVariantMap{{u"id"_s, ids[i]}}, &error),
                     qPrintable(error));
            QVERIFY(select.next());
            QCOMPARE(select.value(0).toString(), label);
            QCOMPARE(select.value(1).isNull(), i == 2);
            QCOMPARE(select.value(1).toByteArray(), bodies[i].toByteArray());
        }
        QCOMPARE(countRows(*db, u"items"_s), 3); // the "DROP TABLE" text stayed a value
    }

    // run() keeps SQLite statements for reuse: the same text nested (a loop over one query
    // running it again) gets its own statement, and a statement is reset when its Statement
    // ends, so a half-read INSERT ... RETURNING does not block RELEASE or COMMIT.
    void cachedStatementsAreReusedSafely_data() { DbBackends::addRows(); }
    void cachedStatementsAreReusedSafely()
    {
        QFETCH(QString, backend);
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        QString error;
        for (int i = 1; i <= 5; ++i)
            QVERIFY2(insertItem(*db, QString::number(i), &error), qPrintable(error));
        const std::size_t cached = db->cachedStatements();
        QCOMPARE(cached, backend == u"sqlite"_s ? std::size_t{1} : std::size_t{0}); // the INSERT

        if (backend == u"sqlite"_s) { // QPSQL cannot interleave two result sets on a connection
            const QString all = u"SELECT label FROM items ORDER BY id"_s;
            auto outer = db->run(all, {}, &error);
            QVERIFY2(outer && outer->next(), qPrintable(error));
            QCOMPARE(outer->value(0).toString(), u"1"_s);
            QStringList inner;
            {
                auto again = db->run(all, {}, &error);
                QVERIFY2(again, qPrintable(error));
                while (again->next())
                    inner.append(again->value(0).toString());
            }
            QCOMPARE(inner, (QStringList{u"1"_s, u"2"_s, u"3"_s, u"4"_s, u"5"_s}));
            QStringList rest;
            while (outer->next())
                rest.append(outer->value(0).toString());
            QCOMPARE(rest, (QStringList{u"2"_s, u"3"_s, u"4"_s, u"5"_s}));
        }

        const Database::Work copyHalfRead = [&](QSqlDatabase&, QString* e) {
            auto copy =
                db->run(u"INSERT INTO items (label) SELECT label FROM items RETURNING id"_s, {}, e);
            return copy && copy->next(); // the other rows are never read
        };
        QList<Database::Step> steps;
        QVERIFY2(db->transaction(
                     [&](QSqlDatabase&, QString* e) {
                         steps.append(db->savepoint(copyHalfRead, e));
                         steps.append(db->savepoint(copyHalfRead, e));
                         return steps.last() != Database::Step::Broken;
                     },
                     &error),
                 qPrintable(error));
        QCOMPARE(steps, (QList<Database::Step>{Database::Step::Kept, Database::Step::Kept}));
        QCOMPARE(countRows(*db, u"items"_s), 20);
    }

    void dialectHelpers_data() { DbBackends::addRows(); }
    void dialectHelpers()
    {
        auto db = openFresh();
        QVERIFY(db && createItems(*db));
        QString error;
        const QString upsert = u"INSERT INTO items (code, label) VALUES (?, ?) "
                               "ON CONFLICT (code) DO NOTHING"_s;
        QVERIFY2(db->run(upsert, {u"A"_s, u"first"_s}, &error), qPrintable(error));
        QVERIFY2(db->run(upsert, {u"A"_s, u"second"_s}, &error), qPrintable(error));
        QCOMPARE(countRows(*db, u"items"_s), 1);

        auto row = db->run(u"SELECT label, created_at, "_s + db->dialect().currentTimestamp() +
                               u" FROM items WHERE code = ?"_s,
                           {u"A"_s}, &error);
        QVERIFY2(row && row->next(), qPrintable(error));
        QCOMPARE(row->value(0).toString(), u"first"_s);
        for (int column : {1, 2}) {
            const QString text = row->value(column).toString();
            const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
            QVERIFY2(time.isValid() && text.endsWith(u'Z') && text.size() == 24, qPrintable(text));
            QVERIFY(qAbs(time.secsTo(QDateTime::currentDateTimeUtc())) < 60);
        }
        const QString bound = host::SqlDialect::utcTimestamp(QDateTime::currentDateTime());
        QCOMPARE(bound.size(), 24);
        QVERIFY(bound.endsWith(u'Z'));
        // The hand-written format is Qt's ISODateWithMs in UTC, from any time zone.
        const QDateTime instants[] = {
            QDateTime::currentDateTime(), QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 6), Qt::UTC),
            QDateTime(QDate(1999, 12, 31), QTime(23, 59, 59, 999), Qt::OffsetFromUTC, 19800),
            QDateTime(QDate(2024, 2, 29), QTime(0, 0), QTimeZone("America/Sao_Paulo")),
            QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC)};
        for (const QDateTime& instant : instants)
            QCOMPARE(host::SqlDialect::utcTimestamp(instant),
                     instant.toUTC().toString(Qt::ISODateWithMs));
    }

    void postgresErrorsAreClearAndPasswordFree_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QStringList>("mentions");
        const QString port = QString::number(m_backends.postgres().port());
        const QString unused = QString::number(findFreeTcpPort());
        QTest::newRow("unreachable")
            << u"postgresql://opd:Sup3r-S%21cret@127.0.0.1:"_s + unused + u"/clinic"_s
            << QStringList{u"cannot open PostgreSQL opd@127.0.0.1:"_s + unused + u"/clinic"_s,
                           u"refused"_s};
        QTest::newRow("no such database")
            << u"postgresql://postgres:Sup3r-S%21cret@127.0.0.1:"_s + port + u"/nope"_s
            << QStringList{u"/nope"_s, u"does not exist"_s};
        QTest::newRow("malformed") << u"postgresql://opd:Sup3r-S%21cret@127.0.0.1:x/clinic"_s
                                   << QStringList{u"not valid"_s, u"opd:***@127.0.0.1"_s};
    }
    void postgresErrorsAreClearAndPasswordFree()
    {
        QFETCH(QString, url);
        QFETCH(QStringList, mentions);
        auto db = Database::open(url, m_dir->path(), u"test"_s);
        QVERIFY(!db);
        const bus::BusError error = db.error();
        QCOMPARE(error.kind, bus::BusError::Kind::NotConnected);
        QCOMPARE(error.code, 503);
        for (const QString& mention : mentions)
            QVERIFY2(error.message.contains(mention), qPrintable(error.message));
        QVERIFY2(!error.message.contains(u"Sup3r"_s), qPrintable(error.message));
        QVERIFY(!error.toString().contains(u"Sup3r"_s));
    }
};

QTEST_GUILESS_MAIN(TestHostDatabase)
#include "test_host_database.moc"
