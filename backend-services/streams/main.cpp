// openopd-streams: snapshot the OPD streams (OPD_EVENTS, OPD_DLQ, with their consumers'
// state) into a directory, or restore them from one into a server that lacks them
// (docs/backup.md). Connection options as every service has them (--nats-url, --user with
// --password-stdin, --creds, --nkey, TLS).
//
//   openopd-streams --snapshot-to /backup/2026-12-01/streams --nats-url ... --user ...
//   openopd-streams --restore-from /backup/2026-12-01/streams [--replicas 3] ...

#include "bus/nats_library.h"
#include "host/event_streams.h"
#include "host/service_options.h"
#include "stream_backup.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <cstdio>
#include <iostream>
#include <string>

using namespace openopd;

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::streams", text);
}

int fail(const QString& why)
{
    std::fputs(qPrintable(u"openopd-streams: "_qs + why + u'\n'), stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    bus::NatsLibrary nats;
    const QList<QCommandLineOption> own{
        {QStringLiteral("snapshot-to"),
         tr("Snapshot the streams into this directory (one <stream>.jsbackup file each)."),
         QStringLiteral("dir")},
        {QStringLiteral("restore-from"),
         tr("Restore the streams from this directory into a server that does not have them."),
         QStringLiteral("dir")},
        {QStringLiteral("stream"),
         tr("Only this stream (repeatable; default OPD_EVENTS and OPD_DLQ)."),
         QStringLiteral("name")},
        {QStringLiteral("replicas"),
         tr("Restore with this many replicas instead of the snapshot's (e.g. 3 on a cluster)."),
         QStringLiteral("n")}};
    const host::ParsedCommandLine parsed = host::parseServiceCommandLine(
        QStringLiteral("streams"), QStringLiteral("1.0.0"), app.arguments(), own);
    switch (parsed.action) {
    case host::ParsedCommandLine::Action::ShowHelp:
    case host::ParsedCommandLine::Action::ShowVersion:
        std::fputs(qPrintable(parsed.message + u'\n'), stdout);
        return 0;
    case host::ParsedCommandLine::Action::Fail:
        return fail(parsed.message);
    case host::ParsedCommandLine::Action::Run:
        break;
    }
    const QString snapshotTo = parsed.value(QStringLiteral("snapshot-to"));
    const QString restoreFrom = parsed.value(QStringLiteral("restore-from"));
    if (snapshotTo.isEmpty() == restoreFrom.isEmpty())
        return fail(tr("give exactly one of --snapshot-to and --restore-from"));
    QStringList streams = parsed.extra.value(QStringLiteral("stream"));
    if (streams.isEmpty())
        streams = {QString::fromLatin1(host::kEventsStream),
                   QString::fromLatin1(host::kDeadLetterStream)};
    static const QRegularExpression name(
        QRegularExpression::anchoredPattern(QStringLiteral("[A-Za-z0-9_-]+")));
    for (const QString& stream : std::as_const(streams))
        if (!name.match(stream).hasMatch())
            return fail(tr("--stream: \"%1\" is not a stream name").arg(stream));
    int replicas = 0;
    if (parsed.isSet(QStringLiteral("replicas"))) {
        bool ok = false;
        replicas = parsed.value(QStringLiteral("replicas")).toInt(&ok);
        if (!ok || replicas < 1 || replicas > 5)
            return fail(tr("--replicas must be a number from 1 to 5"));
    }
    host::ServiceOptions options = parsed.options;
    if (options.passwordFromStdin) {
        std::string line;
        if (!std::getline(std::cin, line) || line.empty())
            return fail(tr("--password-stdin: no password on standard input"));
        if (line.back() == '\r')
            line.pop_back();
        options.password = QString::fromStdString(line);
    }
    const streams::StreamsResult result =
        snapshotTo.isEmpty()
            ? streams::restoreStreams(options.connectionOptions(), streams, restoreFrom, replicas)
            : streams::snapshotStreams(options.connectionOptions(), streams, snapshotTo);
    for (const QString& line : result.lines)
        std::fputs(qPrintable(line + u'\n'), result.ok ? stdout : stderr);
    return result.ok ? 0 : 1;
}
