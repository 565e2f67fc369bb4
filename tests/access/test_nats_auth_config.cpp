// Unit tests of backend-services/nats-auth: the permissions computed from the catalog, the
// rendered nats-server configuration, and docs/security.md's generated role x subject table.

#include "access/secret_hash.h"
#include "access/staff_principal.h"
#include "nats-auth/nats_auth_agent.h"
#include "nats-auth/nats_auth_config.h"
#include "protocol/catalog.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace Qt::StringLiterals;
using protocol::StaffRole;

namespace {

const QByteArray kMatrixBegin = "<!-- BEGIN GENERATED: openopd-nats-auth matrix -->\n";
const QByteArray kMatrixEnd = "<!-- END GENERATED -->";

QString principalName(QList<StaffRole> roles, QString id = u"ana"_s)
{
    return access::StaffPrincipal{std::move(id), std::move(roles), access::randomSessionId(),
                                  u"Ana"_s}
        .natsUserName();
}

} // namespace

class TestNatsAuthConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void staffPermissionsFollowTheCatalog()
    {
        for (StaffRole role : access::accountRoles()) {
            const natsauth::Permissions p = natsauth::staffPermissions({role});
            QList<QByteArray> expected;
            for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
                if (info.roles.contains(role))
                    expected.append(info.subject);
            for (const QByteArray& subject : p.publishAllow)
                QVERIFY2(expected.contains(subject) || subject.startsWith("opd.identity.") ||
                             (role == StaffRole::Admin && subject == "$SRV.>"),
                         subject.constData());
            for (const QByteArray& subject : expected)
                QVERIFY2(p.publishAllow.contains(subject), subject.constData());
            QVERIFY(p.publishDeny.contains("opd.events.>"));
            QVERIFY(p.publishDeny.contains("$JS.API.>"));
            QVERIFY(p.publishDeny.contains("opd.identity.internal.>"));
            QVERIFY(!p.allowResponses);

            QCOMPARE(p.subscribeAllow.value(0), QByteArray("_INBOX.>"));
            QList<QByteArray> events;
            for (const protocol::EventInfo& info : protocol::eventCatalog())
                if (info.readers.contains(role))
                    events.append(info.subject);
            QCOMPARE(p.subscribeAllow.mid(1), events);
            for (const QByteArray& subject : p.publishAllow)
                QVERIFY(!subject.startsWith("opd.events.") && !subject.startsWith("$JS."));
        }
    }

    void rolesAreUnited()
    {
        const auto both = natsauth::staffPermissions({StaffRole::Doctor, StaffRole::Pharmacist});
        const auto doctor = natsauth::staffPermissions({StaffRole::Doctor});
        const auto pharmacist = natsauth::staffPermissions({StaffRole::Pharmacist});
        for (const QByteArray& subject : doctor.publishAllow + pharmacist.publishAllow)
            QVERIFY(both.publishAllow.contains(subject));
        for (const QByteArray& subject : both.publishAllow)
            QVERIFY(doctor.publishAllow.contains(subject) ||
                    pharmacist.publishAllow.contains(subject));
        for (const QByteArray& subject : doctor.subscribeAllow + pharmacist.subscribeAllow)
            QVERIFY(both.subscribeAllow.contains(subject));
        QCOMPARE(both.publishAllow.size(),
                 QSet<QByteArray>(both.publishAllow.begin(), both.publishAllow.end()).size());
    }

    void nonAccountRolesGetNothing()
    {
        for (StaffRole role : {StaffRole::System, StaffRole::Nurse}) {
            const auto p = natsauth::staffPermissions({role});
            QVERIFY(p.publishAllow.isEmpty());
            QCOMPARE(p.subscribeAllow, QList<QByteArray>{"_INBOX.>"});
            // An empty allow list must not render as "everything".
            QVERIFY(natsauth::renderPermissions(p).contains("allow: [\"_NONE_\"]"));
        }
    }

    void servicePermissionsAreItsOwn()
    {
        for (const QString& service : natsauth::serviceNames()) {
            const auto p = natsauth::servicePermissions(service);
            for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
                QCOMPARE(p.subscribeAllow.contains(info.subject), info.service == service);
            for (const protocol::EventInfo& info : protocol::eventCatalog())
                QCOMPARE(p.publishAllow.contains(info.subject), info.producer == service);
            for (const QByteArray& subject : p.publishAllow) {
                QVERIFY2(!subject.contains('>') || subject.startsWith("$JS.ACK.") ||
                             subject == "$SRV.>" || subject == "_R_.>" ||
                             (subject == "_INBOX.nats-auth.>" && service == u"identity"_s),
                         subject.constData());
                QVERIFY(!subject.contains("DELETE") && !subject.contains("PURGE"));
            }
            QVERIFY(!p.publishAllow.contains("opd.events.>"));
        }
        const auto agent = natsauth::servicePermissions(u"nats-auth"_s);
        QCOMPARE(agent.publishAllow, QList<QByteArray>{"opd.identity.internal.nats_users"});
        QCOMPARE(agent.subscribeAllow,
                 (QList<QByteArray>{"opd.identity.internal.changed", "_INBOX.nats-auth.>"}));
        QVERIFY(!agent.allowResponses);
        const auto identity = natsauth::servicePermissions(u"identity"_s);
        QVERIFY(identity.subscribeAllow.contains("opd.identity.internal.nats_users"));
        QVERIFY(identity.subscribeAllow.contains("opd.identity.signin"));
        QVERIFY(identity.publishAllow.contains("opd.identity.internal.changed"));
        // Replies survive a configuration reload: explicit reply subjects, not only
        // allow_responses; _INBOX.> for identity alone (it answers the agent).
        QVERIFY(identity.publishAllow.contains("_R_.>"));
        QVERIFY(identity.publishAllow.contains("_INBOX.nats-auth.>"));
        QVERIFY(!identity.publishAllow.contains("_INBOX.>"));
        const auto audit = natsauth::servicePermissions(u"audit"_s);
        QVERIFY(audit.publishAllow.contains("$JS.API.CONSUMER.MSG.NEXT.OPD_EVENTS.audit-log"));
        QVERIFY(audit.publishAllow.contains("$JS.ACK.OPD_EVENTS.audit-log.>"));
        QVERIFY(audit.publishAllow.contains("opd.dlq.audit-log"));
        QVERIFY(!audit.publishAllow.contains("opd.dlq.registration-visits"));
        QVERIFY(audit.publishAllow.contains("_R_.>"));
        QVERIFY(!audit.publishAllow.contains("_INBOX.>"));
        QVERIFY(audit.allowResponses);
        const auto signIn = natsauth::signInPermissions();
        QCOMPARE(signIn.publishAllow, QList<QByteArray>{"opd.identity.signin"});
    }

    void renderStaffUsers()
    {
        const QByteArray hash = *access::bcryptHash(access::randomSecret());
        const QString doctor = principalName({StaffRole::Doctor});
        const QString admin = principalName({StaffRole::Admin, StaffRole::Reception}, u"root"_s);
        QStringList skipped;
        const QByteArray text = natsauth::renderStaffUsers(
            {{doctor, hash},
             {u"svc.registration"_s, hash},
             {u"ana|doctor|nope|QW5h"_s, hash},
             {principalName({StaffRole::Pharmacist}), "plain"},
             {principalName({StaffRole::Pharmacist}), "$2b$04$\"injected"},
             {admin, hash},
             {doctor, hash}},
            &skipped);
        QCOMPARE(skipped.size(), 5);
        QVERIFY(text.startsWith("# Generated"));
        QVERIFY(text.contains("\nusers: [\n"));
        QVERIFY(text.endsWith("]\n"));
        QCOMPARE(text.count("{user: "), 2);
        QVERIFY(text.contains(
            QByteArray("{user: \"" + doctor.toUtf8() + "\", password: \"" + hash + "\"")));
        QVERIFY(text.contains(natsauth::renderPermissions(
            natsauth::staffPermissions({StaffRole::Admin, StaffRole::Reception}))));
        QVERIFY(!text.contains("injected"));
        QCOMPARE(natsauth::renderStaffUsers({}),
                 QByteArray("# Generated by `openopd-nats-auth "
                            "agent` from the identity service's "
                            "sessions: do not edit.\nusers: [\n]\n"));
    }

    void sessionInboxes()
    {
        const QByteArray hash = *access::bcryptHash(access::randomSecret());
        const auto principal =
            *access::StaffPrincipal::fromNatsUserName(principalName({StaffRole::Doctor}));
        natsauth::StaffUsersOptions options;
        options.sessionInboxes = true;
        const QByteArray text =
            natsauth::renderStaffUsers({{principal.natsUserName(), hash}}, nullptr, options);
        QCOMPARE(natsauth::sessionInboxPrefix(principal.sessionId),
                 "_INBOX." + principal.sessionId.toLatin1());
        QVERIFY(text.contains(QByteArray("subscribe: {allow: [\"_INBOX." +
                                         principal.sessionId.toLatin1() + ".>\", \"opd.events.")));
        QVERIFY(!text.contains("\"_INBOX.>\""));
        QVERIFY(natsauth::renderStaffUsers({{principal.natsUserName(), hash}})
                    .contains("subscribe: {allow: [\"_INBOX.>\""));
    }

    void renderAccounts()
    {
        QList<natsauth::UserEntry> services;
        for (const QString& service : natsauth::serviceNames())
            services.append({access::serviceUserName(service), "$2b$04$hash" + service.toUtf8()});
        services.append({u"svc.unknown"_s, "$2b$04$x"});
        const QByteArray text = natsauth::renderAccounts(services);
        for (const QString& service : natsauth::serviceNames())
            QVERIFY(text.contains(
                QByteArray("{user: \"svc." + service.toUtf8() + "\", password: \"$2b$04$hash" +
                           service.toUtf8() + "\", permissions: " +
                           natsauth::renderPermissions(natsauth::servicePermissions(service)))));
        QVERIFY(!text.contains("svc.unknown"));
        QVERIFY(text.contains("jetstream: enabled"));
        QVERIFY(text.contains("include \"staff-users.conf\""));
        QVERIFY(text.contains("{service: {account: SERVICES, subject: \"opd.registration.>\"}, "
                              "share: true}"));
        QVERIFY(text.contains("{service: \"opd.identity.signin\", accounts: [SIGNIN]}"));
        QVERIFY(text.contains("{stream: \"opd.events.>\", accounts: [STAFF]}"));
        // The public sign-in password is hashed too (no "plaintext passwords" warning).
        QVERIFY(text.contains("{user: \"signin\", password: \"$2b$"));
        QVERIFY(!text.contains("password: \"signin\""));
        natsauth::AccountsOptions options;
        options.jetStream = false;
        options.serviceDiscovery = false;
        const QByteArray plain = natsauth::renderAccounts(services, options);
        QVERIFY(!plain.contains("jetstream"));
        QVERIFY(!plain.contains("{service: \"$SRV.>\""));
        QVERIFY(!plain.contains("subject: \"$SRV.>\""));
    }

    void parseNatsUsersReply()
    {
        QString error;
        auto reply = natsauth::parseNatsUsersReply(
            R"({"v":1,"version":7,"users":[{"user":"a","password_hash":"$2b$x"}]})", &error);
        QVERIFY2(reply, qPrintable(error));
        QCOMPARE(reply->version, 7);
        QCOMPARE(reply->users.size(), 1);
        QCOMPARE(reply->users[0].passwordHash, QByteArray("$2b$x"));
        QVERIFY(!natsauth::parseNatsUsersReply(R"({"v":2,"users":[]})", &error));
        QVERIFY(!natsauth::parseNatsUsersReply(R"({"v":1})", &error));
        QVERIFY(!natsauth::parseNatsUsersReply(R"({"v":1,"users":[{"user":1}]})", &error));
        QVERIFY(!natsauth::parseNatsUsersReply("[]", &error));
    }

    void docsContainTheGeneratedMatrix()
    {
        QFile file(QStringLiteral(OPENOPD_SOURCE_DIR "/docs/security.md"));
        QVERIFY2(file.open(QIODevice::ReadOnly), "docs/security.md is missing");
        const QByteArray doc = file.readAll();
        const qsizetype begin = doc.indexOf(kMatrixBegin);
        const qsizetype end = doc.indexOf(kMatrixEnd);
        QVERIFY2(begin >= 0 && end > begin, "docs/security.md lacks the matrix markers");
        const QByteArray table =
            doc.mid(begin + kMatrixBegin.size(), end - begin - kMatrixBegin.size());
        QCOMPARE(QString::fromUtf8(table), natsauth::renderRoleMatrix());
    }

    void matrixRows()
    {
        const QString matrix = natsauth::renderRoleMatrix();
        for (const QByteArray& subject :
             protocol::allEndpointSubjects() + protocol::allEventSubjects())
            QVERIFY(matrix.contains(u"| `"_s + QString::fromLatin1(subject) + u"` |"_s));
        QVERIFY(matrix.startsWith(
            u"| Subject | Kind | reception | doctor | pharmacist | lab_technician | admin |\n"_s));
    }

    void atomicWrite()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"x.conf"_s);
        QString error;
        QVERIFY2(natsauth::writeFileAtomically(path, "one", &error), qPrintable(error));
        QVERIFY(natsauth::writeFileAtomically(path, "two", &error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("two"));
        QCOMPARE(file.permissions() &
                     ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
                 QFile::Permissions());
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"x.conf"_s});
        QVERIFY(!natsauth::writeFileAtomically(dir.filePath(u"no/such/x"_s), "x", &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestNatsAuthConfig)
#include "test_nats_auth_config.moc"
