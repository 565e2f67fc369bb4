// opd-bench app-start: the real openopd executable, from its process start to its sign-in
// window mapped on an X display.
//
// Measured from outside, with no hook in the app: the benchmark starts Xvfb, connects to it as
// an ordinary X client listening for MapNotify on the root window (Xvfb has no window manager,
// so top-level windows are the root's children), then starts openopd and waits for the map of
// a window whose title contains "Sign in". The event arrives on our connection's socket, so
// the wait is a poll() on it, not a sampling loop. Qt maps a window once its first frame is
// ready to paint; the figure is start-to-map, not start-to-pixels.

#include "app_bench.h"
#include "json_lines.h"
#include "process_memory.h"
#include "stats.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <poll.h>
#include <xcb/xcb.h>

namespace openopd::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Settings
{
    int runs = 10;
    QString app = QStringLiteral(OPENOPD_APP_BIN);
};

// An Xvfb server on a free display number (-displayfd: it picks one and tells us).
class Xvfb
{
public:
    ~Xvfb()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool start(QString* error)
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("Xvfb"));
        if (program.isEmpty()) {
            *error = QStringLiteral("Xvfb not found on PATH (Debian: apt-get install xvfb)");
            return false;
        }
        m_process.setStandardErrorFile(QProcess::nullDevice()); // xkbcomp warnings
        m_process.start(program, {QStringLiteral("-displayfd"), QStringLiteral("1"),
                                  QStringLiteral("-screen"), QStringLiteral("0"),
                                  QStringLiteral("1280x1024x24"), QStringLiteral("-nolisten"),
                                  QStringLiteral("tcp")});
        QByteArray out;
        while (!out.contains('\n') && m_process.waitForReadyRead(15000))
            out += m_process.readAllStandardOutput();
        bool ok = false;
        const int number = out.trimmed().toInt(&ok);
        if (!ok) {
            *error =
                QStringLiteral("Xvfb did not report a display: %1").arg(m_process.errorString());
            return false;
        }
        m_display = QByteArray(":") + QByteArray::number(number);
        return true;
    }

    QByteArray display() const { return m_display; }

private:
    QProcess m_process;
    QByteArray m_display;
};

// An X client that sees every top-level window being mapped.
class MapWatcher
{
public:
    ~MapWatcher()
    {
        if (m_connection)
            xcb_disconnect(m_connection);
    }

    bool connect(const QByteArray& display)
    {
        int screenNumber = 0;
        m_connection = xcb_connect(display.constData(), &screenNumber);
        if (xcb_connection_has_error(m_connection))
            return false;
        xcb_screen_iterator_t screens = xcb_setup_roots_iterator(xcb_get_setup(m_connection));
        for (int i = 0; i < screenNumber; ++i)
            xcb_screen_next(&screens);
        const uint32_t mask = XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY;
        xcb_change_window_attributes(m_connection, screens.data->root, XCB_CW_EVENT_MASK, &mask);
        m_netWmName = atom("_NET_WM_NAME");
        m_utf8 = atom("UTF8_STRING");
        return xcb_flush(m_connection) > 0;
    }

    // Waits until a top-level window whose title contains title is mapped: when it was seen,
    // or nullopt at the deadline (or if the X connection broke).
    std::optional<Clock::time_point> waitForMap(const QByteArray& title, Clock::time_point deadline)
    {
        for (;;) {
            while (xcb_generic_event_t* event = xcb_poll_for_event(m_connection)) {
                const Clock::time_point seen = Clock::now();
                const bool mapped = (event->response_type & 0x7f) == XCB_MAP_NOTIFY;
                const xcb_window_t window =
                    mapped ? reinterpret_cast<xcb_map_notify_event_t*>(event)->window
                           : xcb_window_t{XCB_WINDOW_NONE};
                std::free(event);
                if (mapped && titleOf(window).contains(title))
                    return seen;
            }
            if (xcb_connection_has_error(m_connection))
                return std::nullopt;
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0)
                return std::nullopt;
            pollfd socket{xcb_get_file_descriptor(m_connection), POLLIN, 0};
            ::poll(&socket, 1, static_cast<int>(std::min<long long>(left.count(), 200)));
        }
    }

