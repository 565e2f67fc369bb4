// The shared service command line: a table of command lines and what they mean, and a table
// of bad ones, each refused with an error naming the option.

#include "host/service_options.h"

#include <QTest>

using namespace openopd;
using host::ParsedCommandLine;

namespace {

const QString kPublicKey =
    QStringLiteral("UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4");

host::ServiceEnvironment environment(const QString& url = {}, const QString& password = {},
                                     const QString& dataDir = {})
{
    host::ServiceEnvironment env;
    env.natsUrl = url;
    env.natsPassword = password;
    env.dataDir = dataDir;
    env.dataRoot = QStringLiteral("/var/lib/openopd");
    env.hostName = QStringLiteral("ward-pc.clinic.local");
    env.pid = 4242;
    return env;
}

// One field of the result as text, so a table can name it.
QString field(const ParsedCommandLine& r, const QString& name)
{
    const host::ServiceOptions& o = r.options;
    const bus::ConnectionOptions c = o.connectionOptions();
    const QHash<QString, QString> fields{
        {QStringLiteral("servers"), c.servers.join(u',')},
        {QStringLiteral("name"), c.name},
        {QStringLiteral("user"), c.user},
        {QStringLiteral("password"), c.password},
        {QStringLiteral("creds"), c.credsFile},
        {QStringLiteral("nkey"), c.nkeyPublic + u'|' + c.nkeySeedFile},
        {QStringLiteral("tls"), QStringLiteral("%1|%2|%3|%4")
                                    .arg(c.tls.enabled ? QStringLiteral("y") : QStringLiteral("n"))
                                    .arg(c.tls.caFile, c.tls.certFile, c.tls.keyFile)},
        {QStringLiteral("dataDir"), o.dataDir},
        {QStringLiteral("db"), o.database},
        {QStringLiteral("instance"), o.instance},
        {QStringLiteral("seed-demo"),
         r.isSet(QStringLiteral("seed-demo")) ? QStringLiteral("set") : QString()},
        {QStringLiteral("clinic"), r.value(QStringLiteral("clinic"))},
    };
    return fields.value(name, QStringLiteral("<no such field>"));
}

ParsedCommandLine parse(const QStringList& args, const host::ServiceEnvironment& env)
{
    const QList<QCommandLineOption> extra{
        QCommandLineOption(QStringLiteral("seed-demo"), QStringLiteral("Seed demo data.")),
        QCommandLineOption(QStringLiteral("clinic"), QStringLiteral("Clinic code."),
                           QStringLiteral("code"))};
    return host::parseServiceCommandLine(QStringLiteral("registration"), QStringLiteral("0.1.0"),
                                         QStringList{QStringLiteral("opd-registration")} + args,
                                         extra, env);
}

} // namespace

class TestHostOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("envUrl");
        QTest::addColumn<QString>("envPassword");
        QTest::addColumn<QString>("fieldName");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* tag, QStringList args, QString fieldName, QString expected,
                      QString envUrl = {}, QString envPassword = {}) {
            QTest::newRow(tag) << args << envUrl << envPassword << fieldName << expected;
        };
        const auto s = [](const char* text) { return QString::fromUtf8(text); };
        row("default server", {}, s("servers"), s("nats://127.0.0.1:4222"));
        row("env server", {}, s("servers"), s("nats://a:1,tls://b:2"), s("nats://a:1,tls://b:2"));
        row("option beats env", {s("--nats-url"), s("nats://c:3")}, s("servers"), s("nats://c:3"),
            s("nats://a:1"));
        row("comma list", {s("--nats-url=nats://a:1, b:2,")}, s("servers"),
            s("nats://a:1,nats://b:2"));
        row("default instance", {}, s("instance"), s("ward-pc-4242"));
        row("connection name", {s("--instance"), s("r2")}, s("name"), s("registration-r2"));
        row("user+password", {s("--user"), s("reg"), s("--password"), s("pw")}, s("password"),
            s("pw"));
        row("password from env", {s("--user"), s("reg")}, s("password"), s("secret"), {},
            s("secret"));
        row("env password needs user", {}, s("user"), QString(), {}, s("secret"));
        row("creds", {s("--creds"), s("/etc/opd/reg.creds")}, s("creds"), s("/etc/opd/reg.creds"));
        row("nkey", {s("--nkey"), kPublicKey, s("--nkey-seed"), s("/k.nk")}, s("nkey"),
            kPublicKey + s("|/k.nk"));
        row("tls ca", {s("--tls-ca"), s("/ca.pem")}, s("tls"), s("y|/ca.pem||"));
        row("tls url", {s("--nats-url"), s("tls://h:4222")}, s("tls"), s("y|||"));
        row("mutual tls", {s("--tls-cert"), s("/c.pem"), s("--tls-key"), s("/k.pem")}, s("tls"),
            s("y||/c.pem|/k.pem"));
        row("no tls", {}, s("tls"), s("n|||"));
        row("default data dir", {}, s("dataDir"), s("/var/lib/openopd/registration"));
        row("data dir", {s("--data-dir"), s("/srv/opd")}, s("dataDir"), s("/srv/opd"));
        row("default db", {}, s("db"), QString());
        row("postgres", {s("--db"), s("postgresql://opd@db:5432/reg")}, s("db"),
            s("postgresql://opd@db:5432/reg"));
        row("extra flag", {s("--seed-demo")}, s("seed-demo"), s("set"));
        row("extra value", {s("--clinic"), s("OPD1")}, s("clinic"), s("OPD1"));
    }

    void valid()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, envUrl);
        QFETCH(QString, envPassword);
        QFETCH(QString, fieldName);
        QFETCH(QString, expected);
        const ParsedCommandLine r = parse(args, environment(envUrl, envPassword));
        QVERIFY2(r.action == ParsedCommandLine::Action::Run, qPrintable(r.message));
        QCOMPARE(field(r, fieldName), expected);
    }

    void dataDirFromEnvironment()
    {
        const auto r = parse({}, environment({}, {}, QStringLiteral("/data")));
        QCOMPARE(r.options.dataDir, QStringLiteral("/data"));
    }

    void helpAndVersion()
    {
        const auto help = parse({QStringLiteral("--help")}, environment());
        QCOMPARE(help.action, ParsedCommandLine::Action::ShowHelp);
        QVERIFY(help.message.contains(QStringLiteral("--nats-url")));
        QVERIFY(help.message.contains(QStringLiteral("--seed-demo")));
        const auto version = parse({QStringLiteral("--version")}, environment());
        QCOMPARE(version.action, ParsedCommandLine::Action::ShowVersion);
        QCOMPARE(version.message, QStringLiteral("registration 0.1.0"));
    }

    void invalid_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        const auto s = [](const char* text) { return QString::fromUtf8(text); };
        QTest::newRow("unknown") << QStringList{s("--frobnicate")} << s("frobnicate");
        QTest::newRow("missing value") << QStringList{s("--nats-url")} << s("nats-url");
        QTest::newRow("empty value") << QStringList{s("--user=")} << s("--user");
        QTest::newRow("bad url") << QStringList{s("--nats-url"), s("http://x:1")}
                                 << s("--nats-url");
        QTest::newRow("no url") << QStringList{s("--nats-url"), s(",")} << s("--nats-url");
        QTest::newRow("password alone") << QStringList{s("--password"), s("p")} << s("--password");
        QTest::newRow("user alone") << QStringList{s("--user"), s("u")} << s("--user");
        QTest::newRow("creds+user")
            << QStringList{s("--creds"), s("c"), s("--user"), s("u"), s("--password"), s("p")}
            << s("--creds");
        QTest::newRow("seed alone") << QStringList{s("--nkey-seed"), s("/k")} << s("--nkey-seed");
        QTest::newRow("nkey alone") << QStringList{s("--nkey"), kPublicKey} << s("--nkey");
        QTest::newRow("bad nkey") << QStringList{s("--nkey"), s("SUABC"), s("--nkey-seed"), s("/k")}
                                  << s("--nkey");
        QTest::newRow("cert alone") << QStringList{s("--tls-cert"), s("/c")} << s("--tls-cert");
        QTest::newRow("key alone") << QStringList{s("--tls-key"), s("/k")} << s("--tls-key");
        QTest::newRow("bad instance") << QStringList{s("--instance"), s("a.b")} << s("--instance");
        // PCRE's '$' also matches before a final newline: the whole value must match.
        QTest::newRow("instance with newline")
            << QStringList{s("--instance"), s("r2\n")} << s("--instance");
        QTest::newRow("bad db") << QStringList{s("--db"), s("mysql://h/d")} << s("--db");
        QTest::newRow("positional") << QStringList{s("stray")} << s("stray");
        QTest::newRow("password-stdin alone")
            << QStringList{s("--password-stdin")} << s("--password-stdin requires --user");
        QTest::newRow("password-stdin and password")
            << QStringList{s("--user"), s("u"), s("--password"), s("p"), s("--password-stdin")}
            << s("--password-stdin cannot be combined");
    }

    void invalid()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const ParsedCommandLine r = parse(args, environment());
        QCOMPARE(r.action, ParsedCommandLine::Action::Fail);
        QVERIFY2(r.message.contains(mentions), qPrintable(r.message));
    }

    void passwordFromStdinIsLeftToTheHost()
    {
        // The environment's password is not used: the launcher pipes the service its own.
        const auto r = parse({QStringLiteral("--user"), QStringLiteral("svc.registration"),
                              QStringLiteral("--password-stdin")},
                             environment({}, QStringLiteral("from-env")));
        QVERIFY2(r.action == ParsedCommandLine::Action::Run, qPrintable(r.message));
        QVERIFY(r.options.passwordFromStdin);
        QVERIFY(r.options.password.isEmpty());
    }

    void badEnvironmentUrlNamesTheVariable()
    {
        const auto r = parse({}, environment(QStringLiteral("ftp://x")));
        QCOMPARE(r.action, ParsedCommandLine::Action::Fail);
        QVERIFY2(r.message.contains(QStringLiteral("OPENOPD_NATS_URL")), qPrintable(r.message));
    }
};

QTEST_GUILESS_MAIN(TestHostOptions)
#include "test_host_options.moc"
