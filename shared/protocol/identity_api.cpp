#include "protocol/identity_api.h"

#include "protocol/limits.h"

#include <limits>
#include <optional>
#include <utility>

namespace openopd::protocol {

namespace identity {

bool isAccountRole(StaffRole role)
{
    switch (role) {
    case StaffRole::Reception:
    case StaffRole::Doctor:
    case StaffRole::Pharmacist:
    case StaffRole::LabTechnician:
    case StaffRole::Admin:
        return true;
    case StaffRole::Nurse:
    case StaffRole::System:
        break;
    }
    return false;
}

bool isStaffAccountId(QStringView id)
{
    if (id.isEmpty() || id.size() > kStaffId)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const QChar c = id[i];
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (!alnum && (i == 0 || (c != u'.' && c != u'_' && c != u'-')))
            return false;
    }
    return true;
}

} // namespace identity

namespace {

const QString kId = QStringLiteral("id");
const QString kRoles = QStringLiteral("roles");

bool isSessionId(QStringView id)
{
    if (id.size() != identity::kSessionId)
        return false;
    for (QChar c : id)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    return true;
}

QString readStaffId(json::Reader& reader, const QString& name)
{
    return reader.requiredText(name, identity::kStaffId, identity::isStaffAccountId,
                               Text::tr("must be 1 to 64 of a-z, 0-9, '.', '_' and '-', "
                                        "starting with a letter or digit"));
}

QString readOptionalStaffId(json::Reader& reader, const QString& name)
{
    return reader.optionalText(name, identity::kStaffId, identity::isStaffAccountId,
                               Text::tr("must be 1 to 64 of a-z, 0-9, '.', '_' and '-', "
                                        "starting with a letter or digit"));
}

// A password as typed (never trimmed): minLength..128 characters, not only blanks.
QString readPassword(json::Reader& reader, const QString& name, qsizetype minLength)
{
    if (!reader.ok())
        return {};
    const QString value = reader.requiredString(name, identity::kMaxPassword, 1);
    if (reader.ok() && value.size() < minLength)
        reader.fail(name, Text::tr("must be at least %1 characters").arg(minLength));
    return value;
}

// An array of 1..5 (or, optional, 0..5) distinct account roles.
QList<StaffRole> readRoles(json::Reader& reader, const QString& name, bool required)
{
    QList<StaffRole> roles;
    if (!reader.ok())
        return roles;
    if (!reader.has(name)) {
        if (required)
            reader.fail(name, Text::tr("is required"));
        return roles;
    }
    const QStringList names = reader.stringList(name, 5, 64);
    for (qsizetype i = 0; i < names.size() && reader.ok(); ++i) {
        const QString item = name + u'[' + QString::number(i) + u']';
        const std::optional<StaffRole> role = enumFromWire<StaffRole>(names.at(i));
        if (!role || !identity::isAccountRole(*role))
            reader.fail(item, Text::tr("must be one of reception, doctor, pharmacist, "
                                       "lab_technician, admin"));
        else if (roles.contains(*role))
            reader.fail(item, Text::tr("is repeated"));
        else
            roles.append(*role);
    }
    if (reader.ok() && required && roles.isEmpty())
        reader.fail(name, Text::tr("must hold at least one role"));
    return roles;
}

// Standard base64 with padding, exactly as QByteArray::toBase64() writes it (one spelling
// per value); nullopt otherwise.
std::optional<QByteArray> strictBase64(QStringView text)
{
    for (QChar c : text)
        if (!((c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') ||
              c == u'+' || c == u'/' || c == u'='))
            return std::nullopt;
    const QByteArray encoded = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
        encoded, QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.toBase64() != encoded)
        return std::nullopt;
    return std::move(decoded.decoded);
}

bool isReplyKey(QStringView text)
{
    const std::optional<QByteArray> key = strictBase64(text);
    return key && key->size() == identity::kReplyKey;
}

bool isSealedSecret(QStringView text)
{
    const std::optional<QByteArray> sealed = strictBase64(text);
    return sealed && sealed->size() > identity::kSealOverhead &&
           sealed->size() <= identity::kSealOverhead + identity::kSecret;
}

// Characters of base64 for n bytes.
constexpr qsizetype base64Length(qsizetype n)
{
    return (n + 2) / 3 * 4;
}

QString toBase64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray fromBase64(const QString& text)
{
    return QByteArray::fromBase64(text.toLatin1());
}

void putRoles(QJsonObject& object, const QString& name, const QList<StaffRole>& roles)
{
    QJsonArray array;
    for (StaffRole role : roles)
        array.append(toWire(role));
    object.insert(name, array);
}

} // namespace

