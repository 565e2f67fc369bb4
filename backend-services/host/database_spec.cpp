#include "host/database_spec.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace openopd::host {

namespace {

constexpr int kDefaultConnectTimeoutSec = 10;

// The query's password values (key "password", also percent-encoded) replaced by "***".
QString redactedQuery(const QString& spec)
{
    const qsizetype start = spec.indexOf(u'?');
    if (start < 0)
        return spec;
    qsizetype end = spec.indexOf(u'#', start);
    if (end < 0)
        end = spec.size();
    QStringList items = spec.mid(start + 1, end - start - 1).split(u'&');
    for (QString& item : items) {
        const qsizetype equals = item.indexOf(u'=');
        if (equals >= 0 && QUrl::fromPercentEncoding(item.left(equals).toUtf8())
                                   .compare(u"password"_s, Qt::CaseInsensitive) == 0)
            item = item.left(equals + 1) + u"***"_s;
    }
    return spec.left(start + 1) + items.join(u'&') + spec.mid(end);
}

// The spec with any password (user info or query) replaced by "***", for messages.
QString redacted(const QString& text)
{
    const QString spec = redactedQuery(text);
    const qsizetype authority = spec.indexOf(u"://"_s);
    if (authority < 0)
        return spec;
    const qsizetype start = authority + 3;
    qsizetype end = spec.indexOf(u'/', start);
    if (end < 0)
        end = spec.size();
    const qsizetype at = spec.lastIndexOf(u'@', end - 1);
    if (at < start)
        return spec;
    const qsizetype colon = spec.indexOf(u':', start);
    if (colon < 0 || colon > at)
        return spec;
    return spec.left(colon + 1) + u"***"_s + spec.mid(at);
}

// A libpq conninfo value in single quotes ('\' and '\'' escaped).
QString quotedOption(const QString& value)
{
    QString escaped = value;
    escaped.replace(u"\\"_s, u"\\\\"_s);
    escaped.replace(u"'"_s, u"\\'"_s);
    return u"'"_s + escaped + u"'"_s;
}

bus::Result<DatabaseSpec> sqliteSpec(QString path, const QString& dataDir)
{
    if (path.isEmpty())
        return databaseError(u"the --db SQLite spec names no file"_s);
    if (path == u":memory:"_s)
        return databaseError(u"an in-memory SQLite database is not allowed: a service's data "
                             "must survive a restart"_s);
    const QDir base(dataDir.isEmpty() ? QDir::currentPath() : dataDir);
    DatabaseSpec spec;
    spec.driver = Driver::Sqlite;
    spec.path = QDir::cleanPath(base.absoluteFilePath(path));
    return spec;
}

bus::Result<DatabaseSpec> sqliteUrlSpec(const QString& text, const QString& dataDir)
{
    const QUrl url(text);
    if (!url.isValid())
        return databaseError(u"the --db SQLite URL '"_s + redacted(text) + u"' is not valid"_s);
    if (!url.host().isEmpty() || url.port() != -1 || !url.userInfo().isEmpty())
        return databaseError(u"the --db SQLite URL '"_s + redacted(text) +
                             u"' names a host; write sqlite:///absolute/path or sqlite:path"_s);
    return sqliteSpec(url.path(QUrl::FullyDecoded), dataDir);
}

// Applies one URL query item to spec; false with *error on a bad item.
bool applyQueryItem(DatabaseSpec& spec, QStringList& options, const QString& key,
                    const QString& value, QString* error)
{
    // anchoredPattern: "^…$" would let a final newline through.
    static const QRegularExpression keyword(QRegularExpression::anchoredPattern(u"[a-z_]+"_s));
    if (!keyword.match(key).hasMatch()) {
        *error = u"parameter '"_s + key + u"' is not a libpq keyword"_s;
        return false;
    }
    // Given in the URL too: which one is meant is a guess (found by fuzz_database_spec: a
    // query password silently replaced the user info's). A query host may replace the URL's
    // (postgresql://u@ignored/d?host=/run/postgresql: a socket directory has no URL form).
    const bool inUrlToo = (key == u"password"_s && !spec.password.isEmpty()) ||
                          (key == u"user"_s && !spec.user.isEmpty()) ||
                          (key == u"dbname"_s && !spec.database.isEmpty()) ||
                          (key == u"port"_s && spec.port != -1);
    if (inUrlToo) {
        *error = u"parameter '"_s + key + u"' is given in the URL too"_s;
        return false;
    }
    if (key == u"password"_s) {
        spec.password = value;
    } else if (key == u"host"_s) {
        spec.host = value;
    } else if (key == u"user"_s) {
        spec.user = value;
    } else if (key == u"dbname"_s) {
        spec.database = value;
    } else if (key == u"port"_s) {
        bool ok = false;
        spec.port = value.toInt(&ok);
        if (!ok || spec.port <= 0 || spec.port > 65535) {
            *error = u"parameter 'port' is not a port number"_s;
            return false;
        }
    } else if (value.contains(u';')) {
        *error = u"parameter '"_s + key + u"' contains ';' (Qt's QPSQL cannot pass it)"_s;
        return false;
    } else {
        options.append(key + u'=' + quotedOption(value));
    }
    return true;
}

bus::Result<DatabaseSpec> postgresSpec(const QString& text, const QString& application)
{
    const QString shown = redacted(text);
    const QString expected = u" (expected postgresql://user[:password]@host[:port]/dbname)"_s;
    const QUrl url(text);
    if (!url.isValid())
        return databaseError(u"the --db PostgreSQL URL '"_s + shown + u"' is not valid"_s +
                             expected);
    if (url.hasFragment())
        return databaseError(u"the --db PostgreSQL URL '"_s + shown + u"' has a #fragment"_s);
    if (url.port(-1) == 0) // QUrl takes 0; libpq would read it as "the default"
        return databaseError(u"the --db PostgreSQL URL '"_s + shown +
                             u"': port 0 is not a port number"_s);

    DatabaseSpec spec;
    spec.driver = Driver::Postgres;
    spec.host = url.host(QUrl::FullyDecoded);
    spec.port = url.port(-1);
    spec.user = url.userName(QUrl::FullyDecoded);
    spec.password = url.password(QUrl::FullyDecoded);
    spec.database = url.path(QUrl::FullyDecoded);
    if (spec.database.startsWith(u'/'))
        spec.database.remove(0, 1);

    QStringList options;
    QStringList seen;
    const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto& [key, value] : items) {
        // Which of two values wins is anyone's guess (libpq takes the last): refuse both.
        if (seen.contains(key))
            return databaseError(u"the --db PostgreSQL URL '"_s + shown + u"': parameter '"_s +
                                 key + u"' is given more than once"_s);
        seen.append(key);
        QString error;
        if (!applyQueryItem(spec, options, key, value, &error))
            return databaseError(u"the --db PostgreSQL URL '"_s + shown + u"': "_s + error);
    }
    if (spec.host.isEmpty())
        return databaseError(u"the --db PostgreSQL URL '"_s + shown + u"' names no host"_s +
                             expected);
    if (spec.database.isEmpty() || spec.database.contains(u'/'))
        return databaseError(u"the --db PostgreSQL URL '"_s + shown +
                             u"' names no database (or more than one path segment)"_s + expected);
    const auto has = [&options](const QString& key) {
        return std::any_of(options.cbegin(), options.cend(),
                           [&key](const QString& option) { return option.startsWith(key + u'='); });
    };
    if (!has(u"connect_timeout"_s))
        options.append(u"connect_timeout="_s + QString::number(kDefaultConnectTimeoutSec));
    if (!has(u"application_name"_s))
        options.append(u"application_name="_s + quotedOption(application));
    spec.connectOptions = options.join(u';');
    return spec;
}

} // namespace

