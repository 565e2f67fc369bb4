#pragma once

// SQL of the identity service: prepared statements with bound values on the service's own
// database. Functions return false with *error when the database fails; those that change
// something are called inside a transaction (ServiceHost::commit or Database::transaction).
// Nothing here logs; no password, token or hash ever goes into an error text.

#include "host/database.h"
#include "identity/signin_throttle.h"
#include "protocol/identity_api.h"

#include <optional>

namespace openopd::identity::store {

struct AccountRow
{
    protocol::StaffAccount account;
    QByteArray passwordHash; // Argon2id, encoded
};

struct SessionRow
{
    protocol::StaffSession session;
    QString natsUser;
    QByteArray tokenHash; // bcrypt of the session's NATS password
    QDateTime createdAt;
};

QString rolesText(const QList<protocol::StaffRole>& roles);
QList<protocol::StaffRole> rolesFromText(const QString& text);

bool findAccount(host::Database& db, const QString& id, std::optional<AccountRow>* row,
                 QString* error);
bool listAccounts(host::Database& db, QList<protocol::StaffAccount>* accounts, QString* error);
// *inserted false when the id is taken.
bool insertAccount(host::Database& db, const AccountRow& row, bool* inserted, QString* error);
// Writes display name, roles, active and updated_at; the hash (and password_changed_at) too
// when passwordChanged.
bool updateAccount(host::Database& db, const AccountRow& row, bool passwordChanged, QString* error);
// Active accounts holding the admin role, by id.
bool activeAdmins(host::Database& db, QStringList* ids, QString* error);

bool insertSession(host::Database& db, const SessionRow& row, QString* error);
// The session if it is live at `now` (not ended, not expired, its account active).
bool findLiveSession(host::Database& db, const QString& sessionId, const QDateTime& now,
                     std::optional<SessionRow>* row, QString* error);
bool extendSession(host::Database& db, const QString& sessionId, const QDateTime& expiresAt,
                   QString* error);
// Ends one live session; *ended false when it was not live.
bool endSession(host::Database& db, const QString& sessionId, const QString& reason,
                const QDateTime& now, bool* ended, QString* error);
// Ends every unended session of an account; their ids into *ended.
bool endSessionsOf(host::Database& db, const QString& staffId, const QString& reason,
                   const QDateTime& now, QList<SessionRow>* ended, QString* error);
// Ends every unended session of an account but `keepSessionId`; the ended ones into *ended.
bool endOtherSessionsOf(host::Database& db, const QString& staffId, const QString& keepSessionId,
                        const QString& reason, const QDateTime& now, QList<SessionRow>* ended,
                        QString* error);
// Whether some unended session has expired by `now` (a read, to skip empty sweeps).
bool hasExpiredSessions(host::Database& db, const QDateTime& now, bool* found, QString* error);
// Ends every unended session whose expiry is at or before `now`.
bool endExpiredSessions(host::Database& db, const QDateTime& now, QList<SessionRow>* ended,
                        QString* error);
// What nats-server must accept: every live session at `now`.
bool liveNatsUsers(host::Database& db, const QDateTime& now, QList<protocol::NatsUser>* users,
                   QString* error);

bool listVersion(host::Database& db, qint64* version, QString* error);
bool bumpListVersion(host::Database& db, QString* error);

bool loadFailures(host::Database& db, const QString& userName, SignInFailures* failures,
                  QString* error);
bool saveFailures(host::Database& db, const QString& userName, const SignInFailures& failures,
                  const QDateTime& now, QString* error);
bool clearFailures(host::Database& db, const QString& userName, QString* error);
// Forgets failure counts whose last failure is older than `before` and not locked any more.
bool pruneFailures(host::Database& db, const QDateTime& before, QString* error);
// Forgets sessions that ended before `before` (their history stays in the audit log).
bool pruneEndedSessions(host::Database& db, const QDateTime& before, QString* error);

} // namespace openopd::identity::store
