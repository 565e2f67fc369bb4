// openopd-audit: the append-only, hash-chained audit log of every OPD event. It has no demo
// data (--seed-demo changes nothing): the log is built from the other services' events.

#include "audit/audit_service.h"
#include "bus/nats_library.h"

#include <QCoreApplication>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    host::ServiceHost host(
        {QStringLiteral("audit"),
         QStringLiteral("1.0.0"),
         QCoreApplication::translate("openopd::audit",
                                     "Append-only, hash-chained audit log of every event"),
         {},
         {},
         {}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    audit::AuditService service(host);
    return host.run(&audit::AuditService::addMigrations, [&] { return service.start(); });
}
