// openopd-pharmacy: dispensing, stock and the lab on the OpenOPD service host.

#include "bus/nats_library.h"
#include "host/service_host.h"
#include "pharmacy/pharmacy_service.h"

#include <QCoreApplication>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    host::ServiceHost host({QStringLiteral("pharmacy"),
                            QStringLiteral("1.0.0"),
                            QStringLiteral("Pharmacy and lab: prescriptions, dispensing, stock, "
                                           "lab orders and results"),
                            {},
                            {},
                            pharmacy::PharmacyService::demoDataDescription()});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    pharmacy::PharmacyService service(host);
    return host.run(&pharmacy::PharmacyService::addMigrations, [&] { return service.start(); });
}
