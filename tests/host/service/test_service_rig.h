#pragma once

// The setup the host's process tests share: a nats-server of their own, a data directory, the
// test service as a child process (on SQLite there, or on its own PostgreSQL database) and a
// client connection. Each test case builds one in init() and drops it in cleanup().

#include "bus/connection.h"
#include "service/service_process.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"

#include <QDebug>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace openopd::testing {

struct TestServiceRig
{
    std::unique_ptr<NatsServer> nats;
    std::unique_ptr<QTemporaryDir> dataDir;
    std::unique_ptr<bus::Connection> client;
    std::unique_ptr<ServiceProcess> service; // made, not started
    QStringList arguments;                   // what the service is started with

    // postgres null: SQLite in the data directory; else a fresh database named `database`.
    bool start(const QStringList& extra, PostgresServer* postgres, const QString& database,
               QString* error)
    {
        nats = std::make_unique<NatsServer>();
        if (!nats->start()) {
            *error = nats->errorString();
            return false;
        }
        dataDir = std::make_unique<QTemporaryDir>();
        arguments = QStringList{QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"),
                                nats->url(), QStringLiteral("--data-dir"), dataDir->path()} +
                    extra;
        if (postgres != nullptr) {
            if (!postgres->createDatabase(database)) {
                *error = postgres->errorString();
                return false;
            }
            arguments << QStringLiteral("--db") << postgres->connectionUrl(database);
        }
        service = std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_TEST_SERVICE), arguments);
        bus::ConnectionOptions options;
        options.servers = {nats->url()};
        client = std::make_unique<bus::Connection>(options);
        client->open();
        if (!QTest::qWaitFor(
                [this] { return client->state() == bus::Connection::State::Connected; }, 10000)) {
            *error = QStringLiteral("the client did not connect to %1").arg(nats->url());
            return false;
        }
        return true;
    }

    // Prints the service's log when the test case failed, then stops everything.
    void reset()
    {
        if (QTest::currentTestFailed() && service)
            qWarning().noquote() << "service log:\n" << service->log();
        service.reset();
        client.reset();
        dataDir.reset();
        nats.reset();
    }
};

} // namespace openopd::testing