QJsonObject StaffAccount::toJson() const
{
    QJsonObject object{{kId, id}, {QStringLiteral("display_name"), displayName}};
    putRoles(object, kRoles, roles);
    object.insert(QStringLiteral("active"), active);
    json::putTimestamp(object, QStringLiteral("created_at"), createdAt);
    json::putTimestamp(object, QStringLiteral("updated_at"), updatedAt);
    return object;
}

StaffAccount StaffAccount::read(json::Reader& reader)
{
    StaffAccount account;
    account.id = readStaffId(reader, kId);
    account.displayName = reader.requiredString(QStringLiteral("display_name"), limits::kName);
    account.roles = readRoles(reader, kRoles, true);
    account.active = reader.requiredBool(QStringLiteral("active"));
    account.createdAt = reader.requiredTimestamp(QStringLiteral("created_at"));
    account.updatedAt = reader.requiredTimestamp(QStringLiteral("updated_at"));
    return account;
}

QJsonObject StaffSession::toJson() const
{
    QJsonObject object{{kId, id},
                       {QStringLiteral("staff_id"), staffId},
                       {QStringLiteral("display_name"), displayName}};
    putRoles(object, kRoles, roles);
    json::putTimestamp(object, QStringLiteral("expires_at"), expiresAt);
    return object;
}

StaffSession StaffSession::read(json::Reader& reader)
{
    StaffSession session;
    session.id = reader.requiredText(kId, identity::kSessionId, isSessionId,
                                     Text::tr("must be 32 lowercase hex digits"));
    session.staffId = readStaffId(reader, QStringLiteral("staff_id"));
    session.displayName = reader.requiredString(QStringLiteral("display_name"), limits::kName);
    session.roles = readRoles(reader, kRoles, true);
    session.expiresAt = reader.requiredTimestamp(QStringLiteral("expires_at"));
    return session;
}

QJsonObject SignInRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("user"), user);
    object.insert(QStringLiteral("password"), password);
    object.insert(QStringLiteral("reply_key"), toBase64(replyKey));
    return object;
}

SignInRequest SignInRequest::read(json::Reader& reader)
{
    SignInRequest request;
    // Any text: an unknown or malformed user name gets the same 401 as a wrong password.
    request.user = reader.requiredString(QStringLiteral("user"), identity::kStaffId);
    request.password = readPassword(reader, QStringLiteral("password"), 1);
    request.replyKey = fromBase64(reader.requiredText(
        QStringLiteral("reply_key"), base64Length(identity::kReplyKey), isReplyKey,
        Text::tr("must be a one-time X25519 public key: 32 bytes in base64")));
    return request;
}

QJsonObject SignInReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("session"), session.toJson());
    object.insert(QStringLiteral("nats_user"), natsUser);
    object.insert(QStringLiteral("nats_password_sealed"), toBase64(natsPasswordSealed));
    return object;
}

SignInReply SignInReply::read(json::Reader& reader)
{
    SignInReply reply;
    reply.session = reader.requiredObject<StaffSession>(QStringLiteral("session"));
    reply.natsUser = reader.requiredString(QStringLiteral("nats_user"), identity::kNatsUser);
    reply.natsPasswordSealed = fromBase64(reader.requiredText(
        QStringLiteral("nats_password_sealed"),
        base64Length(identity::kSealOverhead + identity::kSecret), isSealedSecret,
        Text::tr("must be a sealed box in base64 (49 to 304 bytes)")));
    return reply;
}

QJsonObject IdentityEmptyRequest::toJson() const
{
    return json::messageObject();
}

IdentityEmptyRequest IdentityEmptyRequest::read(json::Reader&)
{
    return {};
}

QJsonObject IdentityDoneReply::toJson() const
{
    return json::messageObject();
}

IdentityDoneReply IdentityDoneReply::read(json::Reader&)
{
    return {};
}

QJsonObject SessionReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("session"), session.toJson());
    return object;
}

SessionReply SessionReply::read(json::Reader& reader)
{
    SessionReply reply;
    reply.session = reader.requiredObject<StaffSession>(QStringLiteral("session"));
    return reply;
}

QJsonObject ChangePasswordRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("current_password"), currentPassword);
    object.insert(QStringLiteral("new_password"), newPassword);
    return object;
}

ChangePasswordRequest ChangePasswordRequest::read(json::Reader& reader)
{
    ChangePasswordRequest request;
    request.currentPassword = readPassword(reader, QStringLiteral("current_password"), 1);
    request.newPassword =
        readPassword(reader, QStringLiteral("new_password"), identity::kMinPassword);
    return request;
}

QJsonObject StaffListReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("staff"), json::toArray(staff));
    return object;
}

StaffListReply StaffListReply::read(json::Reader& reader)
{
    StaffListReply reply;
    reply.staff = reader.list<StaffAccount>(QStringLiteral("staff"), limits::kMaxListItems, true);
    return reply;
}

