// SIGTERM/SIGINT/SIGHUP arrive as Qt signals on the main thread through the self-pipe.

#include "host/signal_watcher.h"

#include <QSignalSpy>
#include <QTest>
#include <csignal>

using namespace openopd;

class TestHostSignals : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signalsBecomeQtSignals()
    {
        host::SignalWatcher watcher;
        QVERIFY2(watcher.isActive(), qPrintable(watcher.errorString()));
        QSignalSpy received(&watcher, &host::SignalWatcher::signalReceived);
        QSignalSpy terminate(&watcher, &host::SignalWatcher::terminationRequested);
        QSignalSpy hangup(&watcher, &host::SignalWatcher::hangup);
        std::raise(SIGTERM);
        std::raise(SIGHUP);
        std::raise(SIGINT);
        QCOMPARE(received.count(), 0); // nothing runs inside the handler
        QTRY_COMPARE(received.count(), 3);
        QCOMPARE(terminate.count(), 2);
        QCOMPARE(terminate.at(0).at(0).toInt(), SIGTERM);
        QCOMPARE(terminate.at(1).at(0).toInt(), SIGINT);
        QCOMPARE(hangup.count(), 1);

        host::SignalWatcher second;
        QVERIFY(!second.isActive());
    }

    void previousHandlersAreRestored()
    {
        struct sigaction before = {};
        ::sigaction(SIGHUP, nullptr, &before);
        {
            host::SignalWatcher watcher({SIGHUP});
            QVERIFY(watcher.isActive());
        }
        struct sigaction after = {};
        ::sigaction(SIGHUP, nullptr, &after);
        QVERIFY(before.sa_handler == after.sa_handler);
        host::SignalWatcher again({SIGUSR1}); // the pipe can be made again
        QVERIFY(again.isActive());
    }
};

QTEST_GUILESS_MAIN(TestHostSignals)
#include "test_host_signals.moc"
