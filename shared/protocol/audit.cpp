#include "protocol/audit.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

#include <QCryptographicHash>

namespace openopd::protocol {
namespace {

QString hashExpectation()
{
    return Text::tr("must be a SHA-256 digest: 64 lower-case hex digits");
}

void appendField(QByteArray& canonical, const QString& value)
{
    const QByteArray bytes = value.toUtf8();
    canonical += QByteArray::number(bytes.size());
    canonical += ':';
    canonical += bytes;
    canonical += '\n';
}

} // namespace

QString auditGenesisHash()
{
    return QString(64, u'0');
}

QString sha256Hex(QByteArrayView bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QString AuditRecord::computeHash() const
{
    QByteArray canonical;
    appendField(canonical, QString::number(seq));
    appendField(canonical, eventId);
    appendField(canonical, subject);
    appendField(canonical, actor.id);
    appendField(canonical, actor.name);
    appendField(canonical, toWire(actor.role));
    appendField(canonical, formatTimestamp(at));
    appendField(canonical, patientId);
    appendField(canonical, payloadHash);
    appendField(canonical, prevHash);
    return sha256Hex(canonical);
}

bool AuditRecord::linksTo(const QString& previousHash) const
{
    return prevHash == previousHash && hash == computeHash();
}

QJsonObject AuditRecord::toJson() const
{
    QJsonObject object{{QStringLiteral("seq"), seq},
                       {QStringLiteral("event_id"), eventId},
                       {QStringLiteral("subject"), subject},
                       {QStringLiteral("actor"), actor.toJson()},
                       {QStringLiteral("payload_hash"), payloadHash},
                       {QStringLiteral("prev_hash"), prevHash},
                       {QStringLiteral("hash"), hash}};
    json::putTimestamp(object, QStringLiteral("at"), at);
    json::putText(object, QStringLiteral("patient_id"), patientId);
    return object;
}

AuditRecord AuditRecord::read(json::Reader& reader)
{
    AuditRecord record;
    record.seq = reader.requiredInt64(QStringLiteral("seq"), 1, qint64{1} << 53);
    record.eventId = reader.requiredId(QStringLiteral("event_id"));
    record.subject = reader.requiredString(QStringLiteral("subject"), limits::kSubject);
    record.actor = reader.requiredObject<StaffRef>(QStringLiteral("actor"));
    record.at = reader.requiredTimestamp(QStringLiteral("at"));
    record.patientId = reader.optionalId(QStringLiteral("patient_id"));
    record.payloadHash = reader.requiredText(QStringLiteral("payload_hash"), 64, isValidSha256Hex,
                                             hashExpectation());
    record.prevHash =
        reader.requiredText(QStringLiteral("prev_hash"), 64, isValidSha256Hex, hashExpectation());
    record.hash =
        reader.requiredText(QStringLiteral("hash"), 64, isValidSha256Hex, hashExpectation());
    return record;
}

} // namespace openopd::protocol
