// The SQLite WAL write buffer (host/wal_write_buffer.h), integration: real SQLite files. A
// service's database takes a commit's frames in a few writes instead of two per page, and
// another connection (own file descriptors, as another process) sees every committed row at
// once, with synchronous=FULL (the services) and OFF (only the index header's barrier flushes);
// frames written again within a transaction, a reopen with SQLite's own VFS and its
// integrity check leave nothing out.

#include "host/database.h"
#include "host/wal_write_buffer.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using namespace openopd;
using host::Database;
using host::walBufferCounts;

namespace {

// A connection through SQLite's default VFS: reads the file as any other process would.
class PlainConnection
{
public:
    explicit PlainConnection(const QString& path)
        : m_name(u"plain-"_s + QString::number(++s_counter))
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_open = db.open();
    }
    ~PlainConnection() { QSqlDatabase::removeDatabase(m_name); }
    bool isOpen() const { return m_open; }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

    qint64 scalar(const QString& sql) const
    {
        QSqlQuery query(db());
        if (!query.exec(sql) || !query.next())
            return -1;
        return query.value(0).toLongLong();
    }
    QString text(const QString& sql) const
    {
        QSqlQuery query(db());
        if (!query.exec(sql) || !query.next())
            return query.lastError().text();
        return query.value(0).toString();
    }

private:
    static inline int s_counter = 0;
    QString m_name;
    bool m_open = false;
};

// Rows of about 3 KiB: a few pages per transaction, as a service's group commit writes.
bool insertRows(QSqlDatabase db, int first, int count)
{
    QSqlQuery query(db);
    if (!query.prepare(u"INSERT INTO items (id, body) VALUES (?, ?)"_s))
        return false;
    for (int i = first; i < first + count; ++i) {
        query.bindValue(0, i);
        query.bindValue(1, QByteArray(3000, static_cast<char>('a' + i % 26)));
        if (!query.exec())
            return false;
    }
    return true;
}

bool exec(QSqlDatabase db, const QString& sql)
{
    QSqlQuery query(db);
    if (query.exec(sql))
        return true;
    qWarning().noquote() << sql << ":" << query.lastError().text();
    return false;
}

} // namespace

