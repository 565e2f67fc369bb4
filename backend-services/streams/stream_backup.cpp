#include "stream_backup.h"

#include "bus/nats_options_builder.h"
#include "host/backup_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <nats/nats.h>
#include <optional>

using namespace Qt::StringLiterals;

namespace openopd::streams {
namespace {

constexpr int kApiTimeoutMs = 10000;
constexpr int kChunkTimeoutMs = 30000;       // the server waits 5 s of silence at most
constexpr int kFinishTimeoutMs = 10 * 60000; // the server unpacks the whole archive first
constexpr qint64 kChunkSize = 128 * 1024;
constexpr int kStreamNotFound = 10059; // JSStreamNotFoundErr

// nats.c objects freed at scope exit.
struct Msg
{
    natsMsg* msg = nullptr;
    ~Msg() { natsMsg_Destroy(msg); }
    QByteArray data() const { return QByteArray(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)); }
};

QString statusText(natsStatus status)
{
    return QString::fromUtf8(natsStatus_GetText(status));
}

class Nats
{
public:
    ~Nats()
    {
        if (m_nc != nullptr)
            natsConnection_Destroy(m_nc);
    }
    bool connect(bus::ConnectionOptions options, QString* error)
    {
        options.name = u"openopd-streams"_s;
        options.retryOnFailedConnect = false;
        options.maxReconnect = 0; // a snapshot cut by a reconnect is no snapshot: fail instead
        bus::BusError busError;
        natsOptions* opts = bus::detail::buildNatsOptions(options, {}, &busError);
        if (opts == nullptr) {
            *error = busError.toString();
            return false;
        }
        const natsStatus status = natsConnection_Connect(&m_nc, opts);
        natsOptions_Destroy(opts);
        if (status != NATS_OK) {
            *error = u"cannot connect to "_s + options.servers.join(u',') + u": "_s +
                     statusText(status) + u" ("_s + QString::fromUtf8(nats_GetLastError(nullptr)) +
                     u")"_s;
            return false;
        }
        return true;
    }
    natsConnection* nc() const { return m_nc; }

