// sanitizerReport(): what ServiceProcess prints from a service's log, failing the test.

#include "support/sanitizer_report.h"

#include <QTest>

using openopd::testing::sanitizerReport;

class TestSanitizerReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void findsEachKindOfReport_data()
    {
        QTest::addColumn<QByteArray>("log");
        QTest::addColumn<QByteArray>("report");
        const QByteArray ready = R"({"level":"info","msg":"ready","error":"none"})"
                                 "\n";
        const QByteArray leak =
            "==4711==ERROR: LeakSanitizer: detected memory leaks\n"
            "\n"
            "Direct leak of 106 byte(s) in 1 object(s) allocated from:\n"
            "    #0 0x7f in malloc\n"
            "    #1 0x7f in natsMsg_create\n"
            "\n"
            "SUMMARY: AddressSanitizer: 212 byte(s) leaked in 2 allocation(s).\n";
        const QByteArray race =
            "==================\n"
            "WARNING: ThreadSanitizer: data race (pid=99)\n"
            "  Write of size 8 at 0x7b by thread T2:\n"
            "    #0 emitLine json_log.cpp:151\n"
            "SUMMARY: ThreadSanitizer: data race json_log.cpp:151 in emitLine\n";
        const QByteArray raceReport = race.mid(race.indexOf("WARNING")); // from its first line
        const QByteArray ub = "outbox.cpp:12:5: runtime error: signed integer overflow\n"
                              "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior "
                              "outbox.cpp:12:5\n";
        QTest::newRow("clean log") << ready + R"({"level":"warning","msg":"ERROR: retry"})"
                                              "\n"
                                   << QByteArray();
        QTest::newRow("leak at exit") << ready + leak << leak;
        QTest::newRow("race between lines") << ready + race + ready << raceReport;
        QTest::newRow("UBSan") << ready + ub + ready << ub;
        QTest::newRow("two reports") << race + ready + ub << raceReport + ub;
        QTest::newRow("cut off by SIGKILL")
            << ready + race.left(race.indexOf("SUMMARY"))
            << raceReport.left(raceReport.indexOf("SUMMARY")) + '\n';
        QTest::newRow("AddressSanitizer")
            << QByteArray("==12==ERROR: AddressSanitizer: heap-use-after-free on address 0x6\n"
                          "SUMMARY: AddressSanitizer: heap-use-after-free x.cpp:3\n")
            << QByteArray("==12==ERROR: AddressSanitizer: heap-use-after-free on address 0x6\n"
                          "SUMMARY: AddressSanitizer: heap-use-after-free x.cpp:3\n");
    }

    void findsEachKindOfReport()
    {
        QFETCH(QByteArray, log);
        QFETCH(QByteArray, report);
        QCOMPARE(sanitizerReport(log), report);
    }
};

QTEST_APPLESS_MAIN(TestSanitizerReport)
#include "test_sanitizer_report.moc"
