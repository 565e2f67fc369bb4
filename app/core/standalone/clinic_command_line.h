#pragma once

// openopd's standalone-clinic options: --standalone, --data-dir DIR, --demo-data,
// --nats-port PORT (see ClinicOptions). Kept here so that main.cpp stays thin.

#include "core/standalone/clinic_supervisor.h"

#include <QCommandLineOption>
#include <QCoreApplication>
#include <optional>

class QCommandLineParser;

namespace openopd::app {

class ClinicCommandLine
{
    Q_DECLARE_TR_FUNCTIONS(openopd::app::ClinicCommandLine)
public:
    ClinicCommandLine();
    void addTo(QCommandLineParser* parser) const;
    bool standalone(const QCommandLineParser& parser) const;
    // The options, or nullopt with *error (a bad port, clinic options without --standalone).
    std::optional<ClinicOptions> options(const QCommandLineParser& parser, const QString& appDir,
                                         QString* error) const;

private:
    QCommandLineOption m_standalone;
    QCommandLineOption m_dataDir;
    QCommandLineOption m_demo;
    QCommandLineOption m_port;
};

} // namespace openopd::app
