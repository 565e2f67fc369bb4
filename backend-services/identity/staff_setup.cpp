#include "identity/staff_setup.h"

#include "host/host_schema.h"
#include "identity/identity_schema.h"
#include "identity/identity_service.h"
#include "identity/identity_store.h"
#include "identity/password_hash.h"

#include <QCoreApplication>
#include <QDebug>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace openopd::identity {

using protocol::StaffChange;
using protocol::StaffRole;

namespace {

struct Text
{
    Q_DECLARE_TR_FUNCTIONS(openopd::identity)
};

// One line from stdin without its line end; nullopt at end of input.
std::optional<QString> readLine()
{
    QByteArray line;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, stdin)) {
        line.append(buffer);
        if (line.endsWith('\n'))
            break;
        if (line.size() > 4096)
            break;
    }
    if (line.isEmpty())
        return std::nullopt;
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    QString text = QString::fromUtf8(line);
    line.fill('\0'); // do not leave the password in freed memory longer than needed
    return text;
}

std::optional<QString> readHidden(const char* prompt)
{
    std::fputs(prompt, stderr);
    std::fflush(stderr);
    termios saved{};
    const bool isTerminal = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::optional<QString> line = readLine();
    if (isTerminal) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputs("\n", stderr);
    }
    return line;
}

StaffChange about(const protocol::StaffAccount& account)
{
    StaffChange change;
    change.staffId = account.id;
    change.displayName = account.displayName;
    return change;
}

bool insertNew(host::Database& db, const QString& id, const QString& displayName,
               const QList<StaffRole>& roles, const QByteArray& hash, bool* inserted,
               QString* error)
{
    store::AccountRow row;
    row.account = {id, displayName, roles, true, protocol::nowUtc(), {}};
    row.account.updatedAt = row.account.createdAt;
    row.passwordHash = hash;
    if (!store::insertAccount(db, row, inserted, error))
        return false;
    if (!*inserted)
        return true;
    StaffChange change = about(row.account);
    change.roles = roles;
    return enqueueStaffEvent(db, protocol::kStaffCreated, change, systemActor(), error);
}

} // namespace

std::optional<QString> readNewPassword(QString* error)
{
    std::optional<QString> password;
    if (isatty(STDIN_FILENO)) {
        password = readHidden("New admin password: ");
        const std::optional<QString> again = readHidden("Repeat the password: ");
        if (password && again && *password != *again) {
            *error = Text::tr("the two passwords differ");
            return std::nullopt;
        }
    } else {
        password = readLine();
    }
    if (!password) {
        *error = Text::tr("no password given on standard input");
        return std::nullopt;
    }
    if (password->size() < protocol::identity::kMinPassword ||
        password->size() > protocol::identity::kMaxPassword) {
        *error = Text::tr("the password must have %1 to %2 characters")
                     .arg(protocol::identity::kMinPassword)
                     .arg(protocol::identity::kMaxPassword);
        return std::nullopt;
    }
    return password;
}

bool ensureAdmin(host::Database& db, const QString& id, const QByteArray& passwordHash,
                 QString* error)
{
    std::optional<store::AccountRow> existing;
    if (!store::findAccount(db, id, &existing, error))
        return false;
    if (!existing) {
        bool inserted = false;
        return insertNew(db, id, id, {StaffRole::Admin}, passwordHash, &inserted, error);
    }
    store::AccountRow row = *existing;
    protocol::StaffAccount& a = row.account;
    const bool enabled = !a.active;
    const QList<StaffRole> previousRoles = a.roles;
    const bool roleAdded = !a.roles.contains(StaffRole::Admin);
    a.active = true;
    if (roleAdded)
        a.roles.append(StaffRole::Admin);
    a.updatedAt = protocol::nowUtc();
    row.passwordHash = passwordHash;
    QList<store::SessionRow> ended;
    if (!store::updateAccount(db, row, true, error) ||
        !store::endSessionsOf(db, id, QStringLiteral("password_reset"), a.updatedAt, &ended,
                              error) ||
        !store::clearFailures(db, id, error) || !store::bumpListVersion(db, error))
        return false;
    if (enabled && !enqueueStaffEvent(db, protocol::kStaffEnabled, about(a), systemActor(), error))
        return false;
    if (roleAdded) {
        StaffChange change = about(a);
        change.roles = a.roles;
        change.previousRoles = previousRoles;
        if (!enqueueStaffEvent(db, protocol::kStaffRolesChanged, change, systemActor(), error))
            return false;
    }
    for (const store::SessionRow& session : std::as_const(ended)) {
        StaffChange change = about(a);
        change.sessionId = session.session.id;
        change.reason = QStringLiteral("password_reset");
        if (!enqueueStaffEvent(db, protocol::kStaffSignedOut, change, systemActor(), error))
            return false;
    }
    return enqueueStaffEvent(db, protocol::kStaffPasswordReset, about(a), systemActor(), error);
}

