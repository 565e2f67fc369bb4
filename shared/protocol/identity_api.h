#pragma once

// Requests, replies and event payloads of the identity service: staff sign-in and sessions
// (opd.identity.>), staff accounts (opd.admin.staff.>) and the list of live sessions the
// NATS authorization agent writes into the server's configuration
// (opd.identity.internal.nats_users). See docs/protocol.md, "Identity".
//
// No message here ever carries a password hash of a person's password; sign-in replies carry
// the session's NATS password once, sealed to the client's one-time key (the service keeps
// only its bcrypt hash).

#include "bus/result.h"
#include "protocol/enums.h"
#include "protocol/json_fields.h"

namespace openopd::protocol {

namespace identity {
inline constexpr qsizetype kMinPassword = 8;   // characters
inline constexpr qsizetype kMaxPassword = 128; // characters
inline constexpr qsizetype kStaffId = 64;      // staff ids (login names)
inline constexpr qsizetype kSessionId = 32;    // 32 lowercase hex digits
inline constexpr qsizetype kNatsUser = 1024;   // "<id>|<roles>|<session>|<name, base64url>"
inline constexpr qsizetype kSecret = 256;      // session NATS passwords and their hashes
inline constexpr qsizetype kReplyKey = 32;     // bytes of an X25519 public key (reply_key)
inline constexpr qsizetype kSealOverhead = 48; // bytes a sealed box adds (crypto_box_SEALBYTES)

// The roles a staff account can hold: reception, doctor, pharmacist, lab_technician, admin.
bool isAccountRole(StaffRole role);
// Staff ids: 1..64 of a-z 0-9 . _ -, starting with a letter or digit.
bool isStaffAccountId(QStringView id);
} // namespace identity

// A staff account as the admin endpoints show it (never a password or its hash).
// {"id": "dr.silva", "display_name": "Dr Ana Silva", "roles": ["doctor"], "active": true,
//  "created_at": timestamp, "updated_at": timestamp}
struct StaffAccount
{
    QString id;
    QString displayName;
    QList<StaffRole> roles; // 1..5 account roles, no repeats
    bool active = true;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool operator==(const StaffAccount&) const = default;
    QJsonObject toJson() const;
    static StaffAccount read(json::Reader& reader);
    static bus::Result<StaffAccount> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StaffAccount>(object);
    }
};

// A signed-in session: {"id": 32 hex, "staff_id", "display_name", "roles": [...],
// "expires_at": timestamp}.
struct StaffSession
{
    QString id;
    QString staffId;
    QString displayName;
    QList<StaffRole> roles;
    QDateTime expiresAt;

    bool operator==(const StaffSession&) const = default;
    QJsonObject toJson() const;
    static StaffSession read(json::Reader& reader);
    static bus::Result<StaffSession> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StaffSession>(object);
    }
};

// opd.identity.signin: {"v": 1, "user": staff id (1..64), "password": 1..128,
// "reply_key": base64 (standard alphabet, padded) of a one-time X25519 public key, 32 bytes}.
// A missing or malformed reply_key is a 400 naming it. 401 "wrong user name or password" for a
// wrong password and an unknown user alike; 403 for a disabled account; 429 after 5 consecutive
// failures for the user name (back-off from 30 s, doubling, at most 15 min; the message ends with
// "retry_after_s=<seconds>").
struct SignInRequest
{
    QString user;
    QString password;
    QByteArray replyKey; // the 32 raw bytes (crypto_box_keypair's public key)

    bool operator==(const SignInRequest&) const = default;
    QJsonObject toJson() const;
    static SignInRequest read(json::Reader& reader);
    static bus::Result<SignInRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SignInRequest>(object);
    }
};

// {"v": 1, "session": StaffSession, "nats_user": …, "nats_password_sealed": base64 of
// crypto_box_seal(NATS password, reply_key)}: open the password with the secret key of the
// request's reply_key (access::openSealed), then connect to the STAFF account with nats_user
// and it once the authorization agent has loaded the session (a few seconds). Every other
// sign-in client may read this reply: nothing in it but the sealed password is secret.
struct SignInReply
{
    StaffSession session;
    QString natsUser;
    QByteArray natsPasswordSealed; // raw bytes: 48 + the password's length

    bool operator==(const SignInReply&) const = default;
    QJsonObject toJson() const;
    static SignInReply read(json::Reader& reader);
    static bus::Result<SignInReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SignInReply>(object);
    }
};

// {"v": 1}: the requests that need nothing but the verified caller (session renew and sign
// out, the staff list, the NATS user list).
struct IdentityEmptyRequest
{
    bool operator==(const IdentityEmptyRequest&) const = default;
    QJsonObject toJson() const;
    static IdentityEmptyRequest read(json::Reader& reader);
    static bus::Result<IdentityEmptyRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<IdentityEmptyRequest>(object);
    }
};

// {"v": 1}: done.
struct IdentityDoneReply
{
    bool operator==(const IdentityDoneReply&) const = default;
    QJsonObject toJson() const;
    static IdentityDoneReply read(json::Reader& reader);
    static bus::Result<IdentityDoneReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<IdentityDoneReply>(object);
    }
};

// {"v": 1, "session": StaffSession}
struct SessionReply
{
    StaffSession session;

