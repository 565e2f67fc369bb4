// openopd: the desktop app. Parses the command line, creates the session, shows the window;
// everything else lives in app/core and app/ui. With --standalone it first runs the clinic on
// this PC (ui/standalone/standalone_flow.h) and stops it again when the app quits.

#include "core/connection_profile.h"
#include "core/session.h"
#include "core/standalone/clinic_command_line.h"
#include "host/signal_watcher.h"
#include "ui/app_flow.h"
#include "ui/standalone/standalone_flow.h"
#include "ui/workspace_registry.h"
#include "ui/workspaces.h"

#include <QApplication>
#include <QByteArrayView>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>
#include <csignal>
#include <cstdio>
#include <memory>

namespace {

void describe(QCommandLineParser* parser, const openopd::app::ClinicCommandLine& clinic)
{
    parser->setApplicationDescription(QCoreApplication::translate(
        "main", "OpenOPD desktop app: reception, doctor, pharmacy, lab and discharge "
                "workspaces for an outpatient department."));
    parser->addHelpOption();
    parser->addVersionOption();
    clinic.addTo(parser);
}

// --help and --version print and exit; they must work without a display (a terminal on a
// server, a packaging check), so they are answered before QApplication wants one.
bool asksOnlyForText(int argc, char* argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" ||
            arg == "--version" || arg == "-?")
            return true;
    }
    return false;
}

// Without one, QApplication aborts with Qt's plugin message: say plainly what is wrong.
bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char* argv[])
{
    const openopd::app::ClinicCommandLine clinicOptions;
    if (asksOnlyForText(argc, argv)) {
        QCoreApplication text(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("openopd"));
        QCoreApplication::setApplicationVersion(QStringLiteral(OPENOPD_VERSION));
        QCommandLineParser parser;
        describe(&parser, clinicOptions);
        parser.process(text); // prints and exits
        return 0;
    }
    if (!hasDisplay()) {
        std::fprintf(stderr, "openopd: %s\n",
                     qPrintable(QCoreApplication::translate(
                         "main", "no display ($DISPLAY and $WAYLAND_DISPLAY are empty). To run "
                                 "the clinic on this PC without the app: bash "
                                 "scripts/run-clinic.sh --headless")));
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("OpenOPD"));
    QApplication::setApplicationName(QStringLiteral("openopd"));
    QApplication::setApplicationDisplayName(QStringLiteral("OpenOPD"));
    QApplication::setApplicationVersion(QStringLiteral(OPENOPD_VERSION));
    // The sign-in dialog closes before the main window opens (and again at sign out): the app
    // quits only when asked (AppFlow::quitRequested), not when no window is visible.
    QApplication::setQuitOnLastWindowClosed(false);

    QTranslator qtTranslations;
    if (qtTranslations.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                            QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslations);

    QCommandLineParser parser;
    describe(&parser, clinicOptions);
    parser.process(app);
    QString error;
    const auto clinic =
        clinicOptions.options(parser, QCoreApplication::applicationDirPath(), &error);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "openopd: %s\n", qPrintable(error));
        return 2;
    }

    QSettings settings;
    openopd::app::ProfileStore profiles(settings);
    openopd::app::Session session;
    // The workspaces (reception; doctor, pharmacy, lab, discharge and admin as they are
    // built), each with the roles that may see it.
    openopd::app::WorkspaceRegistry registry;
    openopd::app::registerStandardWorkspaces(registry);
    openopd::app::AppFlow flow(session, profiles, registry);
    // SIGTERM and SIGINT (Ctrl-C, logout) quit as the menu does: a standalone clinic stops.
    openopd::host::SignalWatcher signals({SIGTERM, SIGINT});
    if (!clinic) {
        QObject::connect(&flow, &openopd::app::AppFlow::quitRequested, &app, &QApplication::quit);
        QObject::connect(&signals, &openopd::host::SignalWatcher::terminationRequested, &app,
                         &QApplication::quit);
        flow.start();
        return QApplication::exec();
    }
    openopd::app::StandaloneFlow standalone(*clinic, profiles, session);
    QObject::connect(&standalone, &openopd::app::StandaloneFlow::ready, &flow,
                     &openopd::app::AppFlow::start);
    QObject::connect(&flow, &openopd::app::AppFlow::quitRequested, &standalone,
                     &openopd::app::StandaloneFlow::quit);
    QObject::connect(&signals, &openopd::host::SignalWatcher::terminationRequested, &standalone,
                     &openopd::app::StandaloneFlow::quit);
    QObject::connect(&standalone, &openopd::app::StandaloneFlow::finished, &app,
                     &QApplication::exit);
    standalone.start();
    return QApplication::exec();
}
