#include "nats-auth/nats_auth_config.h"

#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "protocol/catalog.h"

#include <QDir>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace openopd::natsauth {
namespace {

using protocol::StaffRole;

constexpr char kEventsStream[] = "OPD_EVENTS";
constexpr char kDeadLetterStream[] = "OPD_DLQ";

// Identity endpoints every signed-in session may call; used until the catalog lists them.
const QList<QByteArray>& identitySessionPrefixes()
{
    static const QList<QByteArray> prefixes{QByteArrayLiteral("opd.identity.session."),
                                            QByteArrayLiteral("opd.identity.password.")};
    return prefixes;
}

bool catalogHasPrefix(const QByteArray& prefix)
{
    for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
        if (info.subject.startsWith(prefix))
            return true;
    return false;
}

bool intersects(const QList<StaffRole>& a, const QList<StaffRole>& b)
{
    for (StaffRole role : a)
        if (access::isAccountRole(role) && b.contains(role))
            return true;
    return false;
}

void add(QList<QByteArray>& list, const QByteArray& subject)
{
    if (!list.contains(subject))
        list.append(subject);
}

QByteArray quoted(QByteArrayView text)
{
    QByteArray out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + '"';
}

QByteArray list(const QList<QByteArray>& subjects)
{
    QByteArrayList items;
    for (const QByteArray& subject : subjects)
        items.append(quoted(subject));
    return '[' + items.join(", ") + ']';
}

QByteArray direction(const QList<QByteArray>& allow, const QList<QByteArray>& deny)
{
    QByteArrayList parts;
    // An empty allow list would mean "everything": deny-by-default needs something listed.
    parts.append("allow: " + (allow.isEmpty() ? QByteArray("[\"_NONE_\"]") : list(allow)));
    if (!deny.isEmpty())
        parts.append("deny: " + list(deny));
    return "{" + parts.join(", ") + "}";
}

QByteArray userEntry(const QString& user, const QByteArray& password,
                     const Permissions& permissions)
{
    return "{user: " + quoted(user.toUtf8()) + ", password: " + quoted(password) +
           ", permissions: " + renderPermissions(permissions) + "}";
}

} // namespace

QStringList serviceNames()
{
    return {QStringLiteral("registration"),    QStringLiteral("consultation"),
            QStringLiteral("pharmacy"),        QStringLiteral("discharge"),
            QStringLiteral("audit"),           QStringLiteral("identity"),
            QString::fromLatin1(kAgentService)};
}

QStringList serviceDurables(const QString& service)
{
    // Keep in step with the services' consumer names (grep `durable` in backend-services).
    static const QHash<QString, QStringList> durables{
        {QStringLiteral("registration"), {QStringLiteral("registration-visits")}},
        {QStringLiteral("consultation"),
         {QStringLiteral("consultation-queue"), QStringLiteral("consultation-lab")}},
        {QStringLiteral("pharmacy"),
         {QStringLiteral("pharmacy-orders"), QStringLiteral("pharmacy-discharges")}},
        {QStringLiteral("discharge"),
         {QStringLiteral("discharge-pending"), QStringLiteral("discharge-lab")}},
        {QStringLiteral("audit"), {QStringLiteral("audit-log")}},
    };
    return durables.value(service);
}

QList<QByteArray> serviceExports()
{
    QList<QByteArray> exports;
    for (const QString& ns : protocol::endpointNamespaces())
        if (ns != QStringLiteral("identity"))
            add(exports, "opd." + ns.toLatin1() + ".>");
    add(exports, QByteArrayLiteral("opd.identity.signin"));
    for (const QByteArray& prefix : identitySessionPrefixes())
        add(exports, prefix + '>');
    return exports;
}

