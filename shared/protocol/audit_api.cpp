#include "protocol/audit_api.h"

#include "protocol/limits.h"
#include "protocol/validation.h"

namespace openopd::protocol {
namespace {

constexpr qint64 kMaxSeq = qint64{1} << 53;

} // namespace

QJsonObject AuditQueryRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putText(object, QStringLiteral("patient_id"), patientId);
    json::putText(object, QStringLiteral("staff_id"), staffId);
    json::putTimestamp(object, QStringLiteral("from"), from);
    json::putTimestamp(object, QStringLiteral("to"), to);
    object.insert(QStringLiteral("after_seq"), afterSeq);
    object.insert(QStringLiteral("limit"), limit);
    return object;
}

AuditQueryRequest AuditQueryRequest::read(json::Reader& reader)
{
    AuditQueryRequest request;
    request.patientId = reader.optionalId(QStringLiteral("patient_id"));
    request.staffId = reader.optionalText(
        QStringLiteral("staff_id"), limits::kStaffId, isValidStaffId,
        Text::tr("must start with a letter or digit and contain only letters, digits, '.', '_', "
                 "'@' and '-'"));
    request.from = reader.optionalTimestamp(QStringLiteral("from"));
    request.to = reader.optionalTimestamp(QStringLiteral("to"));
    request.afterSeq = reader.optionalInt64(QStringLiteral("after_seq"), 0, kMaxSeq).value_or(0);
    request.limit =
        reader.optionalInt(QStringLiteral("limit"), 1, static_cast<int>(limits::kMaxListItems))
            .value_or(100);
    if (reader.ok() && request.from.isValid() && request.to.isValid() && request.to < request.from)
        reader.fail(QStringLiteral("to"), Text::tr("must not be before from"));
    return request;
}

QJsonObject AuditQueryReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("records"), json::toArray(records));
    object.insert(QStringLiteral("has_more"), hasMore);
    return object;
}

AuditQueryReply AuditQueryReply::read(json::Reader& reader)
{
    AuditQueryReply reply;
    reply.records =
        reader.list<AuditRecord>(QStringLiteral("records"), limits::kMaxListItems, true);
    reply.hasMore = reader.optionalBool(QStringLiteral("has_more"), false);
    return reply;
}

QJsonObject AuditVerifyRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    json::putInt64(object, QStringLiteral("from_seq"), fromSeq);
    json::putInt64(object, QStringLiteral("to_seq"), toSeq);
    return object;
}

AuditVerifyRequest AuditVerifyRequest::read(json::Reader& reader)
{
    AuditVerifyRequest request;
    request.fromSeq = reader.optionalInt64(QStringLiteral("from_seq"), 1, kMaxSeq);
    request.toSeq = reader.optionalInt64(QStringLiteral("to_seq"), 1, kMaxSeq);
    if (reader.ok() && request.fromSeq && request.toSeq && *request.toSeq < *request.fromSeq)
        reader.fail(QStringLiteral("to_seq"), Text::tr("must not be below from_seq"));
    return request;
}

QJsonObject AuditVerifyReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("intact"), intact);
    object.insert(QStringLiteral("checked"), checked);
    object.insert(QStringLiteral("head_seq"), headSeq);
    object.insert(QStringLiteral("head_hash"), headHash);
    json::putInt64(object, QStringLiteral("first_broken_seq"), firstBrokenSeq);
    json::putText(object, QStringLiteral("reason"), reason);
    json::putTimestamp(object, QStringLiteral("verified_at"), verifiedAt);
    return object;
}

AuditVerifyReply AuditVerifyReply::read(json::Reader& reader)
{
    AuditVerifyReply reply;
    reply.intact = reader.requiredBool(QStringLiteral("intact"));
    reply.checked = reader.requiredInt64(QStringLiteral("checked"), 0, kMaxSeq);
    reply.headSeq = reader.requiredInt64(QStringLiteral("head_seq"), 0, kMaxSeq);
    reply.headHash =
        reader.requiredText(QStringLiteral("head_hash"), 64, isValidSha256Hex,
                            Text::tr("must be a SHA-256 digest: 64 lower-case hex digits"));
    reply.firstBrokenSeq = reader.optionalInt64(QStringLiteral("first_broken_seq"), 1, kMaxSeq);
    reply.reason = reader.optionalString(QStringLiteral("reason"), limits::kReason);
    reply.verifiedAt = reader.requiredTimestamp(QStringLiteral("verified_at"));
    if (reader.ok() && !reply.intact && !reply.firstBrokenSeq)
        reader.fail(QStringLiteral("first_broken_seq"),
                    Text::tr("is required when intact is false"));
    return reply;
}

} // namespace openopd::protocol
