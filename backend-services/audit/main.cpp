// openopd-audit: the append-only, hash-chained audit log of every OPD event.

#include "audit/audit_consumer.h"
#include "audit/audit_service.h"
#include "bus/nats_library.h"

#include <QCoreApplication>
#include <QDebug>

using namespace openopd;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QCommandLineOption seedDemo(
        QStringLiteral("seed-demo"),
        QCoreApplication::translate("openopd::audit",
                                    "Accepted for symmetry with the other services: the audit "
                                    "log is built from events only, it has no demo data."));
    QCommandLineOption ackWait(QString::fromLatin1(audit::kAckWaitOption),
                               QStringLiteral("Consumer ack wait (tests)."), QStringLiteral("ms"),
                               QStringLiteral("30000"));
    ackWait.setFlags(QCommandLineOption::HiddenFromHelp);
    host::ServiceHost host(
        {QStringLiteral("audit"),
         QStringLiteral("1.0.0"),
         QCoreApplication::translate("openopd::audit",
                                     "Append-only, hash-chained audit log of every event"),
         {},
         {seedDemo, ackWait}});
    if (auto exitCode = host.configure(app.arguments()))
        return *exitCode;
    audit::AuditService service(host);
    return host.run(&audit::AuditService::addMigrations, [&] {
        if (host.commandLine().isSet(QStringLiteral("seed-demo")))
            qInfo().noquote() << "--seed-demo: nothing to seed in the audit service";
        return service.start();
    });
}