Permissions staffPermissions(const QList<StaffRole>& roles)
{
    Permissions p;
    for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
        if (intersects(roles, info.roles))
            add(p.publishAllow, info.subject);
    bool anyAccountRole = false;
    for (StaffRole role : roles)
        anyAccountRole = anyAccountRole || access::isAccountRole(role);
    if (anyAccountRole)
        for (const QByteArray& prefix : identitySessionPrefixes())
            if (!catalogHasPrefix(prefix))
                add(p.publishAllow, prefix + '>');
    if (roles.contains(StaffRole::Admin))
        add(p.publishAllow, QByteArrayLiteral("$SRV.>"));
    p.publishDeny = {QByteArrayLiteral("opd.events.>"), QByteArrayLiteral("$JS.API.>"),
                     QByteArrayLiteral("$JS.>"), QByteArrayLiteral("opd.identity.internal.>"),
                     QByteArrayLiteral("opd.dlq.>")};
    p.subscribeAllow.append(QByteArrayLiteral("_INBOX.>"));
    for (const protocol::EventInfo& info : protocol::eventCatalog())
        if (intersects(roles, info.readers))
            add(p.subscribeAllow, info.subject);
    return p;
}

Permissions servicePermissions(const QString& service)
{
    Permissions p;
    if (service == QLatin1StringView(kAgentService)) {
        p.publishAllow = {QByteArray(kNatsUsersSubject)};
        p.subscribeAllow = {QByteArray(kUsersChangedSubject), QByteArray(kAgentInboxPrefix) + ".>"};
        return p;
    }
    // Serve its own endpoints (and the service API's $SRV discovery), reply to callers.
    for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
        if (info.service == service)
            add(p.subscribeAllow, info.subject);
    if (service == QStringLiteral("identity")) {
        add(p.subscribeAllow, QByteArrayLiteral("opd.identity.signin"));
        for (const QByteArray& prefix : identitySessionPrefixes())
            if (!catalogHasPrefix(prefix))
                add(p.subscribeAllow, prefix + '>');
        add(p.subscribeAllow, QByteArray(kNatsUsersSubject));
    }
    add(p.subscribeAllow, QByteArrayLiteral("$SRV.>"));
    add(p.subscribeAllow, QByteArrayLiteral("_INBOX.>"));
    p.allowResponses = true;

    // Publish its own events (through the OPD_EVENTS stream) and nothing else's.
    for (const protocol::EventInfo& info : protocol::eventCatalog())
        if (info.producer == service)
            add(p.publishAllow, info.subject);
    if (service == QStringLiteral("identity"))
        add(p.publishAllow, QByteArray(kUsersChangedSubject));
    // Every service creates both streams when missing (the first one up sets them up) and
    // reads their configuration; it never updates them (the settings are the operator's).
    for (const char* stream : {kEventsStream, kDeadLetterStream}) {
        for (const char* verb : {"CREATE", "INFO"})
            add(p.publishAllow, QByteArrayLiteral("$JS.API.STREAM.") + verb + '.' + stream);
    }
    // After a reconnect the outbox relay looks its own sent events up by stream sequence, to
    // republish what an unclean stop of nats-server lost.
    add(p.publishAllow, QByteArrayLiteral("$JS.API.STREAM.MSG.GET.") + kEventsStream);
    for (const QString& durable : serviceDurables(service)) {
        const QByteArray tail = QByteArray(kEventsStream) + '.' + durable.toLatin1();
        add(p.publishAllow, "$JS.API.CONSUMER.DURABLE.CREATE." + tail);
        add(p.publishAllow, "$JS.API.CONSUMER.INFO." + tail);
        add(p.publishAllow, "$JS.API.CONSUMER.MSG.NEXT." + tail);
        add(p.publishAllow, "$JS.ACK." + tail + ".>");
        add(p.publishAllow, "opd.dlq." + durable.toLatin1());
    }
    add(p.publishAllow, QByteArrayLiteral("$SRV.>"));
    // Replies. allow_responses alone is not enough: a configuration reload (each sign-in or
    // staff change) forgets which replies a user may still send, so an answer to a request
    // in flight during the reload was refused. Requests from STAFF and SIGNIN come through
    // the imports with reply subjects _R_.<...>; identity also answers the auth agent, inside
    // SERVICES, on the agent's own inbox prefix. No service may publish on _INBOX.> (it could
    // forge a delivery into another service's pull consumer inbox).
    add(p.publishAllow, QByteArrayLiteral("_R_.>"));
    if (service == QStringLiteral("identity"))
        add(p.publishAllow, QByteArray(kAgentInboxPrefix) + ".>");
    return p;
}

