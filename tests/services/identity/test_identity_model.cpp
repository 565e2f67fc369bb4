// Unit: the sign-in back-off, Argon2id password hashes and the identity messages' decoders.

#include "identity/password_hash.h"
#include "identity/signin_throttle.h"
#include "protocol/identity_api.h"

#include <QJsonDocument>
#include <QTest>

using namespace openopd;
using namespace openopd::identity;
using namespace std::chrono_literals;

class TestIdentityModel : public QObject
{
    Q_OBJECT

    static QDateTime t0() { return QDateTime(QDate(2026, 1, 5), QTime(8, 0), Qt::UTC); }

    template <class T> static bus::BusError decodeError(const char* json)
    {
        return T::fromJson(QJsonDocument::fromJson(QByteArray(json)).object()).error();
    }

private Q_SLOTS:
    void backOffDoublesFromThirtySecondsUpToFifteenMinutes()
    {
        for (int n = 0; n < kFreeFailures; ++n)
            QCOMPARE(lockAfter(n), 0s);
        QCOMPARE(lockAfter(5), 30s);
        QCOMPARE(lockAfter(6), 60s);
        QCOMPARE(lockAfter(7), 120s);
        QCOMPARE(lockAfter(9), 480s);
        QCOMPARE(lockAfter(10), 900s); // 960 s capped
        QCOMPARE(lockAfter(1000), 900s);
        QCOMPARE(lockAfter(5, 2s), 2s);
    }

    void fifthFailureLocksAndTheLockRunsOut()
    {
        SignInFailures state;
        for (int i = 0; i < 4; ++i) {
            state = afterFailure(state, t0());
            QCOMPARE(retryAfterSeconds(state, t0()), 0);
        }
        state = afterFailure(state, t0());
        QCOMPARE(state.failures, 5);
        QCOMPARE(retryAfterSeconds(state, t0()), 30);
        QCOMPARE(retryAfterSeconds(state, t0().addMSecs(100)), 30); // rounded up
        QCOMPARE(retryAfterSeconds(state, t0().addSecs(29)), 1);
        QCOMPARE(retryAfterSeconds(state, t0().addSecs(30)), 0);
        state = afterFailure(state, t0().addSecs(30));
        QCOMPARE(retryAfterSeconds(state, t0().addSecs(30)), 60);
    }

    void argon2idHashesVerifyAndDiffer()
    {
        const QString password = QStringLiteral("correct horse battery");
        const auto first = hashPassword(password);
        const auto second = hashPassword(password);
        QVERIFY(first && second);
        QVERIFY(first->startsWith("$argon2id$v=19$m=65536,t=3,p=1$"));
        QVERIFY(*first != *second); // a fresh salt each time
        QVERIFY(verifyPassword(password, *first));
        QVERIFY(verifyPassword(password, *second));
        QVERIFY(!verifyPassword(QStringLiteral("correct horse battery "), *first));
        QVERIFY(!verifyPassword(password, QByteArray("$2b$04$notargon")));
        QVERIFY(!verifyPassword(password, QByteArray()));
        const QString unicode = QStringLiteral("pässwörd-ñ-日本");
        QVERIFY(verifyPassword(unicode, hashPassword(unicode).value()));
    }

    void decodersNameTheBadField()
    {
        using namespace protocol;
        QCOMPARE(decodeError<CreateStaffRequest>(
                     R"({"v":1,"id":"Dr.Silva","display_name":"A","roles":["doctor"],)"
                     R"("password":"12345678"})")
                     .field,
                 QStringLiteral("id"));
        QCOMPARE(decodeError<CreateStaffRequest>(
                     R"({"v":1,"id":"x","display_name":"A","roles":[],"password":"12345678"})")
                     .field,
                 QStringLiteral("roles"));
        QCOMPARE(decodeError<CreateStaffRequest>(
                     R"({"v":1,"id":"x","display_name":"A","roles":["nurse"],)"
                     R"("password":"12345678"})")
                     .field,
                 QStringLiteral("roles[0]"));
        QCOMPARE(decodeError<CreateStaffRequest>(
                     R"({"v":1,"id":"x","display_name":"A","roles":["admin","admin"],)"
                     R"("password":"12345678"})")
                     .field,
                 QStringLiteral("roles[1]"));
        QCOMPARE(
            decodeError<CreateStaffRequest>(
                R"({"v":1,"id":"x","display_name":"A","roles":["admin"],"password":"1234567"})")
                .field,
            QStringLiteral("password"));
        QCOMPARE(decodeError<SetRolesRequest>(R"({"v":1,"id":"x"})").field,
                 QStringLiteral("roles"));
        QCOMPARE(decodeError<ChangePasswordRequest>(
                     R"({"v":1,"current_password":"x","new_password":"short"})")
                     .field,
                 QStringLiteral("new_password"));
        QCOMPARE(decodeError<SignInRequest>(R"({"v":1,"user":"admin"})").field,
                 QStringLiteral("password"));
        QCOMPARE(decodeError<SignInRequest>(R"({"v":2,"user":"a","password":"b"})").field,
                 QStringLiteral("v"));
        // The one-time reply key: required, 32 bytes of standard base64.
        QCOMPARE(decodeError<SignInRequest>(R"({"v":1,"user":"a","password":"b"})").field,
                 QStringLiteral("reply_key"));
        QCOMPARE(decodeError<SignInRequest>(
                     R"({"v":1,"user":"a","password":"b","reply_key":"c2hvcnQ="})")
                     .field,
                 QStringLiteral("reply_key"));
        const auto signIn = SignInRequest::fromJson(
            {{QStringLiteral("user"), QStringLiteral("a")},
             {QStringLiteral("password"), QStringLiteral("b")},
             {QStringLiteral("reply_key"),
              QStringLiteral("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ8=")}});
        QVERIFY(signIn.ok());
        QCOMPARE(signIn->replyKey.size(), protocol::identity::kReplyKey);
        const QString tooLong(protocol::identity::kMaxPassword + 1, u'x');
        QCOMPARE(ResetPasswordRequest::fromJson({{QStringLiteral("v"), 1},
                                                 {QStringLiteral("id"), QStringLiteral("lab")},
                                                 {QStringLiteral("new_password"), tooLong}})
                     .error()
                     .field,
                 QStringLiteral("new_password"));
        // A password is taken as typed: leading and trailing blanks count.
        const auto spaced = ChangePasswordRequest::fromJson(
            {{QStringLiteral("current_password"), QStringLiteral(" a ")},
             {QStringLiteral("new_password"), QStringLiteral("  12345678  ")}});
        QVERIFY(spaced.ok());
        QCOMPARE(spaced->newPassword, QStringLiteral("  12345678  "));
    }

    void staffChangeLeavesOutWhatIsAbsent()
    {
        protocol::StaffChange change;
        change.reason = QStringLiteral("unknown_user");
        change.failures = 3;
        const QJsonObject json = change.toJson();
        QCOMPARE(json.keys(), (QStringList{QStringLiteral("failures"), QStringLiteral("reason")}));
        QCOMPARE(protocol::StaffChange::fromJson(json).value(), change);
    }
};

QTEST_GUILESS_MAIN(TestIdentityModel)
#include "test_identity_model.moc"
