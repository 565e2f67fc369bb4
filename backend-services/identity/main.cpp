// openopd-identity: staff accounts, sign-in and sessions (see identity_service.h).
//
//   --create-admin NAME   create (or re-enable and reset) an admin account, reading the
//                         password from the terminal (or one line of stdin), then exit
//   --session-hours H     session length, 1..168 (default 12)
//   --seed-demo           demo staff with the demo password "demo-password" (demo data only)

#include "bus/nats_library.h"
#include "identity/identity_service.h"
#include "identity/staff_setup.h"

#include <QCoreApplication>
#include <cstdio>

using namespace openopd;

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::identity)
};

// A number option within [min, max]; false (and a message naming it) otherwise.
bool numberOption(const host::ServiceHost& host, const QCommandLineOption& option, qint64 min,
                  qint64 max, std::optional<qint64>* value)
{
    const QString text = host.commandLine().value(option.names().constFirst());
    if (text.isEmpty())
        return true;
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < min || number > max) {
        std::fputs(qPrintable(Text::tr("--%1 must be a number from %2 to %3")
                                  .arg(option.names().constFirst())
                                  .arg(min)
                                  .arg(max) +
                              u'\n'),
                   stderr);
        return false;
    }
    *value = number;
    return true;
}

QCommandLineOption hidden(QCommandLineOption option)
{
    option.setFlags(QCommandLineOption::HiddenFromHelp);
    return option;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QCommandLineOption createAdmin(
        QStringLiteral("create-admin"),
        Text::tr("Create the admin account <name> (or enable it and set its password), reading "
                 "the password from the terminal, or one line of standard input; then exit."),
        QStringLiteral("name"));
    const QCommandLineOption sessionHours(
        QStringLiteral("session-hours"),
        Text::tr("How long a sign-in lasts unless renewed, 1 to 168 hours (default 12)."),
        QStringLiteral("h"));
    const QCommandLineOption sessionSeconds = hidden(QCommandLineOption(
        QStringLiteral("session-seconds"),
        QStringLiteral("Test only: session length in seconds (overrides --session-hours)."),
        QStringLiteral("s")));
    const QCommandLineOption lockSeconds = hidden(QCommandLineOption(
        QStringLiteral("signin-lock-seconds"),
        QStringLiteral("Test only: the first sign-in lock after 5 failures (default 30)."),
        QStringLiteral("s")));
    const QCommandLineOption sweepMs = hidden(QCommandLineOption(
        QStringLiteral("sweep-ms"),
        QStringLiteral("Test only: how often expired sessions are ended (default 5000)."),
        QStringLiteral("ms")));
    host::ServiceHost host(
        {QStringLiteral("identity"),
         QStringLiteral("1.0.0"),
         Text::tr("Staff accounts, sign-in and sessions"),
         {},
         {createAdmin, sessionHours, sessionSeconds, lockSeconds, sweepMs},
         Text::tr("Create the demo staff (reception, dr.silva, pharma, lab, admin), all with the "
                  "password \"demo-password\": demo data, never for a real clinic.")});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;

    identity::IdentitySettings settings;
    std::optional<qint64> hours, seconds, lock, sweep;
    if (!numberOption(host, sessionHours, 1, 168, &hours) ||
        !numberOption(host, sessionSeconds, 1, 168 * 3600, &seconds) ||
        !numberOption(host, lockSeconds, 1, 900, &lock) ||
        !numberOption(host, sweepMs, 100, 60000, &sweep))
        return 2;
    if (hours)
        settings.sessionLength = std::chrono::hours(*hours);
    if (seconds)
        settings.sessionLength = std::chrono::seconds(*seconds);
    if (lock)
        settings.lockBase = std::chrono::seconds(*lock);
    if (sweep)
        settings.sweepInterval = std::chrono::milliseconds(*sweep);

    if (const QString admin = host.commandLine().value(createAdmin.names().constFirst());
        !admin.isEmpty())
        return identity::createAdmin(host.options(), admin);

    identity::IdentityService service(host, settings);
    return host.run(&identity::IdentityService::addMigrations, [&] {
        if (host.seedDemoRequested() && !identity::seedDemo(host))
            return false;
        return service.start();
    });
}
