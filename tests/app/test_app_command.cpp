// Command (app/core/command.h) and its bar (app/ui/command_outcome_bar.h) against a real
// nats-server: an action is sent once; when its outcome is unknown it is read, never repeated
// by itself; a repeat (the user's) carries the same request id.

#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "bus/request_id.h"
#include "core/command.h"
#include "support/nats_server.h"
#include "ui/command_outcome_bar.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace openopd;
using namespace openopd::app;
using namespace std::chrono_literals;

class TestAppCommand : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    testing::NatsServer m_server;
    std::unique_ptr<bus::Connection> m_service;
    std::unique_ptr<bus::Connection> m_client;
    QObject m_owner;
    QByteArrayList m_silentIds; // request ids seen on test.silent (never answered)
    int m_reads = 0;

    // A read that answers verdict after counting itself.
    OutcomeReader readerSaying(OutcomeCheck::Verdict verdict)
    {
        return [this, verdict](bus::Connection&, QObject*, std::function<void(OutcomeCheck)> done) {
            ++m_reads;
            done({verdict, QStringLiteral("read %1").arg(m_reads), {}});
        };
    }

    void answerWith(const QByteArray& subject, const QByteArray& code, const QByteArray& body)
    {
        m_service->subscribe(subject, &m_owner, [this, code, body](const bus::Message& m) {
            m_service->publish(m.reply, body,
                               {{bus::kServiceErrorHeader, QByteArrayLiteral("refused")},
                                {bus::kServiceErrorCodeHeader, code}});
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_service = testing::connectTo(m_server.url());
        m_client = testing::connectTo(m_server.url());
        QVERIFY(m_service && m_client);
        m_service->subscribe("test.silent", &m_owner, [this](const bus::Message& m) {
            m_silentIds.append(m.header(bus::kRequestIdHeader));
        });
        m_service->subscribe("test.ok", &m_owner, [this](const bus::Message& m) {
            m_service->publish(m.reply, "{\"ok\":true}");
        });
        answerWith("test.refused", "400", R"({"code":400,"error":"refused","field":"name"})");
        answerWith("test.unknown", "503",
                   R"({"code":503,"error":"lost while saving","outcome":"unknown"})");
        QTest::qWait(100); // let the subscriptions reach the server
    }

    void init()
    {
        m_silentIds.clear();
        m_reads = 0;
    }

    void aTimedOutCommandIsReadNotRepeated()
    {
        Command command(*m_client, "test.silent", "{}",
                        readerSaying(OutcomeCheck::Verdict::NotDone));
        command.setTimeout(300ms);
        QSignalSpy unknown(&command, &Command::outcomeUnknown);
        command.start();
        QTRY_COMPARE_WITH_TIMEOUT(command.phase(), Command::Phase::Checked, 10000);
        QCOMPARE(unknown.count(), 1);
        QCOMPARE(m_reads, 1);
        // Long after the timeout: still one send, nothing repeated by itself.
        QTest::qWait(1500);
        QCOMPARE(m_silentIds.size(), 1);
        QCOMPARE(command.attempts(), 1);
        QVERIFY(bus::isValidRequestId(m_silentIds.first()));
        QCOMPARE(m_silentIds.first(), command.requestId());
        // The read said "not done": the user may repeat, and the repeat has the same id.
        QVERIFY(command.canRepeat());
        command.repeat();
        QTRY_COMPARE_WITH_TIMEOUT(m_silentIds.size(), 2, 5000);
        QCOMPARE(m_silentIds.at(1), m_silentIds.at(0));
    }

    void aReadThatFindsItDoneOffersNoRepeat()
    {
        Command command(*m_client, "test.silent", "{}", readerSaying(OutcomeCheck::Verdict::Done));
        command.setTimeout(300ms);
        CommandOutcomeBar bar;
        bar.follow(&command, QStringLiteral("Opening a visit"));
        command.start();
        QTRY_COMPARE_WITH_TIMEOUT(command.phase(), Command::Phase::Checked, 10000);
        QVERIFY(!command.canRepeat());
        QVERIFY2(bar.text().contains(u"it was done"), qPrintable(bar.text()));
        QVERIFY(bar.repeatButton()->isHidden());
        QVERIFY(bar.checkButton()->isHidden());
        command.repeat(); // refused: nothing is sent
        QTest::qWait(300);
        QCOMPARE(m_silentIds.size(), 1);
    }

    void aReadThatCannotTellOffersCheckAgainOnly()
    {
        Command command(*m_client, "test.silent", "{}",
                        readerSaying(OutcomeCheck::Verdict::Unknown));
        command.setTimeout(300ms);
        CommandOutcomeBar bar;
        bar.follow(&command, QStringLiteral("Opening a visit"));
        command.start();
        QTRY_COMPARE_WITH_TIMEOUT(command.phase(), Command::Phase::Checked, 10000);
        QVERIFY(!command.canRepeat());
        QVERIFY(bar.repeatButton()->isHidden());
        QVERIFY(!bar.checkButton()->isHidden());
        QVERIFY2(bar.text().contains(u"nothing was repeated"), qPrintable(bar.text()));
        QTest::mouseClick(bar.checkButton(), Qt::LeftButton);
        QTRY_COMPARE(m_reads, 2);
        QCOMPARE(m_silentIds.size(), 1);
    }

    void aRefusalFailsWithoutARead()
    {
        Command command(*m_client, "test.refused", "{}", readerSaying(OutcomeCheck::Verdict::Done));
        QSignalSpy failed(&command, &Command::failed);
        command.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(command.phase(), Command::Phase::Failed);
        QCOMPARE(command.lastError().field, QStringLiteral("name"));
        QCOMPARE(m_reads, 0);
        QVERIFY(!command.canRepeat()); // a 400 would be refused again
    }

    void anUnknownOutcomeFromTheServiceIsRead()
    {
        Command command(*m_client, "test.unknown", "{}",
                        readerSaying(OutcomeCheck::Verdict::NotDone));
        command.start();
        QTRY_COMPARE_WITH_TIMEOUT(command.phase(), Command::Phase::Checked, 10000);
        QCOMPARE(m_reads, 1);
        QVERIFY(command.lastError().outcomeUnknown);
        QVERIFY(command.canRepeat());
    }

    void successNeedsNoRead()
    {
        Command command(*m_client, "test.ok", "{}", readerSaying(OutcomeCheck::Verdict::Done));
        QSignalSpy succeeded(&command, &Command::succeeded);
        CommandOutcomeBar bar;
        bar.follow(&command, QStringLiteral("Saving"));
        command.start();
        QVERIFY(!bar.isHidden()); // "Saving…" while in flight
        QTRY_COMPARE_WITH_TIMEOUT(succeeded.count(), 1, 10000);
        QCOMPARE(succeeded.first().first().value<bus::Message>().data,
                 QByteArray(R"({"ok":true})"));
        QCOMPARE(m_reads, 0);
        QVERIFY(bar.isHidden());
    }
};

QTEST_MAIN(TestAppCommand)
#include "test_app_command.moc"
