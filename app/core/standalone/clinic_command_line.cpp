#include "core/standalone/clinic_command_line.h"

#include <QCommandLineParser>

namespace openopd::app {

ClinicCommandLine::ClinicCommandLine()
    : m_standalone(QStringLiteral("standalone"),
                   tr("Run the whole clinic on this PC: a local nats-server and all the OpenOPD "
                      "services start with the app and stop when it quits.")),
      m_dataDir(QStringLiteral("data-dir"),
                tr("With --standalone: where the clinic keeps its data (default: "
                   "$XDG_DATA_HOME/OpenOPD, i.e. ~/.local/share/OpenOPD)."),
                tr("dir")),
      m_demo(QStringLiteral("demo-data"),
             tr("With --standalone: load demo patients, stock and staff (password "
                "\"demo-password\"). Never for a real clinic: the data directory is marked and "
                "a later start without --demo-data refuses it; a real clinic's directory is "
                "refused.")),
      m_port(QStringLiteral("nats-port"),
             tr("With --standalone: the clinic's NATS port on 127.0.0.1 (default 4222; 0 picks "
                "a free one; monitoring on 8222 only with 4222)."),
             tr("port"), QStringLiteral("4222"))
{}

void ClinicCommandLine::addTo(QCommandLineParser* parser) const
{
    parser->addOptions({m_standalone, m_dataDir, m_demo, m_port});
}

bool ClinicCommandLine::standalone(const QCommandLineParser& parser) const
{
    return parser.isSet(m_standalone);
}

std::optional<ClinicOptions> ClinicCommandLine::options(const QCommandLineParser& parser,
                                                        const QString& appDir, QString* error) const
{
    if (!parser.isSet(m_standalone)) {
        if (parser.isSet(m_dataDir) || parser.isSet(m_demo) || parser.isSet(m_port))
            *error = tr("--data-dir, --demo-data and --nats-port need --standalone.");
        return std::nullopt;
    }
    bool ok = false;
    const uint port = parser.value(m_port).toUInt(&ok);
    if (!ok || port > 65535) {
        *error = tr("--nats-port must be a port number from 0 to 65535.");
        return std::nullopt;
    }
    ClinicOptions options;
    options.dataDir = parser.value(m_dataDir);
    options.demo = parser.isSet(m_demo);
    options.natsPort = quint16(port);
    options.appDir = appDir;
    return options;
}

} // namespace openopd::app