Permissions signInPermissions()
{
    Permissions p;
    p.publishAllow = {QByteArrayLiteral("opd.identity.signin")};
    p.subscribeAllow = {QByteArrayLiteral("_INBOX.>")};
    return p;
}

QByteArray renderPermissions(const Permissions& permissions)
{
    QByteArray out =
        "{publish: " + direction(permissions.publishAllow, permissions.publishDeny) +
        ", subscribe: " + direction(permissions.subscribeAllow, permissions.subscribeDeny);
    if (permissions.allowResponses)
        out += ", allow_responses: true";
    return out + '}';
}

QByteArray renderAccounts(const QList<UserEntry>& services, const AccountsOptions& options)
{
    const QByteArray staff = access::kStaffAccount;
    const QByteArray signIn = access::kSignInAccount;
    QByteArray out;
    out += "# Generated by `openopd-nats-auth init`: do not edit (docs/security.md).\n"
           "# Passwords are bcrypt hashes; the plain service passwords went to the launcher.\n"
           "accounts {\n";

    out += "  " + QByteArray(access::kServicesAccount) + " {\n";
    if (options.jetStream)
        out += "    jetstream: enabled\n";
    out += "    users: [\n";
    for (const UserEntry& entry : services) {
        const QString service = entry.user.mid(4); // "svc.<service>"
        if (!entry.user.startsWith(QStringLiteral("svc.")) || !serviceNames().contains(service))
            continue;
        out += "      " + userEntry(entry.user, entry.passwordHash, servicePermissions(service)) +
               '\n';
    }
    out += "    ]\n    exports: [\n";
    for (const QByteArray& subject : serviceExports()) {
        const QByteArray accounts =
            subject == "opd.identity.signin" ? QByteArray(signIn) : QByteArray(staff);
        out += "      {service: " + quoted(subject) + ", accounts: [" + accounts + "]}\n";
    }
    out += "      {stream: \"opd.events.>\", accounts: [" + staff + "]}\n";
    if (options.serviceDiscovery)
        out += "      {service: \"$SRV.>\", response_type: stream, accounts: [" + staff + "]}\n";
    out += "    ]\n  }\n";

    out += "  " + staff + " {\n    imports: [\n";
    const QByteArray from = "{account: " + QByteArray(access::kServicesAccount) + ", subject: ";
    for (const QByteArray& subject : serviceExports())
        if (subject != "opd.identity.signin")
            out += "      {service: " + from + quoted(subject) + "}, share: true}\n";
    out += "      {stream: " + from + "\"opd.events.>\"}}\n";
    if (options.serviceDiscovery)
        out += "      {service: " + from + "\"$SRV.>\"}}\n";
    out += "    ]\n    # The signed-in sessions, rewritten by `openopd-nats-auth agent`.\n"
           "    include " +
           quoted(options.staffUsersFile.toUtf8()) + "\n  }\n";

    out += "  " + signIn + " {\n    users: [\n      " +
           // The password is public (docs/security.md); hashed all the same, so that the
           // server's "plaintext passwords" warning stays meaningful for operators.
           userEntry(QString::fromLatin1(kSignInUser),
                     access::bcryptHash(QByteArray(kSignInPassword)).value_or(kSignInPassword),
                     signInPermissions()) +
           "\n    ]\n    imports: [\n      {service: " + from +
           "\"opd.identity.signin\"}, share: true}\n    ]\n  }\n}\n";
    return out;
}

