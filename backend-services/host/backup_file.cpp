#include "host/backup_file.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace openopd::host {
namespace {

constexpr qint64 kCopyBlock = 1 << 20;

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

// Copies `bytes` bytes (or all that is left when bytes < 0) from in to out (when given),
// hashing them. The count actually copied.
qint64 copyHashed(QFile& in, QFile* out, qint64 bytes, QCryptographicHash& hash, QString* error)
{
    qint64 copied = 0;
    while (bytes < 0 || copied < bytes) {
        const qint64 want = bytes < 0 ? kCopyBlock : std::min(kCopyBlock, bytes - copied);
        const QByteArray block = in.read(want);
        if (block.isEmpty()) {
            if (in.error() != QFile::NoError)
                setError(error, in.fileName() + u": "_s + in.errorString());
            break;
        }
        hash.addData(block);
        if (out && out->write(block) != block.size()) {
            setError(error, out->fileName() + u": "_s + out->errorString());
            return -1;
        }
        copied += block.size();
    }
    return copied;
}

bool syncFile(QFile& file)
{
    return file.flush() && ::fsync(file.handle()) == 0;
}

} // namespace

bool writeBackupFile(const QString& target, const QString& kind, const QString& name,
                     const QString& payloadFile, const QJsonObject& extra, QString* error)
{
    if (QFileInfo::exists(target)) {
        setError(error, target + u" already exists: choose a new name (a backup never "
                                 u"overwrites another)"_s);
        return false;
    }
    QFile payload(payloadFile);
    if (!payload.open(QIODevice::ReadOnly)) {
        setError(error, payloadFile + u": "_s + payload.errorString());
        return false;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QString copyError;
    const qint64 bytes = copyHashed(payload, nullptr, -1, hash, &copyError);
    if (!copyError.isEmpty()) {
        setError(error, copyError);
        return false;
    }
    QJsonObject header = extra;
    header.insert(u"kind"_s, kind);
    header.insert(u"name"_s, name);
    header.insert(u"bytes"_s, bytes);
    header.insert(u"sha256"_s, QString::fromLatin1(hash.result().toHex()));
    header.insert(u"created"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray headerLine = QJsonDocument(header).toJson(QJsonDocument::Compact) + '\n';

    const QString partial = target + u".partial"_s;
    QFile::remove(partial); // a left-over of an interrupted run
    QFile out(partial);
    // Patient data: readable by the owner only, whatever the umask.
    if (!out.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
        !out.setPermissions(QFile::ReadOwner | QFile::WriteOwner)) {
        setError(error, partial + u": "_s + out.errorString());
        QFile::remove(partial);
        return false;
    }
    payload.seek(0);
    QCryptographicHash again(QCryptographicHash::Sha256);
    const bool ok = out.write(kBackupMagic) == qint64(sizeof(kBackupMagic) - 1) &&
                    out.write(headerLine) == headerLine.size() &&
                    copyHashed(payload, &out, bytes, again, &copyError) == bytes &&
                    again.result() == hash.result() && syncFile(out);
    out.close();
    if (!ok || !QFile::rename(partial, target)) {
        setError(error, copyError.isEmpty()
                            ? target + u": cannot write the backup (disk full? the payload "
                                       u"changed while it was copied?)"_s
                            : copyError);
        QFile::remove(partial);
        return false;
    }
    return true;
}

std::optional<BackupHeader> readBackupFile(const QString& file, const QStringList& kinds,
                                           const QString& name, const QString& payloadOut,
                                           QString* error)
{
    const auto fail = [&](const QString& why) -> std::optional<BackupHeader> {
        setError(error, file + u": "_s + why);
        return std::nullopt;
    };
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return fail(in.errorString());
    const QByteArray magic = in.read(sizeof(kBackupMagic) - 1);
    if (magic != kBackupMagic)
        return fail(u"not an OpenOPD backup file (it does not start with \"OPENOPD-BACKUP 1\")"_s);
    const QByteArray line = in.readLine(kMaxHeaderBytes);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (!line.endsWith('\n') || !document.isObject())
        return fail(u"the backup header is damaged"_s);
    BackupHeader header;
    header.fields = document.object();
    header.kind = header.fields.value(u"kind"_s).toString();
    header.name = header.fields.value(u"name"_s).toString();
    header.bytes = header.fields.value(u"bytes"_s).toInteger(-1);
    header.sha256 = header.fields.value(u"sha256"_s).toString();
    if (header.bytes < 0 || header.sha256.size() != 64)
        return fail(u"the backup header lacks its length or checksum"_s);
    if (!kinds.contains(header.kind))
        return fail(u"it holds a backup of kind '"_s + header.kind + u"', expected "_s +
                    kinds.join(u" or "_s));
    if (header.name != name)
        return fail(u"it is the backup of '"_s + header.name + u"', not of '"_s + name + u"'"_s);
    const qint64 left = in.size() - in.pos();
    if (left != header.bytes)
        return fail(u"the file is %1 (%2 payload bytes, the header says %3)"_s.arg(
            left < header.bytes ? u"truncated"_s : u"longer than written"_s, QString::number(left),
            QString::number(header.bytes)));

    std::optional<QFile> out;
    if (!payloadOut.isEmpty()) {
        out.emplace(payloadOut);
        if (!out->open(QIODevice::WriteOnly | QIODevice::NewOnly))
            return fail(u"cannot create "_s + payloadOut + u": "_s + out->errorString());
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QString copyError;
    const qint64 copied = copyHashed(in, out ? &*out : nullptr, header.bytes, hash, &copyError);
    const bool synced = !out || syncFile(*out);
    if (out)
        out->close();
    const auto discard = [&] {
        if (out)
            QFile::remove(payloadOut);
    };
    if (copied != header.bytes || !copyError.isEmpty() || !synced) {
        discard();
        return fail(copyError.isEmpty() ? u"cannot read the payload"_s : copyError);
    }
    if (QString::fromLatin1(hash.result().toHex()) != header.sha256) {
        discard();
        return fail(u"the payload's SHA-256 does not match the header: the file is damaged"_s);
    }
    return header;
}

} // namespace openopd::host
