#include "service_client.h"

#include "service/jetstream_probe.h"

namespace openopd::testing {

QString ServiceEnvironment::databasePath() const
{
    return dataDir.filePath(m_name + QStringLiteral(".sqlite"));
}

bool ServiceEnvironment::start(const QStringList& extraArguments)
{
    if (!nats.start()) {
        m_error = nats.errorString();
        return false;
    }
    QStringList arguments{QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"),
                          nats.url(), QStringLiteral("--data-dir"), dataDir.path()};
    if (!extraArguments.contains(QStringLiteral("--db")))
        arguments << QStringLiteral("--db") << databasePath();
    service = std::make_unique<ServiceProcess>(m_program, arguments + extraArguments);
    if (!service->start()) {
        m_error = QStringLiteral("the service did not start:\n") + service->log();
        return false;
    }
    bus::ConnectionOptions options;
    options.servers = {nats.url()};
    client = std::make_unique<bus::Connection>(options);
    client->open();
    if (!QTest::qWaitFor([this] { return client->state() == bus::Connection::State::Connected; },
                         10000)) {
        m_error = QStringLiteral("the client did not connect");
        return false;
    }
    return true;
}

qint64 storedEvents(bus::Connection& client, const QByteArray& subject)
{
    return streamCount(client, QStringLiteral("OPD_EVENTS"), QString::fromUtf8(subject));
}

} // namespace openopd::testing