bool isBcryptHash(QByteArrayView hash)
{
    if (hash.size() < 20 || hash.size() > 100 ||
        !(hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")))
        return false;
    for (char c : hash) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '$';
        if (!ok)
            return false;
    }
    return true;
}

QByteArray sessionInboxPrefix(const QString& sessionId)
{
    return "_INBOX." + sessionId.toLatin1();
}

QByteArray renderStaffUsers(const QList<UserEntry>& users, QStringList* skipped,
                            const StaffUsersOptions& options)
{
    QByteArray out = "# Generated by `openopd-nats-auth agent` from the identity service's "
                     "sessions: do not edit.\nusers: [\n";
    QStringList seen;
    for (const UserEntry& entry : users) {
        const std::optional<access::StaffPrincipal> principal =
            access::StaffPrincipal::fromNatsUserName(entry.user);
        QString reason;
        if (!principal)
            reason = QStringLiteral("malformed user name");
        else if (!isBcryptHash(entry.passwordHash))
            reason = QStringLiteral("password_hash is not a bcrypt hash");
        else if (seen.contains(entry.user))
            reason = QStringLiteral("repeated user");
        if (!reason.isEmpty()) {
            if (skipped)
                skipped->append(entry.user.left(120) + QStringLiteral(": ") + reason);
            continue;
        }
        seen.append(entry.user);
        Permissions permissions = staffPermissions(principal->roles);
        if (options.sessionInboxes)
            permissions.subscribeAllow.replace(0, sessionInboxPrefix(principal->sessionId) + ".>");
        out += "  " + userEntry(entry.user, entry.passwordHash, permissions) + '\n';
    }
    return out + "]\n";
}

QString renderRoleMatrix()
{
    const QList<StaffRole> roles = access::accountRoles();
    QList<Permissions> perms;
    QString header = QStringLiteral("| Subject | Kind |");
    QString rule = QStringLiteral("|---|---|");
    for (StaffRole role : roles) {
        perms.append(staffPermissions({role}));
        header += u' ' + protocol::toWire(role) + QStringLiteral(" |");
        rule += QStringLiteral(":---:|");
    }
    QString out = header + u'\n' + rule + u'\n';
    auto row = [&](const QByteArray& subject, const QString& kind, bool subscribe) {
        QString line = QStringLiteral("| `") + QString::fromLatin1(subject) +
                       QStringLiteral("` | ") + kind + QStringLiteral(" |");
        for (const Permissions& p : perms) {
            const bool allowed = (subscribe ? p.subscribeAllow : p.publishAllow).contains(subject);
            line += allowed ? QStringLiteral(" ✓ |") : QStringLiteral(" |");
        }
        out += line + u'\n';
    };
    QList<QByteArray> endpoints = protocol::allEndpointSubjects();
    for (const QByteArray& prefix : identitySessionPrefixes())
        if (!catalogHasPrefix(prefix))
            endpoints.append(prefix + '>');
    endpoints.append(QByteArrayLiteral("$SRV.>"));
    for (const QByteArray& subject : endpoints)
        row(subject, QStringLiteral("request"), false);
    for (const QByteArray& subject : protocol::allEventSubjects())
        row(subject, QStringLiteral("event"), true);
    return out;
}

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error)
{
    auto fail = [&](const QString& what) {
        if (error)
            *error = what + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
        return false;
    };
    const QByteArray target = QFile::encodeName(path);
    const QByteArray temp = target + ".tmp." + QByteArray::number(::getpid());
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(QStringLiteral("cannot create ") + QFile::decodeName(temp));
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n =
            ::write(fd, data.constData() + written, static_cast<size_t>(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(temp.constData());
            errno = saved;
            return fail(QStringLiteral("cannot write ") + QFile::decodeName(temp));
        }
        written += n;
    }
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
        const int saved = errno;
        ::close(fd);
        ::unlink(temp.constData());
        errno = saved;
        return fail(QStringLiteral("cannot sync ") + QFile::decodeName(temp));
    }
    ::close(fd);
    if (::rename(temp.constData(), target.constData()) != 0) {
        const int saved = errno;
        ::unlink(temp.constData());
        errno = saved;
        return fail(QStringLiteral("cannot rename to ") + path);
    }
    return true;
}

} // namespace openopd::natsauth