    // A JetStream API request; the answer, or std::nullopt with *error (*code: err_code).
    std::optional<QJsonObject> api(const QByteArray& subject, const QJsonObject& body,
                                   QString* error, int* code = nullptr,
                                   int timeoutMs = kApiTimeoutMs)
    {
        const QByteArray data =
            body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        return answer(subject, data, timeoutMs, error, code);
    }
    std::optional<QJsonObject> answer(const QByteArray& subject, const QByteArray& data,
                                      int timeoutMs, QString* error, int* code = nullptr)
    {
        Msg reply;
        const natsStatus status = natsConnection_Request(
            &reply.msg, m_nc, subject.constData(), data.constData(), int(data.size()), timeoutMs);
        if (status != NATS_OK) {
            *error = QString::fromUtf8(subject) + u": "_s +
                     (status == NATS_TIMEOUT || status == NATS_NO_RESPONDERS
                          ? u"no answer (is JetStream on, and may this user publish there?)"_s
                          : statusText(status));
            return std::nullopt;
        }
        const QJsonObject object = QJsonDocument::fromJson(reply.data()).object();
        if (const QJsonObject e = object.value(u"error"_s).toObject(); !e.isEmpty()) {
            if (code)
                *code = e.value(u"err_code"_s).toInt();
            *error = QString::fromUtf8(subject) + u": "_s + e.value(u"description"_s).toString() +
                     u" (error "_s + QString::number(e.value(u"err_code"_s).toInt()) + u")"_s;
            return std::nullopt;
        }
        return object;
    }

private:
    natsConnection* m_nc = nullptr;
};

// The chunk's index and size from its ack subject "$JS.SNAPSHOT.ACK.<stream>.<id>.<size>.<i>".
bool ackTokens(const char* reply, qint64* size, qint64* index)
{
    const QList<QByteArray> tokens = QByteArray(reply).split('.');
    if (tokens.size() != 7)
        return false;
    bool okSize = false;
    bool okIndex = false;
    *size = tokens.at(5).toLongLong(&okSize);
    *index = tokens.at(6).toLongLong(&okIndex);
    return okSize && okIndex;
}

// An empty message with a status other than 204 ends a snapshot that failed (newer servers).
QString endStatus(natsMsg* msg)
{
    const char* status = nullptr;
    if (natsMsgHeader_Get(msg, "Status", &status) != NATS_OK || status == nullptr ||
        qstrcmp(status, "204") == 0)
        return {};
    const char* description = nullptr;
    natsMsgHeader_Get(msg, "Description", &description);
    return QString::fromUtf8(status) + u' ' + QString::fromUtf8(description ? description : "");
}

bool snapshotOne(Nats& nats, const QString& stream, const QString& file, QString* line)
{
    natsInbox* inbox = nullptr;
    natsSubscription* sub = nullptr;
    if (natsInbox_Create(&inbox) != NATS_OK ||
        natsConnection_SubscribeSync(&sub, nats.nc(), inbox) != NATS_OK ||
        natsSubscription_SetPendingLimits(sub, -1, -1) != NATS_OK) { // never drop a chunk
        natsInbox_Destroy(inbox);
        *line = stream + u": cannot subscribe to an inbox"_s;
        return false;
    }
    const auto cleanup = qScopeGuard([&] {
        natsSubscription_Destroy(sub);
        natsInbox_Destroy(inbox);
    });
    QString error;
    const auto started = nats.api("$JS.API.STREAM.SNAPSHOT." + stream.toUtf8(),
                                  {{u"deliver_subject"_s, QString::fromLatin1(inbox)},
                                   {u"no_consumers"_s, false},
                                   {u"chunk_size"_s, kChunkSize}},
                                  &error);
    if (!started) {
        *line = stream + u": "_s + error;
        return false;
    }
    const QString dataFile = file + u".data"_s;
    QFile::remove(dataFile);
    QFile data(dataFile);
    if (!data.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
        *line = stream + u": "_s + dataFile + u": "_s + data.errorString();
        return false;
    }
    const auto removeData = qScopeGuard([&] { QFile::remove(dataFile); });
    qint64 expected = 1;
    qint64 bytes = 0;
    for (;;) {
        Msg chunk;
        const natsStatus status = natsSubscription_NextMsg(&chunk.msg, sub, kChunkTimeoutMs);
        if (status != NATS_OK) {
            *line = stream + u": the snapshot stopped after "_s + QString::number(bytes) +
                    u" bytes: "_s + statusText(status);
            return false;
        }
        const int length = natsMsg_GetDataLength(chunk.msg);
        const char* reply = natsMsg_GetReply(chunk.msg);
        if (length == 0) {
            if (const QString failed = endStatus(chunk.msg); !failed.isEmpty()) {
                *line = stream + u": the server ended the snapshot with "_s + failed;
                return false;
            }
            break; // the end
        }
        if (reply != nullptr) { // the last chunk may come without one
            qint64 size = 0;
            qint64 index = 0;
            if (!ackTokens(reply, &size, &index) || size != length || index != expected) {
                *line = stream + u": snapshot chunk "_s + QString::number(expected) +
                        u" is missing or damaged (got "_s + QString::fromUtf8(reply) + u")"_s;
                return false;
            }
            ++expected;
        }
        if (data.write(natsMsg_GetData(chunk.msg), length) != length) {
            *line = stream + u": "_s + dataFile + u": "_s + data.errorString();
            return false;
        }
        bytes += length;
        if (reply != nullptr)
            natsConnection_Publish(nats.nc(), reply, nullptr, 0); // flow control
    }
    data.close();
    const QJsonObject state = started->value(u"state"_s).toObject();
    if (!host::writeBackupFile(file, QString::fromLatin1(host::kBackupKindStream), stream, dataFile,
                               {{u"config"_s, started->value(u"config"_s)},
                                {u"state"_s, state},
                                {u"chunks"_s, expected - 1}},
                               &error)) {
        *line = stream + u": "_s + error;
        return false;
    }
    *line = u"%1: %2 messages (sequences %3 to %4), %5 consumers, %6 bytes -> %7"_s.arg(
        stream, QString::number(state.value(u"messages"_s).toInteger()),
        QString::number(state.value(u"first_seq"_s).toInteger()),
        QString::number(state.value(u"last_seq"_s).toInteger()),
        QString::number(state.value(u"consumer_count"_s).toInteger()), QString::number(bytes),
        file);
    return true;
}

bool restoreOne(Nats& nats, const QString& stream, const QString& payload,
                const host::BackupHeader& header, int replicas, QString* line)
{
    QJsonObject config = header.fields.value(u"config"_s).toObject();
    const QJsonObject state = header.fields.value(u"state"_s).toObject();
    if (replicas > 0)
        config.insert(u"num_replicas"_s, replicas);
    QString error;
    const auto started = nats.api("$JS.API.STREAM.RESTORE." + stream.toUtf8(),
                                  {{u"config"_s, config}, {u"state"_s, state}}, &error);
    if (!started) {
        *line = stream + u": "_s + error;
        return false;
    }
    const QByteArray deliver = started->value(u"deliver_subject"_s).toString().toUtf8();
    QFile in(payload);
    if (deliver.isEmpty() || !in.open(QIODevice::ReadOnly)) {
        *line = stream + u": the server named no subject for the restore"_s;
        return false;
    }
    for (;;) {
        const QByteArray chunk = in.read(kChunkSize);
        if (chunk.isEmpty())
            break;
        Msg ack;
        const natsStatus status =
            natsConnection_Request(&ack.msg, nats.nc(), deliver.constData(), chunk.constData(),
                                   int(chunk.size()), kChunkTimeoutMs);
        if (status != NATS_OK || !ack.data().isEmpty()) {
            *line = stream + u": the server refused a chunk: "_s +
                    (status != NATS_OK ? statusText(status) : QString::fromUtf8(ack.data()));
            return false;
        }
    }
    const auto created = nats.answer(deliver, {}, kFinishTimeoutMs, &error);
    if (!created) {
        *line = stream + u": the restore failed: "_s + error;
        return false;
    }
    const QJsonObject restored = created->value(u"state"_s).toObject();
    // The snapshot answer's state is taken as the snapshot begins; an online snapshot's
    // archive may also hold messages stored while it was copied, never fewer.
    for (const QString& key : {u"messages"_s, u"last_seq"_s}) {
        if (restored.value(key).toInteger() < state.value(key).toInteger()) {
            *line = stream + u": restored, but "_s + key + u" is "_s +
                    QString::number(restored.value(key).toInteger()) + u", the snapshot had "_s +
                    QString::number(state.value(key).toInteger());
            return false;
        }
    }
    const qint64 later =
        restored.value(u"messages"_s).toInteger() - state.value(u"messages"_s).toInteger();
    *line = u"%1: restored %2 messages (sequences %3 to %4), %5 consumers, from %6"_s.arg(
        stream, QString::number(restored.value(u"messages"_s).toInteger()),
        QString::number(restored.value(u"first_seq"_s).toInteger()),
        QString::number(restored.value(u"last_seq"_s).toInteger()),
        QString::number(restored.value(u"consumer_count"_s).toInteger()),
        header.fields.value(u"created"_s).toString());
    if (later > 0)
        *line += u" (%1 stored while the snapshot was taken)"_s.arg(later);
    return true;
}

} // namespace

