#pragma once

// The command line every backend service shares, parsed by a pure function (the process
// environment comes in as a value), plus service-specific options.

#include "bus/connection_options.h"

#include <QCommandLineOption>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace openopd::host {

// What the defaults depend on; fromProcess() reads the real environment.
struct ServiceEnvironment
{
    QString natsUrl;      // $OPENOPD_NATS_URL
    QString natsPassword; // $OPENOPD_NATS_PASSWORD (keeps the password out of `ps`)
    QString dataDir;      // $OPENOPD_DATA_DIR
    QString dataRoot;     // else <dataRoot>/<service>: QStandardPaths GenericDataLocation/openopd
    QString hostName;
    qint64 pid = 0;

    static ServiceEnvironment fromProcess();
};

struct ServiceOptions
{
    QString service; // e.g. "registration"
    QStringList natsServers;
    QString user;
    QString password;
    bool passwordFromStdin = false; // --password-stdin: ServiceHost::configure() reads it
    QString credsFile;
    QString nkeyPublic;
    QString nkeySeedFile;
    QString tlsCaFile;
    QString tlsCertFile;
    QString tlsKeyFile;
    QString dataDir;
    // The --db value for Database::open(): empty (SQLite <dataDir>/<service>.sqlite), a SQLite
    // path or sqlite: URL, or postgresql://… (see database_spec.h; already checked to parse).
    QString database;
    QString instance; // default <host>-<pid>; names the NATS connection "<service>-<instance>"

    bus::ConnectionOptions connectionOptions() const;
};

struct ParsedCommandLine
{
    enum class Action { Run, ShowHelp, ShowVersion, Fail };

    Action action = Action::Fail;
    ServiceOptions options;
    // The help text, the version line, or the error (naming the option) for Fail.
    QString message;
    // Service-specific options by their first name: flags map to an empty list when given.
    QHash<QString, QStringList> extra;

    bool isSet(const QString& name) const { return extra.contains(name); }
    QString value(const QString& name) const { return extra.value(name).value(0); }
};

// arguments[0] is the program name, as in QCoreApplication::arguments(). extraOptions are
// the service's own (e.g. --seed-demo); their names must not clash with the common ones.
ParsedCommandLine
parseServiceCommandLine(const QString& service, const QString& version,
                        const QStringList& arguments,
                        const QList<QCommandLineOption>& extraOptions = {},
                        const ServiceEnvironment& environment = ServiceEnvironment::fromProcess());

} // namespace openopd::host
