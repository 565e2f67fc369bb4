#include "identity/identity_store.h"

#include "protocol/validation.h"

namespace openopd::identity::store {

using protocol::formatTimestamp;
using protocol::parseTimestamp;

namespace {

const QString kAccountColumns =
    QStringLiteral("id, display_name, roles, active, created_at, updated_at, password_hash");
const QString kSessionColumns = QStringLiteral(
    "s.id, s.staff_id, s.display_name, s.roles, s.expires_at, s.nats_user, s.token_hash, "
    "s.created_at");
// The same columns for RETURNING (SQLite allows no table alias there).
const QString kReturnedSessionColumns = QStringLiteral(
    "id, staff_id, display_name, roles, expires_at, nats_user, token_hash, created_at");

AccountRow readAccount(const QSqlQuery& q)
{
    AccountRow row;
    row.account.id = q.value(0).toString();
    row.account.displayName = q.value(1).toString();
    row.account.roles = rolesFromText(q.value(2).toString());
    row.account.active = q.value(3).toInt() != 0;
    row.account.createdAt = parseTimestamp(q.value(4).toString());
    row.account.updatedAt = parseTimestamp(q.value(5).toString());
    row.passwordHash = q.value(6).toString().toLatin1();
    return row;
}

SessionRow readSession(const QSqlQuery& q)
{
    SessionRow row;
    row.session.id = q.value(0).toString();
    row.session.staffId = q.value(1).toString();
    row.session.displayName = q.value(2).toString();
    row.session.roles = rolesFromText(q.value(3).toString());
    row.session.expiresAt = parseTimestamp(q.value(4).toString());
    row.natsUser = q.value(5).toString();
    row.tokenHash = q.value(6).toString().toLatin1();
    row.createdAt = parseTimestamp(q.value(7).toString());
    return row;
}

bool collectSessions(std::optional<host::Statement>& q, QList<SessionRow>* rows)
{
    if (!q)
        return false;
    while (q->next())
        rows->append(readSession(*q));
    return true;
}

} // namespace

QString rolesText(const QList<protocol::StaffRole>& roles)
{
    QStringList names;
    for (protocol::StaffRole role : roles)
        names.append(protocol::toWire(role));
    return names.join(u',');
}

QList<protocol::StaffRole> rolesFromText(const QString& text)
{
    QList<protocol::StaffRole> roles;
    for (const QString& name : text.split(u',', Qt::SkipEmptyParts))
        if (const auto role = protocol::enumFromWire<protocol::StaffRole>(name))
            roles.append(*role);
    return roles;
}

bool findAccount(host::Database& db, const QString& id, std::optional<AccountRow>* row,
                 QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kAccountColumns +
                        QStringLiteral(" FROM staff_accounts WHERE id = ?"),
                    {id}, error);
    if (!q)
        return false;
    row->reset();
    if (q->next())
        *row = readAccount(*q);
    return true;
}

bool listAccounts(host::Database& db, QList<protocol::StaffAccount>* accounts, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kAccountColumns +
                        QStringLiteral(" FROM staff_accounts ORDER BY id"),
                    {}, error);
    if (!q)
        return false;
    while (q->next())
        accounts->append(readAccount(*q).account);
    return true;
}

bool insertAccount(host::Database& db, const AccountRow& row, bool* inserted, QString* error)
{
    const protocol::StaffAccount& a = row.account;
    auto q = db.run(
        QStringLiteral("INSERT INTO staff_accounts (id, display_name, roles, password_hash, "
                       "active, created_at, updated_at, password_changed_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id"),
        {a.id, a.displayName, rolesText(a.roles), QString::fromLatin1(row.passwordHash),
         a.active ? 1 : 0, formatTimestamp(a.createdAt), formatTimestamp(a.updatedAt),
         formatTimestamp(a.updatedAt)},
        error);
    if (!q)
        return false;
    *inserted = q->next();
    return true;
}

