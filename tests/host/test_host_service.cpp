// The service host as a real process: two instances of the test service on a real
// nats-server answer every $SRV form, errors reach a bridge client typed, stats count.

#include "bus/nats_library.h"
#include "bus/typed.h"
#include "service/jetstream_probe.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace openopd;
using namespace openopd::testing;

class TestHostService : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    NatsServer m_nats;
    QTemporaryDir m_dataA;
    QTemporaryDir m_dataB;
    std::unique_ptr<ServiceProcess> m_a;
    std::unique_ptr<ServiceProcess> m_b;
    std::unique_ptr<bus::Connection> m_client;

    // Every reply to one request within the wait (all instances answer $SRV subjects).
    QList<QJsonObject> gather(const QByteArray& subject)
    {
        QList<QJsonObject> replies;
        const QByteArray inbox = m_client->newInbox();
        QObject owner;
        m_client->subscribe(inbox, &owner, [&replies](const bus::Message& m) {
            if (m.status == 0) // not the server's "no responders" status
                replies.append(QJsonDocument::fromJson(m.data).object());
        });
        QTest::qWait(50);
        m_client->publish(subject, {}, {}, inbox);
        QTest::qWait(500);
        return replies;
    }

    QStringList args(const QTemporaryDir& dir) const
    {
        return {QStringLiteral("--insecure-no-auth"),
                QStringLiteral("--nats-url"),
                m_nats.url(),
                QStringLiteral("--data-dir"),
                dir.path(),
                QStringLiteral("--db"),
                dir.filePath(QStringLiteral("svc.sqlite"))};
    }

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_nats.start(), qPrintable(m_nats.errorString()));
        m_a = std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_TEST_SERVICE), args(m_dataA));
        m_b = std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_TEST_SERVICE), args(m_dataB));
        QVERIFY2(m_a->start(), qPrintable(m_a->log()));
        QVERIFY2(m_b->start(), qPrintable(m_b->log()));
        bus::ConnectionOptions options;
        options.servers = {m_nats.url()};
        m_client = std::make_unique<bus::Connection>(options);
        m_client->open();
        QTRY_COMPARE(m_client->state(), bus::Connection::State::Connected);
    }

    void everyFormIsAnsweredByEveryInstance_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QByteArray>("type");
        QTest::newRow("ping") << QByteArray("PING") << QByteArray("io.nats.micro.v1.ping_response");
        QTest::newRow("info") << QByteArray("INFO") << QByteArray("io.nats.micro.v1.info_response");
        QTest::newRow("stats") << QByteArray("STATS")
                               << QByteArray("io.nats.micro.v1.stats_response");
    }
    void everyFormIsAnsweredByEveryInstance()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QByteArray, type);
        const QList<QJsonObject> all = gather("$SRV." + verb);
        const QList<QJsonObject> named = gather("$SRV." + verb + ".test-svc");
        QCOMPARE(all.size(), 2);
        QCOMPARE(named.size(), 2);
        QSet<QString> ids;
        for (const QJsonObject& reply : named) {
            QCOMPARE(reply.value(QStringLiteral("type")).toString().toUtf8(), type);
            QCOMPARE(reply.value(QStringLiteral("name")).toString(), QStringLiteral("test-svc"));
            QCOMPARE(reply.value(QStringLiteral("version")).toString(), QStringLiteral("1.0.0"));
            QVERIFY(reply.value(QStringLiteral("metadata")).isObject());
            ids.insert(reply.value(QStringLiteral("id")).toString());
        }
        QCOMPARE(ids.size(), 2); // two instances, two ids
        for (const QString& id : std::as_const(ids)) {
            const QList<QJsonObject> one = gather("$SRV." + verb + ".test-svc." + id.toUtf8());
            QCOMPARE(one.size(), 1);
            QCOMPARE(one.at(0).value(QStringLiteral("id")).toString(), id);
        }
        QCOMPARE(gather("$SRV." + verb + ".nosuchservice").size(), 0);
    }

    void infoListsTheEndpoints()
    {
        const QList<QJsonObject> infos = gather("$SRV.INFO.test-svc");
        QVERIFY(!infos.isEmpty());
        QStringList subjects;
        for (const QJsonValue& endpoint :
             infos.at(0).value(QStringLiteral("endpoints")).toArray()) {
            subjects.append(endpoint.toObject().value(QStringLiteral("subject")).toString());
            QCOMPARE(endpoint.toObject().value(QStringLiteral("queue_group")).toString(),
                     QStringLiteral("q"));
        }
        subjects.sort();
        QCOMPARE(subjects,
                 (QStringList{QStringLiteral("test.svc.counts"), QStringLiteral("test.svc.fail"),
                              QStringLiteral("test.svc.note.add")}));
    }

    void handlerErrorIsTypedAndCounted()
    {
        constexpr int kCalls = 6;
        const bus::Endpoint<QJsonObject, QJsonObject> fail{"test.svc.fail"};
        int answered = 0;
        for (int i = 0; i < kCalls; ++i)
            bus::request(*m_client, fail, QJsonObject{}, this, [&](bus::Result<QJsonObject> r) {
                ++answered;
                QCOMPARE(r.error().kind, bus::BusError::Kind::ServiceError);
                QCOMPARE(r.error().code, 409);
                QCOMPARE(r.error().message, QStringLiteral("always fails"));
            });
        QTRY_COMPARE(answered, kCalls);
        // Bad input: 400 naming the field, nothing written.
        const bus::Endpoint<QJsonObject, QJsonObject> add{"test.svc.note.add"};
        std::optional<bus::Result<QJsonObject>> bad;
        bus::request(*m_client, add, QJsonObject{{QStringLiteral("id"), 5}}, this,
                     [&](bus::Result<QJsonObject> r) { bad = std::move(r); });
        QTRY_VERIFY(bad.has_value());
        QCOMPARE(bad->error().code, 400);
        QCOMPARE(bad->error().field, QStringLiteral("id"));

        qint64 requests = 0;
        qint64 errors = 0;
        for (const QJsonObject& stats : gather("$SRV.STATS.test-svc"))
            for (const QJsonValue& e : stats.value(QStringLiteral("endpoints")).toArray())
                if (e.toObject().value(QStringLiteral("name")).toString() ==
                    QStringLiteral("fail")) {
                    requests += e.toObject().value(QStringLiteral("num_requests")).toInteger();
                    errors += e.toObject().value(QStringLiteral("num_errors")).toInteger();
                    QVERIFY(e.toObject().value(QStringLiteral("processing_time")).isDouble());
                }
        QCOMPARE(requests, kCalls); // spread over both instances by the queue group
        QCOMPARE(errors, kCalls);
        QCOMPARE(callJson(*m_client, "test.svc.counts", {}).value(QStringLiteral("notes")).toInt(),
                 0);
    }

    // The host's own options: a bad value stops the service before it touches the database
    // or NATS (exit 2, the option named); --seed-demo is listed, the test-only one is not.
    void hostOptionsAreCheckedAndDocumented_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("output");
        QTest::newRow("ack wait not a number")
            << QStringList{QStringLiteral("--ack-wait-ms"), QStringLiteral("soon")} << 2
            << QStringLiteral("--ack-wait-ms must be a number of milliseconds");
        QTest::newRow("ack wait too short")
            << QStringList{QStringLiteral("--ack-wait-ms"), QStringLiteral("5")} << 2
            << QStringLiteral("--ack-wait-ms must be a number of milliseconds");
        QTest::newRow("replicas out of range")
            << QStringList{QStringLiteral("--stream-replicas"), QStringLiteral("7")} << 2
            << QStringLiteral("--stream-replicas must be a number from 1 to 5");
        QTest::newRow("help") << QStringList{QStringLiteral("--help")} << 0
                              << QStringLiteral("--seed-demo");
    }
    void hostOptionsAreCheckedAndDocumented()
    {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, output);
        QTemporaryDir dir;
        QProcess process;
        process.start(QStringLiteral(OPENOPD_TEST_SERVICE), args(dir) + arguments);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), exitCode);
        const QString text =
            QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        QVERIFY2(text.contains(output), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("--ack-wait-ms <ms>")), qPrintable(text));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("svc.sqlite"))));
    }

    void cleanupTestCase()
    {
        QCOMPARE(m_a->terminate(), 0);
        QCOMPARE(m_b->terminate(), 0);
        m_client.reset();
    }
};

QTEST_GUILESS_MAIN(TestHostService)
#include "test_host_service.moc"
