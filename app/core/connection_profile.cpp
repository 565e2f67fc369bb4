#include "core/connection_profile.h"

#include <QSettings>
#include <algorithm>

namespace openopd::app {

bus::ConnectionOptions ConnectionProfile::connectionOptions() const
{
    bus::ConnectionOptions options;
    options.servers = servers;
    options.tls.caFile = caFile;
    options.tls.certFile = certFile;
    options.tls.keyFile = keyFile;
    options.tls.enabled = !caFile.isEmpty() || !certFile.isEmpty() ||
                          std::any_of(servers.cbegin(), servers.cend(),
                                      [](const QString& url) { return url.startsWith(u"tls://"); });
    return options;
}

ConnectionProfile ConnectionProfile::localDefault()
{
    ConnectionProfile profile;
    profile.name = QStringLiteral("This computer");
    profile.servers = {QStringLiteral("nats://127.0.0.1:4222")};
    return profile;
}

ProfileStore::ProfileStore(QSettings& settings) : m_settings(settings) {}

QList<ConnectionProfile> ProfileStore::profiles() const
{
    QList<ConnectionProfile> result;
    const int count = m_settings.beginReadArray(QStringLiteral("profiles"));
    for (int i = 0; i < count; ++i) {
        m_settings.setArrayIndex(i);
        ConnectionProfile profile;
        profile.name = m_settings.value(QStringLiteral("name")).toString();
        profile.servers = m_settings.value(QStringLiteral("servers")).toStringList();
        profile.caFile = m_settings.value(QStringLiteral("ca_file")).toString();
        profile.certFile = m_settings.value(QStringLiteral("cert_file")).toString();
        profile.keyFile = m_settings.value(QStringLiteral("key_file")).toString();
        profile.lastUser = m_settings.value(QStringLiteral("last_user")).toString();
        if (profile.isValid())
            result.append(profile);
    }
    m_settings.endArray();
    if (result.isEmpty())
        result.append(ConnectionProfile::localDefault());
    return result;
}

void ProfileStore::writeAll(const QList<ConnectionProfile>& profiles)
{
    m_settings.remove(QStringLiteral("profiles"));
    m_settings.beginWriteArray(QStringLiteral("profiles"), static_cast<int>(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const ConnectionProfile& profile = profiles.at(i);
        m_settings.setArrayIndex(i);
        m_settings.setValue(QStringLiteral("name"), profile.name);
        m_settings.setValue(QStringLiteral("servers"), profile.servers);
        m_settings.setValue(QStringLiteral("ca_file"), profile.caFile);
        m_settings.setValue(QStringLiteral("cert_file"), profile.certFile);
        m_settings.setValue(QStringLiteral("key_file"), profile.keyFile);
        m_settings.setValue(QStringLiteral("last_user"), profile.lastUser);
    }
    m_settings.endArray();
    m_settings.sync();
}

void ProfileStore::save(const ConnectionProfile& profile)
{
    QList<ConnectionProfile> all = profiles();
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const ConnectionProfile& p) { return p.name == profile.name; });
    if (it != all.end())
        *it = profile;
    else
        all.append(profile);
    writeAll(all);
}

void ProfileStore::remove(const QString& name)
{
    QList<ConnectionProfile> all = profiles();
    all.removeIf([&](const ConnectionProfile& p) { return p.name == name; });
    writeAll(all);
}

QString ProfileStore::currentName() const
{
    return m_settings.value(QStringLiteral("current_profile")).toString();
}

void ProfileStore::setCurrentName(const QString& name)
{
    m_settings.setValue(QStringLiteral("current_profile"), name);
    m_settings.sync();
}

void ProfileStore::setLastUser(const QString& profileName, const QString& user)
{
    for (ConnectionProfile profile : profiles()) {
        if (profile.name == profileName) {
            profile.lastUser = user;
            save(profile);
            return;
        }
    }
}

} // namespace openopd::app
