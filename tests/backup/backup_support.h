#pragma once

// Helpers for the backup tests: run a tool as a child process while the event loop keeps
// turning (so requests of the same test go on meanwhile), and a SERVICES user with exactly
// the permissions docs/backup.md gives the operator's backup user.

#include "support/nats_server.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace openopd::testing::backup {

struct ToolRun
{
    int exitCode = -1; // -1: did not finish or crashed
    QString output;    // standard output and error, merged
    qint64 elapsedMs = 0;
};

// Runs program; the event loop runs while it does (at most timeoutMs).
ToolRun runTool(const QString& program, const QStringList& arguments,
                const QByteArray& standardInput = {}, int timeoutMs = 120000);

// The operator's backup user in the SERVICES account (docs/backup.md), as accounts.conf text.
QByteArray backupUserEntry(const QString& user, const QByteArray& bcryptHash);

// Adds that user to the accounts.conf the secured OpdCluster's nats-server includes, reloads
// the server (SIGHUP) and waits until the user can connect. False with *error.
bool addBackupUser(NatsServer& nats, const QString& user, const QByteArray& password,
                   QString* error);

// The file's size in bytes (-1 when missing).
qint64 fileSize(const QString& path);

} // namespace openopd::testing::backup
