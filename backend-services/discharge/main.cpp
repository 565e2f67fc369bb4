// openopd-discharge: pending releases and discharge / admission / referral records. It has
// no demo data (--seed-demo changes nothing): its list is built from the other services'
// events.

#include "bus/nats_library.h"
#include "discharge/discharge_service.h"

#include <QCoreApplication>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    host::ServiceHost host({QStringLiteral("discharge"),
                            QStringLiteral("1.0.0"),
                            QCoreApplication::translate("openopd::discharge",
                                                        "Pending releases and discharge records"),
                            {},
                            {},
                            {}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    discharge::DischargeService service(host);
    return host.run(&discharge::DischargeService::addMigrations, [&] { return service.start(); });
}
