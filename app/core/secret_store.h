#pragma once

// Secrets the app must remember between runs go only into the OS keychain (QtKeychain: the
// Secret Service on Linux, e.g. gnome-keyring), never into QSettings or a file. Every call is
// asynchronous (a D-Bus round trip, maybe an unlock prompt): the answer comes later on the
// context's thread, and nothing runs if the context is gone. No plaintext fallback: without a
// keychain the call fails with NoBackend.
//
// What the app keeps there today: nothing by default. See docs/architecture.md ("Desktop
// app"): a shared reception PC must not sign the next person in as the previous one, so
// passwords are not remembered and the session's credentials live in memory only.

#include <QByteArray>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace openopd::app {

class SecretStore
{
public:
    enum class Status { Ok, NotFound, NoBackend, AccessDenied, Failed };
    struct Outcome
    {
        Status status = Status::Ok;
        QString message; // the keychain's explanation when not Ok
        bool ok() const { return status == Status::Ok; }
    };
    using Done = std::function<void(Outcome)>;
    using ReadDone = std::function<void(Outcome, QByteArray)>;

    // service: the keychain's "application" attribute (e.g. "OpenOPD").
    explicit SecretStore(QString service);

    void write(const QString& key, const QByteArray& secret, QObject* context, Done done) const;
    void read(const QString& key, QObject* context, ReadDone done) const;
    // Deleting a key that is not there is Ok or NotFound, depending on the backend.
    void remove(const QString& key, QObject* context, Done done) const;

    const QString& service() const { return m_service; }

private:
    QString m_service;
};

} // namespace openopd::app