QString DatabaseSpec::describe() const
{
    if (driver == Driver::Sqlite)
        return u"SQLite "_s + path;
    QString text = u"PostgreSQL "_s;
    if (!user.isEmpty())
        text += user + u'@';
    const bool ipv6 = host.contains(u':') && !host.startsWith(u'/');
    text += ipv6 ? u'[' + host + u']' : host;
    if (port > 0)
        text += u':' + QString::number(port);
    return text + u'/' + database;
}

bus::Result<DatabaseSpec> parseDatabaseSpec(const QString& spec, const QString& dataDir,
                                            const QString& serviceName, const QString& instance)
{
    static const QRegularExpression validName(
        QRegularExpression::anchoredPattern(u"[A-Za-z0-9_-]+"_s));
    const QString text = spec.trimmed();

    if (text.startsWith(u"postgresql://"_s, Qt::CaseInsensitive) ||
        text.startsWith(u"postgres://"_s, Qt::CaseInsensitive)) {
        const QString application =
            instance.isEmpty() ? serviceName : serviceName + u'/' + instance;
        return postgresSpec(text, application);
    }
    if (text.startsWith(u"sqlite:"_s, Qt::CaseInsensitive))
        return sqliteUrlSpec(text, dataDir);
    // Any other "<something>://" is a URL we do not speak (or a mistyped one), never a file:
    // as a path it would create odd directories and show its password in describe().
    // Only the scheme is shown: where such a text has its password is anyone's guess.
    if (const qsizetype end = text.indexOf(u"://"_s); end >= 0) {
        static const QRegularExpression scheme(
            QRegularExpression::anchoredPattern(u"[A-Za-z][A-Za-z0-9+.-]{0,15}"_s));
        const QString name = text.left(end);
        return databaseError(u"the --db value has an unsupported scheme '"_s +
                             (scheme.match(name).hasMatch() ? name : u"?"_s) +
                             u"' (use a SQLite path, sqlite:///path or postgresql://...)"_s);
    }
    if (text.isEmpty()) {
        if (!validName.match(serviceName).hasMatch())
            return databaseError(u"service name '"_s + serviceName +
                                 u"' cannot name a database file (allowed: A-Z a-z 0-9 _ -)"_s);
        return sqliteSpec(serviceName + u".sqlite"_s, dataDir);
    }
    return sqliteSpec(text, dataDir);
}

bus::BusError databaseError(const QString& message, int code)
{
    const auto kind =
        code == 503 ? bus::BusError::Kind::NotConnected : bus::BusError::Kind::ServiceError;
    return bus::BusError::make(kind, message, {}, code);
}

} // namespace openopd::host
