#include "host/service_options.h"

#include "host/database_spec.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>
#include <QUrl>

namespace openopd::host {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::host::ServiceOptions", text);
}

const QRegularExpression& tokenRegex()
{
    static const QRegularExpression regex(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_-]+"))); // no final \n
    return regex;
}

// An NKey user public key: 'U' and 55 more base32 characters.
const QRegularExpression& nkeyUserRegex()
{
    static const QRegularExpression regex(
        QRegularExpression::anchoredPattern(QStringLiteral("U[A-Z2-7]{55}")));
    return regex;
}

// "host:4222" becomes "nats://host:4222"; only nats:// and tls:// (what nats.c speaks) pass.
QString normalizeServerUrl(const QString& text)
{
    const QString candidate =
        text.contains(QStringLiteral("://")) ? text : QStringLiteral("nats://") + text;
    const QUrl url(candidate, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QStringLiteral("nats") && scheme != QStringLiteral("tls")))
        return {};
    return candidate;
}

struct Names
{
    static inline const QString natsUrl = QStringLiteral("nats-url");
    static inline const QString user = QStringLiteral("user");
    static inline const QString password = QStringLiteral("password");
    static inline const QString passwordStdin = QStringLiteral("password-stdin");
    static inline const QString creds = QStringLiteral("creds");
    static inline const QString nkey = QStringLiteral("nkey");
    static inline const QString nkeySeed = QStringLiteral("nkey-seed");
    static inline const QString tlsCa = QStringLiteral("tls-ca");
    static inline const QString tlsCert = QStringLiteral("tls-cert");
    static inline const QString tlsKey = QStringLiteral("tls-key");
    static inline const QString dataDir = QStringLiteral("data-dir");
    static inline const QString db = QStringLiteral("db");
    static inline const QString instance = QStringLiteral("instance");
};

struct OptionText
{
    const QString& name;
    const char* description;
    const char* valueName;
};

#define OPD_TR(text) QT_TRANSLATE_NOOP("openopd::host::ServiceOptions", text)
QList<QCommandLineOption> commonOptions()
{
    const OptionText table[] = {
        {Names::natsUrl,
         OPD_TR("NATS servers, comma-separated (default $OPENOPD_NATS_URL or "
                "nats://127.0.0.1:4222)."),
         OPD_TR("urls")},
        {Names::user, OPD_TR("NATS user name."), OPD_TR("name")},
        {Names::password,
         OPD_TR("NATS password (visible to other users in ps: prefer --password-stdin)."),
         OPD_TR("password")},
        {Names::creds, OPD_TR("NATS credentials file (JWT and seed)."), OPD_TR("file")},
        {Names::nkey, OPD_TR("NKey user public key (with --nkey-seed)."), OPD_TR("key")},
        {Names::nkeySeed, OPD_TR("File holding the NKey seed."), OPD_TR("file")},
        {Names::tlsCa, OPD_TR("CA certificate(s) to trust."), OPD_TR("file")},
        {Names::tlsCert, OPD_TR("Client certificate (with --tls-key)."), OPD_TR("file")},
        {Names::tlsKey, OPD_TR("Client private key."), OPD_TR("file")},
        {Names::dataDir,
         OPD_TR("Data directory (default $OPENOPD_DATA_DIR or the user's data directory)."),
         OPD_TR("dir")},
        {Names::db,
         OPD_TR("Database: a SQLite file (default <data-dir>/<service>.sqlite) or "
                "postgresql://user@host:port/name."),
         OPD_TR("url")},
        {Names::instance, OPD_TR("Instance name (default <host>-<pid>)."), OPD_TR("name")},
    };
    QList<QCommandLineOption> options;
    for (const OptionText& o : table)
        options.append(QCommandLineOption(o.name, tr(o.description), tr(o.valueName)));
    options.append(QCommandLineOption(
        Names::passwordStdin,
        tr(OPD_TR("Read the NATS password (with --user) as one line from standard input."))));
    return options;
}
#undef OPD_TR

QString dashed(const QString& name)
{
    return QStringLiteral("--") + name;
}