bool updateAccount(host::Database& db, const AccountRow& row, bool passwordChanged, QString* error)
{
    const protocol::StaffAccount& a = row.account;
    if (passwordChanged)
        return db
            .run(QStringLiteral("UPDATE staff_accounts SET display_name = ?, roles = ?, "
                                "active = ?, updated_at = ?, password_hash = ?, "
                                "password_changed_at = ? WHERE id = ?"),
                 {a.displayName, rolesText(a.roles), a.active ? 1 : 0, formatTimestamp(a.updatedAt),
                  QString::fromLatin1(row.passwordHash), formatTimestamp(a.updatedAt), a.id},
                 error)
            .has_value();
    return db
        .run(QStringLiteral("UPDATE staff_accounts SET display_name = ?, roles = ?, active = ?, "
                            "updated_at = ? WHERE id = ?"),
             {a.displayName, rolesText(a.roles), a.active ? 1 : 0, formatTimestamp(a.updatedAt),
              a.id},
             error)
        .has_value();
}

bool activeAdmins(host::Database& db, QStringList* ids, QString* error)
{
    auto q =
        db.run(QStringLiteral("SELECT id, roles FROM staff_accounts WHERE active = 1 ORDER BY id"),
               {}, error);
    if (!q)
        return false;
    while (q->next())
        if (rolesFromText(q->value(1).toString()).contains(protocol::StaffRole::Admin))
            ids->append(q->value(0).toString());
    return true;
}

bool insertSession(host::Database& db, const SessionRow& row, QString* error)
{
    const protocol::StaffSession& s = row.session;
    return db
        .run(QStringLiteral("INSERT INTO staff_sessions (id, staff_id, nats_user, token_hash, "
                            "display_name, roles, created_at, expires_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
             {s.id, s.staffId, row.natsUser, QString::fromLatin1(row.tokenHash), s.displayName,
              rolesText(s.roles), formatTimestamp(row.createdAt), formatTimestamp(s.expiresAt)},
             error)
        .has_value();
}

bool findLiveSession(host::Database& db, const QString& sessionId, const QDateTime& now,
                     std::optional<SessionRow>* row, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT ") + kSessionColumns +
                        QStringLiteral(" FROM staff_sessions s JOIN staff_accounts a ON "
                                       "a.id = s.staff_id WHERE s.id = ? AND s.ended_at IS NULL "
                                       "AND s.expires_at > ? AND a.active = 1"),
                    {sessionId, formatTimestamp(now)}, error);
    if (!q)
        return false;
    row->reset();
    if (q->next())
        *row = readSession(*q);
    return true;
}

bool extendSession(host::Database& db, const QString& sessionId, const QDateTime& expiresAt,
                   QString* error)
{
    return db
        .run(QStringLiteral("UPDATE staff_sessions SET expires_at = ? WHERE id = ? AND "
                            "ended_at IS NULL"),
             {formatTimestamp(expiresAt), sessionId}, error)
        .has_value();
}

bool endSession(host::Database& db, const QString& sessionId, const QString& reason,
                const QDateTime& now, bool* ended, QString* error)
{
    auto q = db.run(QStringLiteral("UPDATE staff_sessions SET ended_at = ?, end_reason = ? "
                                   "WHERE id = ? AND ended_at IS NULL RETURNING id"),
                    {formatTimestamp(now), reason, sessionId}, error);
    if (!q)
        return false;
    *ended = q->next();
    return true;
}

bool endSessionsOf(host::Database& db, const QString& staffId, const QString& reason,
                   const QDateTime& now, QList<SessionRow>* ended, QString* error)
{
    auto q = db.run(QStringLiteral("UPDATE staff_sessions SET ended_at = ?, end_reason = ? "
                                   "WHERE staff_id = ? AND ended_at IS NULL RETURNING ") +
                        kReturnedSessionColumns,
                    {formatTimestamp(now), reason, staffId}, error);
    return collectSessions(q, ended);
}

bool endOtherSessionsOf(host::Database& db, const QString& staffId, const QString& keepSessionId,
                        const QString& reason, const QDateTime& now, QList<SessionRow>* ended,
                        QString* error)
{
    auto q = db.run(QStringLiteral("UPDATE staff_sessions SET ended_at = ?, end_reason = ? "
                                   "WHERE staff_id = ? AND id <> ? AND ended_at IS NULL "
                                   "RETURNING ") +
                        kReturnedSessionColumns,
                    {formatTimestamp(now), reason, staffId, keepSessionId}, error);
    return collectSessions(q, ended);
}

