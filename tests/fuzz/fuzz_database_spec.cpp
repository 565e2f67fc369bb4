// fuzz_database_spec: the --db spec parser (host/database_spec.h). Checks what it promises: a
// SQLite spec is a clean absolute path; a PostgreSQL spec has a host and one database, a port
// in range, and connect options QPSQL splits into key=value items only; an error is 503
// "database unavailable"; and neither an error nor describe() ever shows the password.
// Input: the data directory, service name and instance, then the spec. A byte 0x01 in the spec
// stands for a recognisable password text, so the fuzzer can place one anywhere.

#include "fuzz_check.h"
#include "host/database_spec.h"

#include <QDir>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>
#include <cstdint>
#include <fuzzer/FuzzedDataProvider.h>

using namespace openopd;
using namespace Qt::StringLiterals;

namespace {

const QString kSecret = QStringLiteral("pw-S3cr3t-pw");

QString text(FuzzedDataProvider& in, std::size_t max)
{
    return QString::fromStdString(in.ConsumeRandomLengthString(max));
}

// What service_options guarantees: a token or nothing.
QString token(FuzzedDataProvider& in, const QString& fallback)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_-]+$"));
    const QString value = text(in, 16);
    return valid.match(value).hasMatch() ? value : fallback;
}

// The password a URL spec carries, as QUrl reads it: in the user info or the query.
bool carriesSecret(const QString& spec)
{
    if (!spec.contains(u"://") || spec.count(kSecret) != 1)
        return false; // a file path, or the text is elsewhere too (a host) where it is shown
    const QUrl url(spec);
    return url.password(QUrl::FullyDecoded).contains(kSecret) ||
           QUrlQuery(url)
               .queryItemValue(QStringLiteral("password"), QUrl::FullyDecoded)
               .contains(kSecret);
}

void checkOptions(const QString& options)
{
    static const QRegularExpression item(
        QStringLiteral(R"(^[a-z_]+=(?:'(?:[^'\\]|\\.)*'|[0-9]+)$)"));
    for (const QString& part : options.split(u';'))
        FUZZ_CHECK(item.match(part).hasMatch());
    FUZZ_CHECK(options.contains(QStringLiteral("connect_timeout=")));
    FUZZ_CHECK(options.contains(QStringLiteral("application_name=")));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    FuzzedDataProvider in(data, size);
    const QString dataDir = in.ConsumeBool() ? QString() : QStringLiteral("/") + text(in, 24);
    const QString service = token(in, QStringLiteral("registration"));
    const QString instance = in.ConsumeBool() ? QString() : token(in, QString());
    QString spec = QString::fromStdString(in.ConsumeRemainingBytesAsString());
    spec.replace(QChar(u'\x01'), kSecret);

    const auto parsed = host::parseDatabaseSpec(spec, dataDir, service, instance);
    const bool secret = carriesSecret(spec.trimmed());
    const QString outcome = parsed ? parsed->describe() + u" options "_s + parsed->connectOptions
                                   : parsed.error().message;
    openopd::fuzz::fuzzContext() = QString(u"spec '"_s + spec + u"' -> "_s + outcome).toStdString();
    if (!parsed) {
        const bus::BusError& error = parsed.error();
        FUZZ_CHECK(error.kind == bus::BusError::Kind::NotConnected && error.code == 503);
        FUZZ_CHECK(!error.message.isEmpty());
        FUZZ_CHECK(!secret || !error.message.contains(kSecret));
        return 0;
    }
    const host::DatabaseSpec& db = *parsed;
    if (db.driver == host::Driver::Sqlite) {
        FUZZ_CHECK(QDir::isAbsolutePath(db.path) && QDir::cleanPath(db.path) == db.path);
        FUZZ_CHECK(db.host.isEmpty() && db.password.isEmpty() && db.connectOptions.isEmpty());
    } else {
        FUZZ_CHECK(!db.host.isEmpty());
        FUZZ_CHECK(!db.database.isEmpty() && !db.database.contains(u'/'));
        FUZZ_CHECK(db.port == -1 || (db.port > 0 && db.port <= 65535));
        checkOptions(db.connectOptions);
        FUZZ_CHECK(!secret || db.password.contains(kSecret));
    }
    FUZZ_CHECK(!secret || !db.describe().contains(kSecret));
    return 0;
}
