#pragma once

// Where the app connects: a named connection profile (server URLs, TLS files, the last user
// name), kept in QSettings. Nothing secret is ever stored here: passwords and session
// credentials never leave memory or the OS keychain (secret_store.h).

#include "bus/connection_options.h"

#include <QList>
#include <QString>
#include <QStringList>

class QSettings;

namespace openopd::app {

struct ConnectionProfile
{
    QString name;
    QStringList servers; // nats:// or tls:// URLs, tried in turn
    QString caFile;      // trust this CA instead of the system store (empty: system)
    QString certFile;    // client certificate, when the deployment uses mutual TLS
    QString keyFile;     // its private key (unencrypted PEM, readable only by the user)
    QString lastUser;    // pre-filled at the next sign-in

    bool operator==(const ConnectionProfile&) const = default;
    bool isValid() const { return !name.trimmed().isEmpty() && !servers.isEmpty(); }
    // The options for a connection to this profile's servers (no credentials).
    bus::ConnectionOptions connectionOptions() const;
    // The profile a fresh installation starts with: this computer's nats-server.
    static ConnectionProfile localDefault();
};

// Profiles in QSettings group "profiles/<index>" plus "profiles/current". Not a singleton:
// the caller hands in the QSettings (tests use their own file).
class ProfileStore
{
public:
    explicit ProfileStore(QSettings& settings);

    // Every stored profile; localDefault() when none is stored yet.
    QList<ConnectionProfile> profiles() const;
    // Replaces the profile with the same name, or adds it.
    void save(const ConnectionProfile& profile);
    void remove(const QString& name);
    QString currentName() const;
    void setCurrentName(const QString& name);
    // Remembers the user name last signed in under a profile (not the password).
    void setLastUser(const QString& profileName, const QString& user);

private:
    void writeAll(const QList<ConnectionProfile>& profiles);

    QSettings& m_settings;
};

} // namespace openopd::app
