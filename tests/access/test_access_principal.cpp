// Unit tests of shared/access: the staff principal carried in a NATS user name, and the
// bcrypt hashes of random secrets that the nats-server configuration holds.

#include "access/secret_hash.h"
#include "access/staff_principal.h"

#include <QTest>

using namespace openopd;
using protocol::StaffRole;
using namespace Qt::StringLiterals;

class TestAccessPrincipal : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        access::StaffPrincipal principal;
        principal.staffId = QStringLiteral("dr.silva");
        principal.roles = {StaffRole::Doctor, StaffRole::Admin};
        principal.sessionId = access::randomSessionId();
        principal.displayName = QStringLiteral("Dr Ana Silva | ção, \"quoted\"");
        const QString user = principal.natsUserName();
        QVERIFY(user.startsWith(QStringLiteral("dr.silva|doctor,admin|")));
        QCOMPARE(user.count(u'|'), 3);
        QVERIFY(!user.contains(u'"'));
        const auto parsed = access::StaffPrincipal::fromNatsUserName(user);
        QVERIFY(parsed);
        QCOMPARE(*parsed, principal);
        QVERIFY(parsed->hasRole(StaffRole::Admin));
        QVERIFY(!parsed->hasRole(StaffRole::Reception));
        QCOMPARE(parsed->actingAs({StaffRole::Admin}).role, StaffRole::Admin);
        QCOMPARE(parsed->actingAs({StaffRole::Reception}).role, StaffRole::Doctor);
    }

    void everyAccountRoleRoundTrips()
    {
        for (StaffRole role : access::accountRoles()) {
            access::StaffPrincipal principal{
                QStringLiteral("u1"), {role}, access::randomSessionId(), QStringLiteral("U")};
            QCOMPARE(access::StaffPrincipal::fromNatsUserName(principal.natsUserName()),
                     std::optional(principal));
        }
        QVERIFY(!access::isAccountRole(StaffRole::System));
        QVERIFY(!access::isAccountRole(StaffRole::Nurse));
    }

    void rejectsMalformedNames_data()
    {
        QTest::addColumn<QString>("user");
        const QString session = QStringLiteral("0123456789abcdef0123456789abcdef");
        const QString name = QStringLiteral("QW5h"); // "Ana"
        auto make = [&](const QString& id, const QString& roles, const QString& sid,
                        const QString& display) -> QString {
            return id + u'|' + roles + u'|' + sid + u'|' + display;
        };
        QTest::newRow("valid control") << QString(); // replaced below
        QTest::newRow("empty") << QString();
        QTest::newRow("three parts") << (QStringLiteral("ana|doctor|") + session);
        QTest::newRow("five parts") << make(u"ana"_s, u"doctor"_s, session, name + u"|x"_s);
        QTest::newRow("uppercase id") << make(u"Ana"_s, u"doctor"_s, session, name);
        QTest::newRow("id starts with dot") << make(u".ana"_s, u"doctor"_s, session, name);
        QTest::newRow("id with space") << make(u"a na"_s, u"doctor"_s, session, name);
        QTest::newRow("id too long") << make(QString(65, u'a'), u"doctor"_s, session, name);
        QTest::newRow("no roles") << make(u"ana"_s, QString(), session, name);
        QTest::newRow("unknown role") << make(u"ana"_s, u"surgeon"_s, session, name);
        QTest::newRow("system role") << make(u"ana"_s, u"system"_s, session, name);
        QTest::newRow("nurse role") << make(u"ana"_s, u"nurse"_s, session, name);
        QTest::newRow("repeated role") << make(u"ana"_s, u"doctor,doctor"_s, session, name);
        QTest::newRow("trailing comma") << make(u"ana"_s, u"doctor,"_s, session, name);
        QTest::newRow("short session") << make(u"ana"_s, u"doctor"_s, session.left(31), name);
        QTest::newRow("uppercase session") << make(u"ana"_s, u"doctor"_s, session.toUpper(), name);
        QTest::newRow("empty display") << make(u"ana"_s, u"doctor"_s, session, QString());
        QTest::newRow("display not base64url") << make(u"ana"_s, u"doctor"_s, session, u"a+b/"_s);
        QTest::newRow("display too long")
            << make(u"ana"_s, u"doctor"_s, session,
                    QString::fromLatin1(QByteArray(201, 'x').toBase64(
                        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
    }
    void rejectsMalformedNames()
    {
        QFETCH(QString, user);
        if (QByteArray(QTest::currentDataTag()) == "valid control") {
            const QString valid =
                QStringLiteral("ana|doctor|0123456789abcdef0123456789abcdef|QW5h");
            const auto parsed = access::StaffPrincipal::fromNatsUserName(valid);
            QVERIFY(parsed);
            QCOMPARE(parsed->displayName, QStringLiteral("Ana"));
            return;
        }
        QVERIFY2(!access::StaffPrincipal::fromNatsUserName(user), qPrintable(user));
    }

    void staffIds()
    {
        QVERIFY(access::isValidStaffId(u"a"));
        QVERIFY(access::isValidStaffId(u"dr.silva_2-x"));
        QVERIFY(access::isValidStaffId(u"9lives"));
        QVERIFY(!access::isValidStaffId(u""));
        QVERIFY(!access::isValidStaffId(u"-x"));
        QVERIFY(!access::isValidStaffId(u"a|b"));
        QVERIFY(!access::isValidStaffId(u"a,b"));
    }

    void requestInfo()
    {
        const auto info = access::parseRequestInfo(
            R"({"acc":"STAFF","rtt":1200,"user":"ana|doctor|x|y","start":"2024"})");
        QVERIFY(info);
        QCOMPARE(info->account, QStringLiteral("STAFF"));
        QCOMPARE(info->user, QStringLiteral("ana|doctor|x|y"));
        QVERIFY(!access::parseRequestInfo("not json"));
        QVERIFY(!access::parseRequestInfo(R"({"user":"x"})"));
        QVERIFY(!access::parseRequestInfo(R"(["acc"])"));
        QCOMPARE(access::serviceUserName(u"registration"), QStringLiteral("svc.registration"));
    }

    void bcrypt()
    {
        const QByteArray secret = access::randomSecret();
        QVERIFY(secret.size() >= 43); // 32 bytes base64url
        QVERIFY(!secret.contains('=') && !secret.contains('+') && !secret.contains('/'));
        QVERIFY(access::randomSecret() != secret);
        QVERIFY(access::randomSecret(4).size() >= 22); // at least 16 bytes
        const auto hash = access::bcryptHash(secret);
        QVERIFY(hash);
        QVERIFY2(hash->startsWith("$2b$04$"), hash->constData());
        QCOMPARE(hash->size(), 60);
        QVERIFY(access::bcryptMatches(secret, *hash));
        QVERIFY(!access::bcryptMatches(secret + 'x', *hash));
        QVERIFY(!access::bcryptMatches(QByteArray(), *hash));
        QVERIFY(!access::bcryptMatches(secret, "plain"));
        QVERIFY(!access::bcryptMatches(secret, QByteArray()));
        QVERIFY(access::bcryptHash(secret) != hash); // salted
        QVERIFY(!access::bcryptHash(QByteArray()));
        QVERIFY(!access::bcryptHash(QByteArray(73, 'a')));
        const auto costly = access::bcryptHash(secret, 5);
        QVERIFY(costly && costly->startsWith("$2b$05$"));
        QVERIFY(access::bcryptMatches(secret, *costly));
        const QString session = access::randomSessionId();
        QCOMPARE(session.size(), 32);
        QVERIFY(session != access::randomSessionId());
    }
};

QTEST_GUILESS_MAIN(TestAccessPrincipal)
#include "test_access_principal.moc"