private:
    xcb_atom_t atom(const char* name)
    {
        const xcb_intern_atom_cookie_t cookie =
            xcb_intern_atom(m_connection, 0, static_cast<uint16_t>(std::strlen(name)), name);
        std::unique_ptr<xcb_intern_atom_reply_t, decltype(&std::free)> reply(
            xcb_intern_atom_reply(m_connection, cookie, nullptr), &std::free);
        return reply ? reply->atom : xcb_atom_t{XCB_ATOM_NONE};
    }

    QByteArray property(xcb_window_t window, xcb_atom_t name, xcb_atom_t type)
    {
        const xcb_get_property_cookie_t cookie =
            xcb_get_property(m_connection, 0, window, name, type, 0, 256);
        std::unique_ptr<xcb_get_property_reply_t, decltype(&std::free)> reply(
            xcb_get_property_reply(m_connection, cookie, nullptr), &std::free);
        if (!reply)
            return {};
        return QByteArray(static_cast<const char*>(xcb_get_property_value(reply.get())),
                          xcb_get_property_value_length(reply.get()));
    }

    QByteArray titleOf(xcb_window_t window)
    {
        const QByteArray title = property(window, m_netWmName, m_utf8);
        return title.isEmpty() ? property(window, XCB_ATOM_WM_NAME, XCB_ATOM_STRING) : title;
    }

    xcb_connection_t* m_connection = nullptr;
    xcb_atom_t m_netWmName = XCB_ATOM_NONE;
    xcb_atom_t m_utf8 = XCB_ATOM_NONE;
};

bool parse(const QStringList& args, Settings& s)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        bool ok = true;
        if (args.at(i) == QStringLiteral("--runs") && i + 1 < args.size())
            s.runs = args.at(++i).toInt(&ok);
        else if (args.at(i) == QStringLiteral("--app") && i + 1 < args.size())
            s.app = args.at(++i);
        else
            return false;
        if (!ok || s.runs < 1 || s.runs > 1000)
            return false;
    }
    return true;
}

} // namespace

int runAppStartBench(const QStringList& args)
{
    Settings s;
    if (!parse(args, s)) {
        std::fprintf(stderr, "usage: opd-bench app-start [--runs N] [--app PATH]\n");
        return 2;
    }
    QString error;
    Xvfb xvfb;
    MapWatcher watcher;
    QTemporaryDir home; // a first start: no settings, no profiles, no keyring
    if (!home.isValid() || !xvfb.start(&error) || !watcher.connect(xvfb.display())) {
        std::fprintf(stderr, "opd-bench: %s\n",
                     qPrintable(error.isEmpty() ? QStringLiteral("no X display") : error));
        return 1;
    }
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DISPLAY"), QString::fromLatin1(xvfb.display()));
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    const QString runtime = home.filePath(QStringLiteral("runtime")); // Qt wants it 0700
    QDir().mkpath(runtime);
    QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    std::fprintf(stderr, "# %s on Xvfb %s, %d runs\n", qPrintable(s.app),
                 xvfb.display().constData(), s.runs);

    std::vector<double> ms, rss;
    for (int run = 0; run < s.runs; ++run) {
        QProcess app;
        app.setProcessEnvironment(environment);
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        app.setStandardOutputFile(QProcess::nullDevice());
        const Clock::time_point t0 = Clock::now();
        app.start(s.app, {});
        const auto mapped = watcher.waitForMap("Sign in", t0 + std::chrono::seconds(30));
        if (!mapped) {
            std::fprintf(stderr, "opd-bench: run %d: no sign-in window within 30 s (%s)\n", run + 1,
                         qPrintable(app.errorString()));
            app.kill();
            app.waitForFinished(5000);
            return 1;
        }
        ms.push_back(std::chrono::duration<double, std::milli>(*mapped - t0).count());
        QThread::msleep(300); // let it paint and settle before reading its memory
        rss.push_back(residentMiB(app.processId()));
        std::fprintf(stderr, "# run %d: sign-in window mapped after %.1f ms; VmRSS %.1f MiB\n",
                     run + 1, ms.back(), rss.back());
        app.terminate();
        if (!app.waitForFinished(10000)) {
            app.kill();
            app.waitForFinished(5000);
        }
    }
    printJsonLine("app_start_first_ms", ms.front(), "ms");
    printJsonLine("app_start_p50_ms", percentile(ms, 50), "ms");
    printJsonLine("app_start_max_ms", percentile(ms, 100), "ms");
    printJsonLine("app_start_rss_mib", median(rss), "MiB");
    return 0;
}

} // namespace openopd::bench