QJsonObject CreateStaffRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(kId, id);
    object.insert(QStringLiteral("display_name"), displayName);
    putRoles(object, kRoles, roles);
    object.insert(QStringLiteral("password"), password);
    return object;
}

CreateStaffRequest CreateStaffRequest::read(json::Reader& reader)
{
    CreateStaffRequest request;
    request.id = readStaffId(reader, kId);
    request.displayName = reader.requiredString(QStringLiteral("display_name"), limits::kName);
    request.roles = readRoles(reader, kRoles, true);
    request.password = readPassword(reader, QStringLiteral("password"), identity::kMinPassword);
    return request;
}

QJsonObject StaffIdRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(kId, id);
    return object;
}

StaffIdRequest StaffIdRequest::read(json::Reader& reader)
{
    StaffIdRequest request;
    request.id = readStaffId(reader, kId);
    return request;
}

QJsonObject ResetPasswordRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(kId, id);
    object.insert(QStringLiteral("new_password"), newPassword);
    return object;
}

ResetPasswordRequest ResetPasswordRequest::read(json::Reader& reader)
{
    ResetPasswordRequest request;
    request.id = readStaffId(reader, kId);
    request.newPassword =
        readPassword(reader, QStringLiteral("new_password"), identity::kMinPassword);
    return request;
}

QJsonObject SetRolesRequest::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(kId, id);
    putRoles(object, kRoles, roles);
    return object;
}

SetRolesRequest SetRolesRequest::read(json::Reader& reader)
{
    SetRolesRequest request;
    request.id = readStaffId(reader, kId);
    request.roles = readRoles(reader, kRoles, true);
    return request;
}

QJsonObject StaffAccountReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("staff"), staff.toJson());
    return object;
}

StaffAccountReply StaffAccountReply::read(json::Reader& reader)
{
    StaffAccountReply reply;
    reply.staff = reader.requiredObject<StaffAccount>(QStringLiteral("staff"));
    return reply;
}

QJsonObject NatsUser::toJson() const
{
    QJsonObject object{{QStringLiteral("user"), user},
                       {QStringLiteral("password_hash"), passwordHash}};
    if (expiresAt.isValid())
        json::putTimestamp(object, QStringLiteral("expires_at"), expiresAt);
    return object;
}

NatsUser NatsUser::read(json::Reader& reader)
{
    NatsUser user;
    user.user = reader.requiredString(QStringLiteral("user"), identity::kNatsUser);
    user.passwordHash = reader.requiredString(QStringLiteral("password_hash"), identity::kSecret);
    user.expiresAt = reader.optionalTimestamp(QStringLiteral("expires_at"));
    return user;
}

QJsonObject NatsUsersReply::toJson() const
{
    QJsonObject object = json::messageObject();
    object.insert(QStringLiteral("version"), version);
    object.insert(QStringLiteral("users"), json::toArray(users));
    return object;
}

NatsUsersReply NatsUsersReply::read(json::Reader& reader)
{
    NatsUsersReply reply;
    reply.version =
        reader.requiredInt64(QStringLiteral("version"), 0, std::numeric_limits<qint64>::max() / 2);
    // Every live session: more than a reply list usually holds (one per signed-in desk).
    reply.users = reader.list<NatsUser>(QStringLiteral("users"), 100000, true);
    return reply;
}

QJsonObject StaffChange::toJson() const
{
    QJsonObject object;
    json::putText(object, QStringLiteral("staff_id"), staffId);
    json::putText(object, QStringLiteral("display_name"), displayName);
    if (!roles.isEmpty())
        putRoles(object, kRoles, roles);
    if (!previousRoles.isEmpty())
        putRoles(object, QStringLiteral("previous_roles"), previousRoles);
    json::putText(object, QStringLiteral("session_id"), sessionId);
    json::putText(object, QStringLiteral("reason"), reason);
    json::putInt(object, QStringLiteral("failures"), failures);
    return object;
}

StaffChange StaffChange::read(json::Reader& reader)
{
    StaffChange change;
    change.staffId = readOptionalStaffId(reader, QStringLiteral("staff_id"));
    change.displayName = reader.optionalString(QStringLiteral("display_name"), limits::kName);
    change.roles = readRoles(reader, kRoles, false);
    change.previousRoles = readRoles(reader, QStringLiteral("previous_roles"), false);
    change.sessionId =
        reader.optionalText(QStringLiteral("session_id"), identity::kSessionId, isSessionId,
                            Text::tr("must be 32 lowercase hex digits"));
    change.reason = reader.optionalCode(QStringLiteral("reason"), 32);
    change.failures = reader.optionalInt(QStringLiteral("failures"), 1, 1000000);
    return change;
}

} // namespace openopd::protocol
