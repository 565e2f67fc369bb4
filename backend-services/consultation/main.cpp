// openopd-consultation: the doctor's queue, consultations and patient history (the book's
// "inspection"). Common service options (--nats-url, --db, ...) come from the service host.
// It has no demo data (--seed-demo changes nothing): the queue is built from registration's
// events.

#include "bus/nats_library.h"
#include "consultation/consultation_schema.h"
#include "consultation/consultation_service.h"
#include "host/service_host.h"

#include <QCoreApplication>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    host::ServiceHost host(
        {QStringLiteral("consultation"),
         QStringLiteral(OPENOPD_CONSULTATION_VERSION),
         QCoreApplication::translate("openopd::consultation",
                                     "The doctor's queue, consultations and patient history"),
         {},
         {},
         {}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    consultation::ConsultationService service(host);
    return host.run(&consultation::addMigrations, [&] { return service.start(); });
}
