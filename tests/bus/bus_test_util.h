#pragma once

// Helpers for bridge tests: a connected bus::Connection to a test nats-server.

#include "bus/connection.h"

#include <QTest>
#include <csignal>
#include <memory>

namespace openopd::testing {

// QtTest installs its crash handler for SIGPIPE after the test object (and so a member
// NatsLibrary, which ignores SIGPIPE) is built; a peer closing a socket would then kill the
// test. Call this first thing in initTestCase.
inline void ignoreSigpipe()
{
    std::signal(SIGPIPE, SIG_IGN);
}

inline bus::ConnectionOptions optionsFor(const QString& url)
{
    bus::ConnectionOptions options;
    options.servers = {url};
    options.name = QStringLiteral("openopd-test");
    options.reconnectWait = std::chrono::milliseconds(100);
    return options;
}

// Opens and waits (event loop running) until Connected; null if it does not get there.
inline std::unique_ptr<bus::Connection> connectTo(bus::ConnectionOptions options,
                                                  int timeoutMs = 10000)
{
    auto connection = std::make_unique<bus::Connection>(std::move(options));
    connection->open();
    if (!QTest::qWaitFor([&] { return connection->state() == bus::Connection::State::Connected; },
                         timeoutMs))
        return nullptr;
    return connection;
}

inline std::unique_ptr<bus::Connection> connectTo(const QString& url)
{
    return connectTo(optionsFor(url));
}

} // namespace openopd::testing