class TestHostWalBuffer : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    // A service's database (Database::open, so through the buffer) with the items table.
    std::unique_ptr<Database> openItems(const QString& path)
    {
        auto opened = Database::open(path, m_dir->path(), u"test"_s);
        if (!opened) {
            qWarning().noquote() << opened.error().toString();
            return nullptr;
        }
        if (!exec((*opened)->sql(), u"CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)"_s))
            return nullptr;
        return std::move(opened).value();
    }

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    // Database::open uses the buffer: 20 group commits of 5 rows each reach the file in a few
    // writes apiece, and a plain connection counts every row right after each commit.
    void serviceDatabaseCommitsInFewWritesAndIsReadAtOnce()
    {
        const QString path = m_dir->filePath(u"service.sqlite"_s);
        const auto opened = openItems(path);
        QVERIFY(opened);
        host::Database& db = *opened;
        PlainConnection reader(path);
        QVERIFY(reader.isOpen());

        const auto before = walBufferCounts();
        for (int commit = 0; commit < 20; ++commit) {
            QVERIFY(db.sql().transaction());
            QVERIFY(insertRows(db.sql(), commit * 5, 5));
            QVERIFY(db.sql().commit());
            QCOMPARE(reader.scalar(u"SELECT count(*) FROM items"_s), (commit + 1) * 5);
        }
        const auto after = walBufferCounts();
        const auto requested = after.walWritesRequested - before.walWritesRequested;
        const auto issued = after.walWritesIssued - before.walWritesIssued;
        // Each commit: about 5 pages (two writes each) plus the index pages, in one write.
        qInfo("20 commits: SQLite asked for %llu WAL writes, %llu were made",
              static_cast<unsigned long long>(requested), static_cast<unsigned long long>(issued));
        QVERIFY2(requested >= 20 * 10, "the commits did not go through the buffer");
        QVERIFY2(issued <= 20 * 2, "the frames of a commit were not written together");
    }

    // A commit of more than 128 KiB of frames: SQLite's unix VFS writes at most 128 KiB - 1
    // per call and answers SQLITE_FULL for more, so the buffer writes it in pieces (one write
    // of the whole lost the row, and the autocommit hid the failure: the next row took its id).
    void aCommitLargerThanOneWriteIsWhole()
    {
        const QString path = m_dir->filePath(u"blob.sqlite"_s);
        const auto opened = openItems(path);
        QVERIFY(opened);
        host::Database& db = *opened;
        QString error;
        QList<qint64> ids;
        for (const int size : {10, 1 << 20, 500000, 10}) {
            auto insert = db.run(u"INSERT INTO items (body) VALUES (?) RETURNING id"_s,
                                 {QByteArray(size, 'b')}, &error);
            QVERIFY2(insert && insert->next(), qPrintable(error));
            ids.append(insert->value(0).toLongLong());
        }
        QCOMPARE(ids, (QList<qint64>{1, 2, 3, 4}));
        PlainConnection reader(path);
        QVERIFY(reader.isOpen());
        QCOMPARE(reader.scalar(u"SELECT sum(length(body)) FROM items"_s),
                 10 + (1 << 20) + 500000 + 10);
    }

    // With synchronous=OFF no xSync precedes the WAL index header: the barrier between its two
    // copies must write the frames, or the plain connection would miss rows (or read a torn
    // frame and stop there).
    void framesAreWrittenBeforeTheHeaderWithoutSync()
    {
        QString error;
        QVERIFY2(host::installWalWriteBuffer(&error), qPrintable(error));
        const QString path = m_dir->filePath(u"nosync.sqlite"_s);
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"buffered"_s);
            db.setDatabaseName(u"file:"_s +
                               QString::fromLatin1(QUrl::toPercentEncoding(path, "/")) +
                               u"?vfs="_s + QLatin1String(host::kWalBufferVfsName));
            db.setConnectOptions(u"QSQLITE_OPEN_URI"_s);
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QVERIFY(exec(db, u"PRAGMA journal_mode=WAL"_s));
            QVERIFY(exec(db, u"PRAGMA synchronous=OFF"_s));
            QVERIFY(exec(db, u"CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)"_s));
            PlainConnection reader(path);
            QVERIFY(reader.isOpen());
            for (int commit = 0; commit < 10; ++commit) {
                QVERIFY(db.transaction());
                QVERIFY(insertRows(db, commit * 7, 7));
                QVERIFY(db.commit());
                QCOMPARE(reader.scalar(u"SELECT count(*) FROM items"_s), (commit + 1) * 7);
                QCOMPARE(reader.scalar(u"SELECT sum(length(body)) FROM items"_s),
                         (commit + 1) * 7 * 3000);
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"buffered"_s);
    }

    // A transaction larger than the page cache spills pages to the WAL and writes some of them
    // again before it commits (writes that do not continue the buffer); then the file, opened
    // with SQLite's own VFS after a reopen, is whole and holds every row.
    void rewrittenFramesAndReopenLeaveTheFileWhole()
    {
        const QString path = m_dir->filePath(u"large.sqlite"_s);
        {
            auto opened = Database::open(path, m_dir->path(), u"test"_s);
            QVERIFY2(opened, qPrintable(opened.error().toString()));
            host::Database& db = **opened;
            QVERIFY(exec(db.sql(), u"PRAGMA cache_size=20"_s)); // pages, not KiB: spills early
            QVERIFY(exec(db.sql(), u"CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)"_s));
            QVERIFY(exec(db.sql(), u"CREATE INDEX items_by_body ON items (body)"_s));
            QVERIFY(db.sql().transaction());
            QVERIFY(insertRows(db.sql(), 0, 600)); // about 2 MiB, over the 1 MiB flush mark
            QVERIFY(exec(db.sql(), u"UPDATE items SET body = body || 'x' WHERE id % 3 = 0"_s));
            QVERIFY(db.sql().commit());
        }
        PlainConnection reader(path);
        QVERIFY(reader.isOpen());
        QCOMPARE(reader.text(u"PRAGMA integrity_check"_s), u"ok"_s);
        QCOMPARE(reader.scalar(u"SELECT count(*) FROM items"_s), 600);
        QCOMPARE(reader.scalar(u"SELECT count(*) FROM items WHERE length(body) = 3001"_s), 200);
    }
};

QTEST_GUILESS_MAIN(TestHostWalBuffer)
#include "test_host_wal_buffer.moc"
