// The identity service on PostgreSQL (a throw-away server): the same SQL as on SQLite creates
// the first admin, signs in, lists the session for the agent, keeps the last admin, disables
// an account and ends its session.

#include "bus/nats_library.h"
#include "identity_env.h"
#include "protocol/errors.h"
#include "support/postgres_server.h"

#include <csignal>

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing;
using namespace openopd::testing::identity;

class TestIdentityPostgres : public QObject
{
    Q_OBJECT

    std::optional<bus::NatsLibrary> m_library;
    PostgresServer m_postgres;
    std::unique_ptr<IdentityEnv> m_env;

private Q_SLOTS:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        m_library.emplace();
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        QVERIFY2(m_postgres.createDatabase(QStringLiteral("identity_pg")),
                 qPrintable(m_postgres.errorString()));
        m_env = std::make_unique<IdentityEnv>();
        m_env->database = m_postgres.connectionUrl(QStringLiteral("identity_pg"));
        QString output;
        QCOMPARE(m_env->createAdmin(QStringLiteral("admin"), QStringLiteral("admin-password-1"),
                                    &output),
                 0);
        QVERIFY2(m_env->start(), qPrintable(m_env->errorString()));
    }
    void cleanup()
    {
        if (QTest::currentTestFailed())
            qWarning().noquote() << "service log:\n" << m_env->serviceLog();
    }
    void cleanupTestCase()
    {
        if (m_env && m_env->service)
            QCOMPARE(m_env->service->terminate(), 0);
        m_env.reset();
    }

    void signInManageAndDisable()
    {
        auto admin = m_env->signedIn(QStringLiteral("admin"), QStringLiteral("admin-password-1"));
        QVERIFY(admin);
        const auto created = call(*admin, kCreateStaff,
                                  CreateStaffRequest{QStringLiteral("pharma"),
                                                     QStringLiteral("Chidi Okafor"),
                                                     {StaffRole::Pharmacist},
                                                     QStringLiteral("pharma-password")});
        QVERIFY2(created.ok(), qPrintable(created.error().toString()));
        QCOMPARE(call(*admin, kCreateStaff,
                      CreateStaffRequest{QStringLiteral("pharma"),
                                         QStringLiteral("Other"),
                                         {StaffRole::Doctor},
                                         QStringLiteral("other-password")})
                     .error()
                     .code,
                 errors::kConflict);
        const auto session =
            m_env->signIn(QStringLiteral("pharma"), QStringLiteral("pharma-password"));
        QVERIFY2(session.ok(), qPrintable(session.error().toString()));
        QCOMPARE(m_env->natsUsers()->users.size(), 2);
        QCOMPARE(call(*admin, kDisableStaff, StaffIdRequest{QStringLiteral("admin")}).error().code,
                 errors::kConflict);
        QVERIFY(call(*admin, kDisableStaff, StaffIdRequest{QStringLiteral("pharma")}).ok());
        const auto users = m_env->natsUsers();
        QVERIFY(users.ok());
        QCOMPARE(users->users.size(), 1);
        QVERIFY(users->users.at(0).user.startsWith(QStringLiteral("admin|")));
        QCOMPARE(
            m_env->signIn(QStringLiteral("pharma"), QStringLiteral("pharma-password")).error().code,
            errors::kForbidden);
        QCOMPARE(
            m_env->signIn(QStringLiteral("nobody"), QStringLiteral("pharma-password")).error().code,
            errors::kUnauthorized);
        const auto list = call(*admin, kStaffList, IdentityEmptyRequest{});
        QVERIFY(list.ok());
        QCOMPARE(list->staff.size(), 2);
        QVERIFY(!list->staff.at(1).active);
    }
};

QTEST_GUILESS_MAIN(TestIdentityPostgres)
#include "test_identity_postgres.moc"