bool hasExpiredSessions(host::Database& db, const QDateTime& now, bool* found, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT id FROM staff_sessions WHERE ended_at IS NULL AND "
                                   "expires_at <= ? LIMIT 1"),
                    {formatTimestamp(now)}, error);
    if (!q)
        return false;
    *found = q->next();
    return true;
}

bool endExpiredSessions(host::Database& db, const QDateTime& now, QList<SessionRow>* ended,
                        QString* error)
{
    const QString at = formatTimestamp(now);
    auto q = db.run(QStringLiteral("UPDATE staff_sessions SET ended_at = ?, "
                                   "end_reason = 'expired' WHERE ended_at IS NULL AND "
                                   "expires_at <= ? RETURNING ") +
                        kReturnedSessionColumns,
                    {at, at}, error);
    return collectSessions(q, ended);
}

bool liveNatsUsers(host::Database& db, const QDateTime& now, QList<protocol::NatsUser>* users,
                   QString* error)
{
    auto q = db.run(QStringLiteral("SELECT s.nats_user, s.token_hash, s.expires_at "
                                   "FROM staff_sessions s "
                                   "JOIN staff_accounts a ON a.id = s.staff_id "
                                   "WHERE s.ended_at IS NULL AND s.expires_at > ? AND "
                                   "a.active = 1 ORDER BY s.created_at, s.id"),
                    {formatTimestamp(now)}, error);
    if (!q)
        return false;
    while (q->next())
        users->append({q->value(0).toString(), q->value(1).toString(),
                       parseTimestamp(q->value(2).toString())});
    return true;
}

bool listVersion(host::Database& db, qint64* version, QString* error)
{
    auto q = db.run(QStringLiteral("SELECT version FROM identity_state WHERE id = 1"), {}, error);
    if (!q)
        return false;
    *version = q->next() ? q->value(0).toLongLong() : 0;
    return true;
}

bool bumpListVersion(host::Database& db, QString* error)
{
    return db
        .run(QStringLiteral("UPDATE identity_state SET version = version + 1 WHERE id = 1"), {},
             error)
        .has_value();
}

bool loadFailures(host::Database& db, const QString& userName, SignInFailures* failures,
                  QString* error)
{
    auto q = db.run(QStringLiteral("SELECT failures, locked_until FROM signin_failures WHERE "
                                   "user_name = ?"),
                    {userName}, error);
    if (!q)
        return false;
    *failures = {};
    if (q->next()) {
        failures->failures = q->value(0).toInt();
        failures->lockedUntil = parseTimestamp(q->value(1).toString());
    }
    return true;
}

bool saveFailures(host::Database& db, const QString& userName, const SignInFailures& failures,
                  const QDateTime& now, QString* error)
{
    const QVariant locked = failures.lockedUntil.isValid()
                                ? QVariant(formatTimestamp(failures.lockedUntil))
                                : QVariant(QMetaType::fromType<QString>());
    return db
        .run(QStringLiteral("INSERT INTO signin_failures (user_name, failures, locked_until, "
                            "last_failure_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_name) DO "
                            "UPDATE SET failures = excluded.failures, locked_until = "
                            "excluded.locked_until, last_failure_at = excluded.last_failure_at"),
             {userName, failures.failures, locked, formatTimestamp(now)}, error)
        .has_value();
}

bool clearFailures(host::Database& db, const QString& userName, QString* error)
{
    return db
        .run(QStringLiteral("DELETE FROM signin_failures WHERE user_name = ?"), {userName}, error)
        .has_value();
}

bool pruneFailures(host::Database& db, const QDateTime& before, QString* error)
{
    const QString at = formatTimestamp(before);
    return db
        .run(QStringLiteral("DELETE FROM signin_failures WHERE last_failure_at < ? AND "
                            "(locked_until IS NULL OR locked_until < ?)"),
             {at, at}, error)
        .has_value();
}

bool pruneEndedSessions(host::Database& db, const QDateTime& before, QString* error)
{
    return db
        .run(QStringLiteral("DELETE FROM staff_sessions WHERE ended_at IS NOT NULL AND "
                            "ended_at < ?"),
             {formatTimestamp(before)}, error)
        .has_value();
}

} // namespace openopd::identity::store