// Cross-option rules; the first broken one is reported, naming the option.
QString checkCredentials(const QCommandLineParser& p, ServiceOptions& o, const QString& envPassword)
{
    if (p.isSet(Names::password) && !p.isSet(Names::user))
        return tr("--password requires --user");
    if (o.passwordFromStdin && !p.isSet(Names::user))
        return tr("--password-stdin requires --user");
    if (o.passwordFromStdin && p.isSet(Names::password))
        return tr("--password-stdin cannot be combined with --password");
    // With --password-stdin the host reads the password before connecting.
    if (!o.user.isEmpty() && o.password.isEmpty() && !o.passwordFromStdin)
        o.password = envPassword;
    if (!o.user.isEmpty() && o.password.isEmpty() && !o.passwordFromStdin)
        return tr("--user requires --password or $OPENOPD_NATS_PASSWORD");
    if (!o.credsFile.isEmpty() && !o.user.isEmpty())
        return tr("--creds cannot be combined with --user");
    if (!o.nkeySeedFile.isEmpty() && (!o.user.isEmpty() || !o.credsFile.isEmpty()))
        return tr("--nkey-seed cannot be combined with --user or --creds");
    if (!o.nkeySeedFile.isEmpty() && o.nkeyPublic.isEmpty())
        return tr("--nkey-seed requires --nkey (the user's public key)");
    if (!o.nkeyPublic.isEmpty() && o.nkeySeedFile.isEmpty())
        return tr("--nkey requires --nkey-seed");
    if (!o.nkeyPublic.isEmpty() && !nkeyUserRegex().match(o.nkeyPublic).hasMatch())
        return tr("--nkey: \"%1\" is not an NKey user public key (U…)").arg(o.nkeyPublic);
    if (!o.tlsCertFile.isEmpty() && o.tlsKeyFile.isEmpty())
        return tr("--tls-cert requires --tls-key");
    if (!o.tlsKeyFile.isEmpty() && o.tlsCertFile.isEmpty())
        return tr("--tls-key requires --tls-cert");
    return {};
}

QString resolveServers(const QCommandLineParser& p, ServiceOptions& o, const QString& envUrl)
{
    const bool fromOption = p.isSet(Names::natsUrl);
    const QString source =
        fromOption ? dashed(Names::natsUrl) : QStringLiteral("$OPENOPD_NATS_URL");
    const QString text = fromOption         ? p.value(Names::natsUrl)
                         : envUrl.isEmpty() ? QStringLiteral("nats://127.0.0.1:4222")
                                            : envUrl;
    for (const QString& part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString url = normalizeServerUrl(part.trimmed());
        if (url.isEmpty())
            return tr("%1: invalid server URL \"%2\" (use nats://host:port or tls://host:port)")
                .arg(source, part.trimmed());
        o.natsServers.append(url);
    }
    if (o.natsServers.isEmpty())
        return tr("%1: no server URL given").arg(source);
    return {};
}

QString resolveStorage(const QCommandLineParser& p, ServiceOptions& o,
                       const ServiceEnvironment& env)
{
    o.dataDir = p.isSet(Names::dataDir)  ? p.value(Names::dataDir)
                : !env.dataDir.isEmpty() ? env.dataDir
                : env.dataRoot.isEmpty() ? QString()
                                         : env.dataRoot + u'/' + o.service;
    if (o.dataDir.isEmpty())
        return tr("--data-dir: no data directory given and none could be determined");
    o.database = p.value(Names::db); // empty: the default SQLite file
    const auto spec = parseDatabaseSpec(o.database, o.dataDir, o.service, o.instance);
    if (!spec)
        return tr("--db: %1").arg(spec.error().message);
    return {};
}

} // namespace

ServiceEnvironment ServiceEnvironment::fromProcess()
{
    ServiceEnvironment env;
    env.natsUrl = qEnvironmentVariable("OPENOPD_NATS_URL");
    env.natsPassword = qEnvironmentVariable("OPENOPD_NATS_PASSWORD");
    env.dataDir = qEnvironmentVariable("OPENOPD_DATA_DIR");
    const QString generic = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (!generic.isEmpty())
        env.dataRoot = generic + QStringLiteral("/openopd");
    env.hostName = QSysInfo::machineHostName();
    env.pid = QCoreApplication::applicationPid();
    return env;
}

