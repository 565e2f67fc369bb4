#pragma once

// Helpers for tests/deploy: run the shipped packaging scripts, fill in the shipped
// environment file, start programs the way a systemd unit does (environment, credentials
// directory), read nats-server's monitoring endpoints.

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <memory>

namespace openopd::testing::deploy {

struct RunResult
{
    int exitCode = -1; // -1: did not start, crashed or timed out
    QByteArray output; // stdout and stderr merged
};

// Runs program with arguments and the system environment plus extra, input on its stdin;
// waits <= timeoutMs.
RunResult run(const QString& program, const QStringList& arguments,
              const QProcessEnvironment& extra = {}, int timeoutMs = 60000,
              const QByteArray& input = {});

// The text of an environment file (systemd EnvironmentFile=: KEY=VALUE lines, # comments)
// with the values of the given keys replaced; a commented "#KEY=..." line is uncommented.
// Empty, with *error naming the key, when a key has no line in the text: the test sets only
// keys the shipped example documents.
QString fillEnvironmentFile(const QString& text, const QMap<QString, QString>& values,
                            QString* error);
// KEY=VALUE lines of an environment file (comments and blank lines skipped).
QProcessEnvironment parseEnvironmentFile(const QString& text);

QString readText(const QString& path);                    // empty when unreadable
bool writeText(const QString& path, const QString& text); // replaces the file
// The values of every "Key=" line of a systemd unit, in order.
QStringList unitValues(const QString& unitText, const QString& key);
// The stream's entry in /jsz?accounts=true&streams=true&config=true; empty when absent.
QJsonObject streamDetail(const QJsonObject& jsz, const QString& stream);

// GET http://127.0.0.1:<port><path> from nats-server's monitoring endpoint; an empty object
// when it does not answer with JSON within timeoutMs.
QJsonObject monitoringJson(quint16 port, const QString& path, int timeoutMs = 5000);

// A long-running child (nats-server, a service, the agent) that dies with the test.
class Child
{
public:
    Child(QString name, QString program, QStringList arguments, QProcessEnvironment environment);
    ~Child(); // SIGKILL if still running

    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Starts it and waits until its output contains readyMarker (or it exits).
    bool start(const QByteArray& readyMarker, int timeoutMs);
    void kill();           // SIGKILL and wait: a crash
    int terminate(int ms); // SIGTERM and wait; the exit code, -1 if it crashed or hung
    bool isRunning() const;
    QByteArray log();
    QString name() const { return m_name; }

private:
    QString m_name;
    QString m_program;
    QStringList m_arguments;
    QProcessEnvironment m_environment;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_log;
};

// The last lines of a log, for failure messages.
QString tail(const QByteArray& log, int lines = 20);

} // namespace openopd::testing::deploy
