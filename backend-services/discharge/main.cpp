// openopd-discharge: pending releases and discharge / admission / referral records.

#include "bus/nats_library.h"
#include "discharge/discharge_consumers.h"
#include "discharge/discharge_service.h"

#include <QCoreApplication>
#include <QDebug>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QCommandLineOption seedDemo(
        QStringLiteral("seed-demo"),
        QCoreApplication::translate("openopd::discharge",
                                    "Accepted for symmetry with the other services: the "
                                    "discharge service has no demo data of its own (its list is "
                                    "built from the other services' events)."));
    QCommandLineOption ackWait(QString::fromLatin1(discharge::kAckWaitOption),
                               QStringLiteral("Consumer ack wait (tests)."), QStringLiteral("ms"),
                               QStringLiteral("30000"));
    ackWait.setFlags(QCommandLineOption::HiddenFromHelp);
    host::ServiceHost host({QStringLiteral("discharge"),
                            QStringLiteral("1.0.0"),
                            QCoreApplication::translate("openopd::discharge",
                                                        "Pending releases and discharge records"),
                            {},
                            {seedDemo, ackWait}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    discharge::DischargeService service(host);
    return host.run(&discharge::DischargeService::addMigrations, [&] {
        if (host.commandLine().isSet(QStringLiteral("seed-demo")))
            qInfo().noquote() << "--seed-demo: nothing to seed in the discharge service";
        return service.start();
    });
}
