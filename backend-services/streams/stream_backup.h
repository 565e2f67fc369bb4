#pragma once

// Snapshot and restore of JetStream streams (OPD_EVENTS, OPD_DLQ) with their consumers'
// state, through the server's own API (nats-server 2.9, server/jetstream_api.go):
//
// Snapshot: a request to $JS.API.STREAM.SNAPSHOT.<stream> with {"deliver_subject": inbox,
// "no_consumers": false, "chunk_size": n} answers {config, state}; the server then sends the
// archive to the inbox in chunks whose reply subject is $JS.SNAPSHOT.ACK.<stream>.<id>.
// <size>.<index> (an empty publish there acknowledges it: flow control, a 32 MB window) and
// ends with an empty message without a reply subject.
// Restore: a request to $JS.API.STREAM.RESTORE.<stream> with {config, state} answers
// {deliver_subject} ($JS.SNAPSHOT.RESTORE.<stream>.<id>); each chunk is a request there
// (answered empty), and an empty request ends it: its answer is the created stream's info
// or the error. The server refuses a stream that exists (error 10058).
//
// One backup file per stream (backup_file.h, kind "jetstream-snapshot"), its header keeps
// the config and state from the snapshot answer. Synchronous nats.c: a command-line tool.

#include "bus/connection_options.h"

#include <QString>
#include <QStringList>

namespace openopd::streams {

struct StreamsResult
{
    bool ok = false;
    QStringList lines; // one per stream: what was done, or the error
};

// <dir>/<stream>.jsbackup for each stream; refuses when one of the files exists.
StreamsResult snapshotStreams(const bus::ConnectionOptions& connection, const QStringList& streams,
                              const QString& dir);
// Checks every file and that no stream exists on the server before restoring any.
// replicas > 0 overrides the snapshot's num_replicas (e.g. 3 on a cluster).
StreamsResult restoreStreams(const bus::ConnectionOptions& connection, const QStringList& streams,
                             const QString& dir, int replicas);

QString backupFileName(const QString& dir, const QString& stream);

} // namespace openopd::streams
