// openopd-registration: patients, visits and queue tokens (see registration_service.h).

#include "bus/nats_library.h"
#include "demo_seed.h"
#include "name_index.h"
#include "registration_schema.h"
#include "registration_service.h"
#include "registration_text.h"

#include <QCoreApplication>
#include <cstdio>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QCommandLineOption generate(
        QStringLiteral("generate-patients"),
        registration::Text::tr("Make sure at least <n> synthetic patients exist (for load "
                               "tests; no events are published for them)."),
        QStringLiteral("n"));
    host::ServiceHost host(
        {QStringLiteral("registration"),
         QStringLiteral("1.0.0"),
         registration::Text::tr("Patients, visits and queue tokens"),
         {},
         {generate},
         registration::Text::tr("Load the demo staff and a few hundred demo patients (once; "
                                "running it again adds nothing).")});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    qint64 generateCount = 0;
    if (const QString text = host.commandLine().value(generate.names().constFirst());
        !text.isEmpty()) {
        bool ok = false;
        generateCount = text.toLongLong(&ok);
        if (!ok || generateCount < 0 || generateCount > 100'000'000) {
            std::fputs(qPrintable(registration::Text::tr("--generate-patients must be a number "
                                                         "from 0 to 100000000") +
                                  u'\n'),
                       stderr);
            return 2;
        }
    }
    registration::RegistrationService service(host);
    return host.run(&registration::addMigrations, [&] {
        registration::indexNamesAtCommit(host.database());
        if (host.seedDemoRequested() && !registration::seedDemo(host))
            return false;
        if (generateCount > 0 && !registration::generatePatients(host.database(), generateCount))
            return false;
        return service.start();
    });
}
