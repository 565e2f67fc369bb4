// --db parsing (unit): every accepted spelling, and a table of refusals whose messages name
// the problem and never contain the password.

#include "host/database_spec.h"

#include <QDir>
#include <QTest>

using namespace Qt::StringLiterals;
using openopd::host::DatabaseSpec;
using openopd::host::Driver;
using openopd::host::parseDatabaseSpec;

Q_DECLARE_METATYPE(Driver)

class TestHostDbSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sqliteSpecs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("dataDir");
        QTest::addColumn<QString>("path");
        const QString data = u"/var/lib/openopd"_s;
        QTest::newRow("default") << QString() << data << u"/var/lib/openopd/registration.sqlite"_s;
        QTest::newRow("blank") << u"  "_s << data << u"/var/lib/openopd/registration.sqlite"_s;
        QTest::newRow("absolute") << u"/srv/db/reg.db"_s << data << u"/srv/db/reg.db"_s;
        QTest::newRow("relative") << u"sub/reg.db"_s << data << u"/var/lib/openopd/sub/reg.db"_s;
        QTest::newRow("dotdot") << u"../x/reg.db"_s << data << u"/var/lib/x/reg.db"_s;
        QTest::newRow("url abs") << u"sqlite:///srv/a.sqlite"_s << data << u"/srv/a.sqlite"_s;
        QTest::newRow("url rel") << u"sqlite:a.sqlite"_s << data << u"/var/lib/openopd/a.sqlite"_s;
        QTest::newRow("url encoded")
            << u"sqlite:///srv/my%20db.sqlite"_s << data << u"/srv/my db.sqlite"_s;
        QTest::newRow("no data dir")
            << QString() << QString()
            << QDir::cleanPath(QDir::currentPath() + u"/registration.sqlite"_s);
    }

    void sqliteSpecs()
    {
        QFETCH(QString, spec);
        QFETCH(QString, dataDir);
        QFETCH(QString, path);
        const auto parsed = parseDatabaseSpec(spec, dataDir, u"registration"_s);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toString()));
        QCOMPARE(parsed->driver, Driver::Sqlite);
        QCOMPARE(parsed->path, path);
        QCOMPARE(parsed->describe(), u"SQLite "_s + path);
    }

    void postgresSpecs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("describe");

        const QString timeout = u"connect_timeout=10"_s;
        const QString app = u"application_name='registration/r1'"_s;
        QTest::newRow("full") << u"postgresql://opd:s3cret@db.example:5433/registration"_s
                              << u"db.example"_s << 5433 << u"registration"_s << u"opd"_s
                              << u"s3cret"_s << QStringList{timeout, app}
                              << u"PostgreSQL opd@db.example:5433/registration"_s;
        QTest::newRow("postgres scheme, no password, default port")
            << u"postgres://opd@db/reg"_s << u"db"_s << -1 << u"reg"_s << u"opd"_s << QString()
            << QStringList{timeout, app} << u"PostgreSQL opd@db/reg"_s;
        QTest::newRow("percent-encoded")
            << u"postgresql://o%40d:p%40ss%3Aw%2Fd@h/my%20db"_s << u"h"_s << -1 << u"my db"_s
            << u"o@d"_s << u"p@ss:w/d"_s << QStringList{timeout, app}
            << u"PostgreSQL o@d@h/my db"_s;
        QTest::newRow("ipv6") << u"postgresql://u@[::1]:5432/d"_s << u"::1"_s << 5432 << u"d"_s
                              << u"u"_s << QString() << QStringList{timeout, app}
                              << u"PostgreSQL u@[::1]:5432/d"_s;
        QTest::newRow("ssl options")
            << u"postgresql://u:pw@h/d?sslmode=verify-full&sslrootcert=/etc/ca.pem"_s << u"h"_s
            << -1 << u"d"_s << u"u"_s << u"pw"_s
            << QStringList{u"sslmode='verify-full'"_s, u"sslrootcert='/etc/ca.pem'"_s, timeout, app}
            << u"PostgreSQL u@h/d"_s;
        QTest::newRow("own timeout, app name, quoting")
            << u"postgresql://u@h/d?connect_timeout=3&application_name=it's%20me"_s << u"h"_s << -1
            << u"d"_s << u"u"_s << QString()
            << QStringList{u"connect_timeout='3'"_s, u"application_name='it\\'s me'"_s}
            << u"PostgreSQL u@h/d"_s;
        QTest::newRow("password and host in query")
            << u"postgresql://u@ignored/d?password=q%26p&host=/run/postgresql&port=6000"_s
            << u"/run/postgresql"_s << 6000 << u"d"_s << u"u"_s << u"q&p"_s
            << QStringList{timeout, app} << u"PostgreSQL u@/run/postgresql:6000/d"_s;
    }

    void postgresSpecs()
    {
        QFETCH(QString, spec);
        const auto parsed = parseDatabaseSpec(spec, u"/data"_s, u"registration"_s, u"r1"_s);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toString()));
        QCOMPARE(parsed->driver, Driver::Postgres);
        QTEST(parsed->host, "host");
        QTEST(parsed->port, "port");
        QTEST(parsed->database, "database");
        QTEST(parsed->user, "user");
        QTEST(parsed->password, "password");
        QTEST(parsed->connectOptions.split(u';'), "options");
        QTEST(parsed->describe(), "describe");
        if (!parsed->password.isEmpty())
            QVERIFY(!parsed->describe().contains(parsed->password));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("service");
        QTest::addColumn<QString>("mentions");

        const QString service = u"registration"_s;
        QTest::newRow("memory") << u":memory:"_s << service << u"in-memory"_s;
        QTest::newRow("sqlite host") << u"sqlite://host/x.db"_s << service << u"names a host"_s;
        QTest::newRow("sqlite empty") << u"sqlite:"_s << service << u"names no file"_s;
        QTest::newRow("scheme") << u"mysql://u:TOPSECRET@h/d"_s << service
                                << u"unsupported scheme"_s;
        QTest::newRow("no host") << u"postgresql://u:TOPSECRET@/d"_s << service << u"host"_s;
        QTest::newRow("no database")
            << u"postgresql://u:TOPSECRET@h/"_s << service << u"names no database"_s;
        QTest::newRow("two segments")
            << u"postgresql://u:TOPSECRET@h/a/b"_s << service << u"names no database"_s;
        QTest::newRow("bad port") << u"postgresql://u:TOPSECRET@h:99999/d"_s << service
                                  << u"not valid"_s;
        QTest::newRow("port text")
            << u"postgresql://u:TOPSECRET@h:abc/d"_s << service << u"not valid"_s;
        QTest::newRow("bad key") << u"postgresql://u:TOPSECRET@h/d?SSL-Mode=x"_s << service
                                 << u"'SSL-Mode' is not a libpq keyword"_s;
        QTest::newRow("semicolon")
            << u"postgresql://u:TOPSECRET@h/d?options=a%3Bb"_s << service << u"contains ';'"_s;
        QTest::newRow("query port")
            << u"postgresql://u:TOPSECRET@h/d?port=x"_s << service << u"'port'"_s;
        QTest::newRow("fragment") << u"postgresql://u:TOPSECRET@h/d#x"_s << service
                                  << u"fragment"_s;
        QTest::newRow("service name") << QString() << u"a/b"_s << u"cannot name a database"_s;
        // Found by fuzz_database_spec: a URL-like spec with another (or a broken) scheme was a
        // SQLite file path, described with its password; the SQLite URL's refusal and a query
        // password showed the password.
        QTest::newRow("broken scheme")
            << u"ps;tgres://u@h/d?password=TOPSECRET"_s << service << u"unsupported scheme"_s;
        QTest::newRow("empty scheme")
            << u"://u:TOPSECRET@h/d"_s << service << u"unsupported scheme"_s;
        QTest::newRow("sqlite user info")
            << u"sqlite://u:TOPSECRET@h/x.db"_s << service << u"names a host"_s;
        QTest::newRow("query password, bad key")
            << u"postgresql://u@h/d?password=TOPSECRET&SSL-Mode=x"_s << service
            << u"'SSL-Mode' is not a libpq keyword"_s;
        QTest::newRow("encoded query password")
            << u"postgresql://u@h/d?pass%77ord=TOPSECRET&port=x"_s << service << u"'port'"_s;
        QTest::newRow("password before the scheme")
            << u"//u:TOPSECRET@h/x?y=mysql://z"_s << service << u"unsupported scheme '?'"_s;
        // '$' matches before a final newline: "sslmode\n" passed as a libpq keyword.
        QTest::newRow("keyword with newline")
            << u"postgresql://u:TOPSECRET@h/d?sslmode%0A=require"_s << service
            << u"is not a libpq keyword"_s;
        QTest::newRow("service name with newline")
            << QString() << u"registration\n"_s << u"cannot name a database"_s;
        QTest::newRow("port zero")
            << u"postgresql://u:TOPSECRET@h:0/d"_s << service << u"not a port number"_s;
        QTest::newRow("scheme, query password")
            << u"mysql://h/d?password=TOPSECRET"_s << service << u"unsupported scheme"_s;
        // Found by fuzz_database_spec: a repeated key kept its last value, so a second
        // "password=" silently replaced the first.
        QTest::newRow("repeated password")
            << u"postgres://h/d?password=TOPSECRET&sslmode=require&password=t"_s << service
            << u"'password' is given more than once"_s;
        QTest::newRow("repeated option")
            << u"postgresql://u:TOPSECRET@h/d?sslmode=disable&sslmode=require"_s << service
            << u"'sslmode' is given more than once"_s;
        // Found by fuzz_database_spec: the query's password silently replaced the URL's.
        QTest::newRow("password in URL and query")
            << u"postgresql://u:TOPSECRET@h/d?password=other"_s << service
            << u"'password' is given in the URL too"_s;
        QTest::newRow("user in URL and query")
            << u"postgresql://u@h/d?user=v"_s << service << u"'user' is given in the URL too"_s;
        QTest::newRow("database in URL and query")
            << u"postgresql://u@h/d?dbname=e"_s << service << u"'dbname' is given in the URL too"_s;
        QTest::newRow("port in URL and query") << u"postgresql://u@h:5432/d?port=6000"_s << service
                                               << u"'port' is given in the URL too"_s;
    }

    void refusals()
    {
        QFETCH(QString, spec);
        QFETCH(QString, service);
        QFETCH(QString, mentions);
        const auto parsed = parseDatabaseSpec(spec, u"/data"_s, service);
        QVERIFY(!parsed.ok());
        const QString message = parsed.error().message;
        QVERIFY2(message.contains(mentions), qPrintable(message));
        QVERIFY2(!message.contains(u"TOPSECRET"_s), qPrintable(message));
        QCOMPARE(parsed.error().kind, openopd::bus::BusError::Kind::NotConnected);
        QCOMPARE(parsed.error().code, 503);
    }
};

QTEST_GUILESS_MAIN(TestHostDbSpec)
#include "test_host_db_spec.moc"
