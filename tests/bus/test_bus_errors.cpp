// Errors named for what happened: a bad option is a ConfigurationError naming the file, a
// refused subscription is SubscribeFailed, a subscription is inactive while its connection is
// closed, and route() stamps each event with a message id and reports a failed publish.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "bus_test_util.h"
#include "support/nats_server.h"
#include "test_contracts.h"

#include <QSignalSpy>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using State = bus::Connection::State;
using BusError = bus::BusError;

namespace {
constexpr bus::Event<Tick> kRoutedTicks{"opd.events.test.routed"};
} // namespace

class TickSource : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void ticked(const openopd::testing::Tick& tick);
};

class TestBusErrors : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server;
    std::unique_ptr<bus::Connection> m_bus;

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        qRegisterMetaType<State>();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_bus = connectTo(m_server.url());
        QVERIFY(m_bus);
    }

    void missingFilesAreConfigurationErrors_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("CA") << QStringLiteral("ca");
        QTest::newRow("client certificate") << QStringLiteral("cert");
        QTest::newRow("credentials") << QStringLiteral("creds");
    }

    void missingFilesAreConfigurationErrors()
    {
        QFETCH(QString, which);
        const QString path = QStringLiteral("/nonexistent/%1.pem").arg(which);
        auto options = optionsFor(m_server.url());
        if (which == QStringLiteral("ca"))
            options.tls.caFile = path;
        else if (which == QStringLiteral("cert"))
            options.tls.certFile = path;
        else
            options.credsFile = path;
        bus::Connection connection(options);
        connection.open();
        QCOMPARE(connection.state(), State::Closed);
        QCOMPARE(connection.lastError().kind, BusError::Kind::ConfigurationError);
        QVERIFY2(connection.lastError().message.contains(path),
                 qPrintable(connection.lastError().toString()));
    }

    void invalidSubjectIsSubscribeFailed()
    {
        QObject owner;
        bus::Subscription* subscription =
            m_bus->subscribe("bad subject", &owner, [](const bus::Message&) {});
        QSignalSpy failed(subscription, &bus::Subscription::failed);
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.at(0).at(0).value<BusError>().kind, BusError::Kind::SubscribeFailed);
        QVERIFY(!subscription->isActive());
    }

    void subscriptionIsInactiveWhileClosed()
    {
        auto connection = connectTo(m_server.url());
        QVERIFY(connection);
        QObject owner;
        bus::Subscription* subscription =
            connection->subscribe("test.ticks", &owner, [](const bus::Message&) {});
        QVERIFY(subscription->isActive());
        connection->close();
        QVERIFY(!subscription->isActive());
        connection->open();
        QTRY_COMPARE(connection->state(), State::Connected);
        QVERIFY(subscription->isActive());
    }

    void routedEventsCarryAMessageIdAndReportFailures()
    {
        auto publisher = connectTo(m_server.url());
        QVERIFY(publisher);
        QObject owner;
        QList<bus::Message> seen;
        m_bus->subscribe("opd.events.test.routed", &owner,
                         [&seen](const bus::Message& m) { seen.append(m); });
        TickSource source;
        QList<BusError> failures;
        bus::route(*publisher, &source, &TickSource::ticked, kRoutedTicks,
                   [&failures](const BusError& error) { failures.append(error); });
        QTest::qWait(100);
        Q_EMIT source.ticked(Tick{1});
        Q_EMIT source.ticked(Tick{2});
        QTRY_COMPARE(seen.size(), 2);
        const QByteArray first = seen.at(0).header(bus::kMsgIdHeader);
        QVERIFY(!first.isEmpty());
        QVERIFY(first != seen.at(1).header(bus::kMsgIdHeader)); // one id per message
        QVERIFY(failures.isEmpty());

        publisher->close();
        Q_EMIT source.ticked(Tick{3});
        QCOMPARE(failures.size(), 1);
        QCOMPARE(failures.at(0).kind, BusError::Kind::NotConnected);

        // Without a failure handler the connection reports it.
        TickSource other;
        bus::route(*publisher, &other, &TickSource::ticked, kRoutedTicks);
        QSignalSpy errors(publisher.get(), &bus::Connection::errorOccurred);
        Q_EMIT other.ticked(Tick{4});
        QCOMPARE(errors.count(), 1);
    }

    void typedPublishToAnEventStampsAMessageId()
    {
        QObject owner;
        QList<bus::Message> seen;
        m_bus->subscribe("opd.events.test.routed", &owner,
                         [&seen](const bus::Message& m) { seen.append(m); });
        QTest::qWait(100);
        QVERIFY(!bus::publish(*m_bus, kRoutedTicks, Tick{5}).isError());
        QVERIFY(!bus::publish(*m_bus, kTicks, Tick{6}).isError());
        QTRY_COMPARE(seen.size(), 1);
        QVERIFY(!seen.at(0).header(bus::kMsgIdHeader).isEmpty());
    }

    void cleanupTestCase() { m_bus.reset(); }
};

QTEST_GUILESS_MAIN(TestBusErrors)
#include "test_bus_errors.moc"