int createAdmin(const host::ServiceOptions& options, const QString& id)
{
    if (!protocol::identity::isStaffAccountId(id)) {
        std::fputs(qPrintable(Text::tr("--create-admin: %1 is not a valid staff id (1 to 64 of "
                                       "a-z, 0-9, '.', '_' and '-')")
                                  .arg(id) +
                              u'\n'),
                   stderr);
        return 2;
    }
    auto database = host::Database::open(options.database, options.dataDir,
                                         QStringLiteral("identity"), options.instance);
    if (!database) {
        std::fputs(
            qPrintable(Text::tr("cannot open the database: %1").arg(database.error().toString()) +
                       u'\n'),
            stderr);
        return 1;
    }
    host::Database& db = *database.value();
    host::Migrations migrations;
    host::addHostMigrations(migrations);
    identity::addMigrations(migrations);
    if (const auto version = migrations.apply(db); !version) {
        std::fputs(
            qPrintable(Text::tr("cannot migrate the database: %1").arg(version.error().toString()) +
                       u'\n'),
            stderr);
        return 1;
    }
    QString error;
    const std::optional<QString> password = readNewPassword(&error);
    if (!password) {
        std::fputs(qPrintable(Text::tr("--create-admin: %1").arg(error) + u'\n'), stderr);
        return 1;
    }
    const std::optional<QByteArray> hash = hashPassword(*password);
    if (!hash) {
        std::fputs("--create-admin: Argon2id hashing failed\n", stderr);
        return 1;
    }
    if (!db.transaction([&](QSqlDatabase&,
                            QString* workError) { return ensureAdmin(db, id, *hash, workError); },
                        &error)) {
        std::fputs(qPrintable(Text::tr("--create-admin: %1").arg(error) + u'\n'), stderr);
        return 1;
    }
    std::fputs(qPrintable(Text::tr("admin account %1 is ready").arg(id) + u'\n'), stderr);
    return 0;
}

bool seedDemo(host::ServiceHost& host)
{
    struct Demo
    {
        const char* id;
        const char* name;
        StaffRole role;
    };
    static constexpr Demo kDemo[] = {
        {"reception", "Grace Mensah", StaffRole::Reception},
        {"dr.silva", "Dr Ana Silva", StaffRole::Doctor},
        {"pharma", "Chidi Okafor", StaffRole::Pharmacist},
        {"lab", "Mei Tan", StaffRole::LabTechnician},
        {"admin", "Clinic Administrator", StaffRole::Admin},
    };
    host::Database& db = host.database();
    int created = 0;
    for (const Demo& demo : kDemo) {
        const QString id = QString::fromLatin1(demo.id);
        std::optional<store::AccountRow> existing;
        QString error;
        if (!store::findAccount(db, id, &existing, &error)) {
            qCritical().noquote() << "cannot seed the demo staff:" << error;
            return false;
        }
        if (existing)
            continue;
        const std::optional<QByteArray> hash = hashPassword(QString::fromLatin1(kDemoPassword));
        bool inserted = false;
        if (!hash || !db.transaction(
                         [&](QSqlDatabase&, QString* workError) {
                             return insertNew(db, id, QString::fromUtf8(demo.name), {demo.role},
                                              *hash, &inserted, workError);
                         },
                         &error)) {
            qCritical().noquote() << "cannot seed the demo staff:" << error;
            return false;
        }
        created += inserted ? 1 : 0;
    }
    qInfo().noquote() << "demo staff:" << created
                      << "account(s) created with the documented demo password (demo data only)";
    return true;
}

} // namespace openopd::identity
