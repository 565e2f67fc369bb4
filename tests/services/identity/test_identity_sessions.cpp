// Sessions in time: the demo staff (--seed-demo) sign in with the documented demo password;
// a short session (hidden --session-seconds) expires, the sweep ends it, bumps the list's
// version, announces the change and publishes staff.signed_out (reason expired); an expired
// session can no longer be renewed even while the server still lets its connection in.

#include "bus/nats_library.h"
#include "identity_env.h"
#include "protocol/errors.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::identity;

namespace {

const QString kDemoPassword = QStringLiteral("demo-password");

bool listed(IdentityEnv& env, const QString& natsUser)
{
    const auto users = env.natsUsers();
    if (!users)
        return false;
    for (const NatsUser& user : users->users)
        if (user.user == natsUser)
            return true;
    return false;
}

} // namespace

class TestIdentitySessions : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    std::unique_ptr<IdentityEnv> m_env;

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        m_env = std::make_unique<IdentityEnv>();
        QVERIFY2(m_env->start({QStringLiteral("--seed-demo"), QStringLiteral("--session-seconds"),
                               QStringLiteral("3"), QStringLiteral("--sweep-ms"),
                               QStringLiteral("300")}),
                 qPrintable(m_env->errorString()));
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_env->serviceLog();
    }
    void cleanupTestCase()
    {
        if (m_env && m_env->service) {
            QVERIFY(!m_env->serviceLog().contains(kDemoPassword));
            QCOMPARE(m_env->service->terminate(), 0);
        }
        m_env.reset();
    }

    void demoStaffSignInWithTheDemoPassword()
    {
        const QList<std::pair<QString, StaffRole>> demo{
            {QStringLiteral("reception"), StaffRole::Reception},
            {QStringLiteral("dr.silva"), StaffRole::Doctor},
            {QStringLiteral("pharma"), StaffRole::Pharmacist},
            {QStringLiteral("lab"), StaffRole::LabTechnician},
            {QStringLiteral("admin"), StaffRole::Admin}};
        for (const auto& [id, role] : demo) {
            const auto reply = m_env->signIn(id, kDemoPassword);
            QVERIFY2(reply.ok(), qPrintable(id + u' ' + reply.error().toString()));
            QCOMPARE(reply->session.roles, QList<StaffRole>{role});
            QVERIFY(reply->session.expiresAt <= nowUtc().addSecs(4));
        }
    }

    void expiredSessionsLeaveTheListWithinTheSweep()
    {
        const auto reply = m_env->signIn(QStringLiteral("dr.silva"), kDemoPassword);
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        QVERIFY(listed(*m_env, reply->natsUser));
        const qint64 version = m_env->natsUsers()->version;
        const int notices = m_env->changedNotices;
        // 3 s of session, then at most one sweep interval (0.3 s) and some slack.
        QTRY_VERIFY_WITH_TIMEOUT(!listed(*m_env, reply->natsUser), 6000);
        QTRY_VERIFY_WITH_TIMEOUT(m_env->natsUsers()->version > version, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(m_env->changedNotices > notices, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const StaffEvent& event : std::as_const(m_env->events))
                    if (event.type == QStringLiteral("staff.signed_out") &&
                        event.payload.sessionId == reply->session.id)
                        return event.payload.reason == QStringLiteral("expired") &&
                               event.actor.role == StaffRole::System;
                return false;
            }(),
            5000);
    }

    void anExpiredSessionCannotBeRenewed()
    {
        SignedIn session;
        auto connection = m_env->signedIn(QStringLiteral("reception"), kDemoPassword, &session);
        QVERIFY(connection);
        const auto renewed = call(*connection, kRenewSession, IdentityEmptyRequest{});
        QVERIFY2(renewed.ok(), qPrintable(renewed.error().toString()));
        QVERIFY(renewed->session.expiresAt >= session.session.expiresAt);
        // Not synced again: the server still lets the connection in, the service does not.
        QTRY_VERIFY_WITH_TIMEOUT(!listed(*m_env, session.natsUser), 8000);
        QCOMPARE(call(*connection, kRenewSession, IdentityEmptyRequest{}).error().code,
                 errors::kUnauthorized);
        QCOMPARE(call(*connection, kSignOut, IdentityEmptyRequest{}).error().code,
                 errors::kUnauthorized);
    }
};

QTEST_GUILESS_MAIN(TestIdentitySessions)
#include "test_identity_sessions.moc"