    bool operator==(const SessionReply&) const = default;
    QJsonObject toJson() const;
    static SessionReply read(json::Reader& reader);
    static bus::Result<SessionReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SessionReply>(object);
    }
};

// opd.identity.password.change: {"v": 1, "current_password": 1..128, "new_password": 8..128}
struct ChangePasswordRequest
{
    QString currentPassword;
    QString newPassword;

    bool operator==(const ChangePasswordRequest&) const = default;
    QJsonObject toJson() const;
    static ChangePasswordRequest read(json::Reader& reader);
    static bus::Result<ChangePasswordRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ChangePasswordRequest>(object);
    }
};

// {"v": 1, "staff": [StaffAccount]} ordered by id.
struct StaffListReply
{
    QList<StaffAccount> staff;

    bool operator==(const StaffListReply&) const = default;
    QJsonObject toJson() const;
    static StaffListReply read(json::Reader& reader);
    static bus::Result<StaffListReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StaffListReply>(object);
    }
};

// opd.admin.staff.create: {"v": 1, "id", "display_name" (1..200), "roles" (1..5),
// "password" (8..128)}. 409 when the id is taken.
struct CreateStaffRequest
{
    QString id;
    QString displayName;
    QList<StaffRole> roles;
    QString password;

    bool operator==(const CreateStaffRequest&) const = default;
    QJsonObject toJson() const;
    static CreateStaffRequest read(json::Reader& reader);
    static bus::Result<CreateStaffRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<CreateStaffRequest>(object);
    }
};

// opd.admin.staff.disable / .enable: {"v": 1, "id"}.
struct StaffIdRequest
{
    QString id;

    bool operator==(const StaffIdRequest&) const = default;
    QJsonObject toJson() const;
    static StaffIdRequest read(json::Reader& reader);
    static bus::Result<StaffIdRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StaffIdRequest>(object);
    }
};

// opd.admin.staff.reset_password: {"v": 1, "id", "new_password" (8..128)}.
struct ResetPasswordRequest
{
    QString id;
    QString newPassword;

    bool operator==(const ResetPasswordRequest&) const = default;
    QJsonObject toJson() const;
    static ResetPasswordRequest read(json::Reader& reader);
    static bus::Result<ResetPasswordRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ResetPasswordRequest>(object);
    }
};

// opd.admin.staff.set_roles: {"v": 1, "id", "roles" (1..5)}.
struct SetRolesRequest
{
    QString id;
    QList<StaffRole> roles;

    bool operator==(const SetRolesRequest&) const = default;
    QJsonObject toJson() const;
    static SetRolesRequest read(json::Reader& reader);
    static bus::Result<SetRolesRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<SetRolesRequest>(object);
    }
};

// {"v": 1, "staff": StaffAccount}
struct StaffAccountReply
{
    StaffAccount staff;

    bool operator==(const StaffAccountReply&) const = default;
    QJsonObject toJson() const;
    static StaffAccountReply read(json::Reader& reader);
    static bus::Result<StaffAccountReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StaffAccountReply>(object);
    }
};

// One live session as nats-server's configuration holds it: {"user", "password_hash"}
// (bcrypt of the session's NATS password).
struct NatsUser
{
    NatsUser() = default;
    NatsUser(QString user_, QString hash, QDateTime expires = {})
        : user(std::move(user_)), passwordHash(std::move(hash)), expiresAt(std::move(expires))
    {}

    QString user;
    QString passwordHash;
    // When the session expires: the auth agent drops the user itself after that, even while
    // it cannot reach identity. Optional on the wire (absent: no expiry known).
    QDateTime expiresAt;

    bool operator==(const NatsUser&) const = default;
    QJsonObject toJson() const;
    static NatsUser read(json::Reader& reader);
    static bus::Result<NatsUser> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<NatsUser>(object);
    }
};

// {"v": 1, "version": n (grows with every change of the list), "users": [NatsUser]}
struct NatsUsersReply
{
    qint64 version = 0;
    QList<NatsUser> users;

    bool operator==(const NatsUsersReply&) const = default;
    QJsonObject toJson() const;
    static NatsUsersReply read(json::Reader& reader);
    static bus::Result<NatsUsersReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<NatsUsersReply>(object);
    }
};

// The payload of every opd.events.staff.* event: who it is about and what changed (never a
// password or a hash). Absent fields are left out.
//   staff_id        the account (absent for a failed sign-in under an unknown user name)
//   display_name    the account's name
//   roles           the roles now (created, roles_changed, signed_in)
//   previous_roles  the roles before (roles_changed)
//   session_id      the session (signed_in, signed_out)
//   reason          signed_out: signed_out | expired | disabled | password_reset |
//                   roles_changed; signin_failed: wrong_password | unknown_user | disabled |
//                   throttled
//   failures        signin_failed: consecutive failures for the user name so far
struct StaffChange
{
    QString staffId;
    QString displayName;
    QList<StaffRole> roles;
    QList<StaffRole> previousRoles;
    QString sessionId;
    QString reason;
    std::optional<int> failures;

    bool operator==(const StaffChange&) const = default;
    QJsonObject toJson() const;
    static StaffChange read(json::Reader& reader);
    static bus::Result<StaffChange> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StaffChange>(object);
    }
};

} // namespace openopd::protocol