bus::ConnectionOptions ServiceOptions::connectionOptions() const
{
    bus::ConnectionOptions c;
    c.servers = natsServers;
    c.name = service + u'-' + instance;
    c.user = user;
    c.password = password;
    c.credsFile = credsFile;
    c.nkeyPublic = nkeyPublic;
    c.nkeySeedFile = nkeySeedFile;
    c.tls.caFile = tlsCaFile;
    c.tls.certFile = tlsCertFile;
    c.tls.keyFile = tlsKeyFile;
    c.tls.enabled = !tlsCaFile.isEmpty() || !tlsCertFile.isEmpty() ||
                    natsServers.filter(QStringLiteral("tls://"), Qt::CaseInsensitive).size() > 0;
    return c;
}

ParsedCommandLine parseServiceCommandLine(const QString& service, const QString& version,
                                          const QStringList& arguments,
                                          const QList<QCommandLineOption>& extraOptions,
                                          const ServiceEnvironment& environment)
{
    ParsedCommandLine result;
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("OpenOPD %1 service").arg(service));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QList<QCommandLineOption> common = commonOptions();
    parser.addOptions(common);
    for (const QCommandLineOption& option : extraOptions)
        if (!parser.addOption(option)) {
            result.message = tr("--%1: clashes with another option").arg(option.names().value(0));
            return result;
        }
    if (!parser.parse(arguments)) {
        result.message = parser.errorText();
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.action = ParsedCommandLine::Action::ShowHelp;
        result.message = QCoreApplication::instance() != nullptr ? parser.helpText() : QString();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.action = ParsedCommandLine::Action::ShowVersion;
        result.message = service + u' ' + version;
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.message = tr("unexpected argument \"%1\"").arg(parser.positionalArguments().first());
        return result;
    }
    for (const QCommandLineOption& option : common)
        if (!option.valueName().isEmpty() && parser.isSet(option) &&
            parser.value(option).trimmed().isEmpty()) {
            result.message = tr("--%1 needs a value").arg(option.names().first());
            return result;
        }

    ServiceOptions& o = result.options;
    o.service = service;
    o.user = parser.value(Names::user);
    o.password = parser.value(Names::password);
    o.passwordFromStdin = parser.isSet(Names::passwordStdin);
    o.credsFile = parser.value(Names::creds);
    o.nkeyPublic = parser.value(Names::nkey);
    o.nkeySeedFile = parser.value(Names::nkeySeed);
    o.tlsCaFile = parser.value(Names::tlsCa);
    o.tlsCertFile = parser.value(Names::tlsCert);
    o.tlsKeyFile = parser.value(Names::tlsKey);
    o.instance = parser.value(Names::instance);
    if (o.instance.isEmpty()) {
        QString host = environment.hostName.section(u'.', 0, 0);
        host.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")), QStringLiteral("-"));
        o.instance = (host.isEmpty() ? QStringLiteral("host") : host) + u'-' +
                     QString::number(environment.pid);
    } else if (!tokenRegex().match(o.instance).hasMatch()) {
        result.message =
            tr("--instance: \"%1\" must use only A-Z, a-z, 0-9, - and _").arg(o.instance);
        return result;
    }
    QString error = resolveServers(parser, o, environment.natsUrl);
    if (error.isEmpty())
        error = checkCredentials(parser, o, environment.natsPassword);
    if (error.isEmpty())
        error = resolveStorage(parser, o, environment);
    if (!error.isEmpty()) {
        result.message = error;
        return result;
    }
    for (const QCommandLineOption& option : extraOptions)
        if (parser.isSet(option))
            result.extra.insert(option.names().first(), parser.values(option));
    result.action = ParsedCommandLine::Action::Run;
    return result;
}

} // namespace openopd::host
