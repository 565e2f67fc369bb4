// openopd-consultation: the doctor's queue, consultations and patient history (the book's
// "inspection"). Common service options (--nats-url, --db, ...) come from the service host.

#include "bus/nats_library.h"
#include "consultation/consultation_schema.h"
#include "consultation/consultation_service.h"
#include "host/service_host.h"

#include <QCoreApplication>
#include <QDebug>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QCommandLineOption seedDemo(
        QStringLiteral("seed-demo"),
        QCoreApplication::translate("openopd::consultation",
                                    "Accepted for symmetry with the other services: the "
                                    "consultation service has no demo data of its own (its "
                                    "queue is built from registration's events)."));
    QCommandLineOption ackWait(QString::fromLatin1(consultation::kAckWaitOption),
                               QStringLiteral("Consumer ack wait (tests)."), QStringLiteral("ms"),
                               QStringLiteral("30000"));
    ackWait.setFlags(QCommandLineOption::HiddenFromHelp);
    host::ServiceHost host(
        {QStringLiteral("consultation"),
         QStringLiteral(OPENOPD_CONSULTATION_VERSION),
         QCoreApplication::translate("openopd::consultation",
                                     "The doctor's queue, consultations and patient history"),
         {},
         {seedDemo, ackWait}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    consultation::ConsultationService service(host);
    return host.run(&consultation::addMigrations, [&] {
        if (host.commandLine().isSet(QStringLiteral("seed-demo")))
            qInfo().noquote() << "--seed-demo: nothing to seed in the consultation service";
        return service.start();
    });
}