QString backupFileName(const QString& dir, const QString& stream)
{
    return QDir(dir).absoluteFilePath(stream + u".jsbackup"_s);
}

StreamsResult snapshotStreams(const bus::ConnectionOptions& connection, const QStringList& streams,
                              const QString& dir)
{
    StreamsResult result;
    if (!QFileInfo(dir).isDir()) {
        result.lines << u"the directory "_s + dir + u" does not exist"_s;
        return result;
    }
    for (const QString& stream : streams) {
        if (QFileInfo::exists(backupFileName(dir, stream))) {
            result.lines << backupFileName(dir, stream) +
                                u" already exists: snapshot into a new directory"_s;
            return result;
        }
    }
    Nats nats;
    QString error;
    if (!nats.connect(connection, &error)) {
        result.lines << error;
        return result;
    }
    result.ok = true;
    for (const QString& stream : streams) {
        QString line;
        result.ok = snapshotOne(nats, stream, backupFileName(dir, stream), &line) && result.ok;
        result.lines << line;
    }
    return result;
}

StreamsResult restoreStreams(const bus::ConnectionOptions& connection, const QStringList& streams,
                             const QString& dir, int replicas)
{
    StreamsResult result;
    QTemporaryDir staging;
    if (!staging.isValid()) {
        result.lines << u"cannot create a temporary directory: "_s + staging.errorString();
        return result;
    }
    // Every file whole and of the right stream before anything is sent.
    QList<host::BackupHeader> headers;
    for (const QString& stream : streams) {
        QString error;
        auto header = host::readBackupFile(backupFileName(dir, stream),
                                           {QString::fromLatin1(host::kBackupKindStream)}, stream,
                                           staging.filePath(stream), &error);
        if (!header) {
            result.lines << error + u"; nothing was restored"_s;
            return result;
        }
        headers << *header;
    }
    Nats nats;
    QString error;
    if (!nats.connect(connection, &error)) {
        result.lines << error;
        return result;
    }
    for (const QString& stream : streams) {
        int code = 0;
        if (nats.api("$JS.API.STREAM.INFO." + stream.toUtf8(), {}, &error, &code)) {
            result.lines << stream + u" already exists on the server: a restore never replaces "
                                     u"a stream (start the services only after the restore); "
                                     u"nothing was restored"_s;
            return result;
        }
        if (code != kStreamNotFound) {
            result.lines << error;
            return result;
        }
    }
    result.ok = true;
    for (qsizetype i = 0; i < streams.size(); ++i) {
        QString line;
        result.ok = restoreOne(nats, streams.at(i), staging.filePath(streams.at(i)), headers.at(i),
                               replicas, &line) &&
                    result.ok;
        result.lines << line;
    }
    return result;
}

} // namespace openopd::streams
