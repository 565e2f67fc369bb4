// The host takes the actor from the server, never from the client: a real nats-server with
// the SERVICES / STAFF accounts adds Nats-Request-Info to each request crossing into
// SERVICES, and MicroService checks access and overwrites the body's "staff" with it.

#include "access/staff_principal.h"
#include "bus/bus_test_util.h"
#include "bus/json_reader.h"
#include "bus/nats_library.h"
#include "host/micro_service.h"
#include "protocol/errors.h"
#include "service/service_process.h"
#include "support/nats_server.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace openopd::testing;
using bus::BusError;
using protocol::StaffRole;

namespace {

// A request that names an actor, as every state-changing OPD request does.
struct ActorProbe
{
    protocol::StaffRef staff;
    QJsonObject toJson() const { return {{QStringLiteral("staff"), staff.toJson()}}; }
    static bus::Result<ActorProbe> fromJson(const QJsonObject& object)
    {
        protocol::json::Reader reader(object);
        ActorProbe value{protocol::readStaff(reader)};
        if (!reader.ok())
            return reader.error();
        return value;
    }
};

// A catalog subject (roles: reception) with the probe's types.
constexpr bus::Endpoint<ActorProbe, ActorProbe> kReceptionOnly{"opd.registration.visit.cancel"};
constexpr bus::Endpoint<ActorProbe, ActorProbe> kInternal{"opd.registration.internal.probe"};
constexpr bus::Endpoint<ActorProbe, ActorProbe> kSignIn{"opd.registration.signin.probe"};

const access::StaffPrincipal kAlice{QStringLiteral("alice"),
                                    {StaffRole::Reception},
                                    QStringLiteral("0123456789abcdef0123456789abcdef"),
                                    QStringLiteral("Alice Recepção")};
const access::StaffPrincipal kBob{QStringLiteral("dr.bob"),
                                  {StaffRole::Doctor},
                                  QStringLiteral("fedcba9876543210fedcba9876543210"),
                                  QStringLiteral("Dr Bob")};
const protocol::StaffRef kMallory{QStringLiteral("mallory"), QStringLiteral("Mallory"),
                                  StaffRole::Admin};

QString accountsConfig()
{
    auto user = [](const QString& name, const QString& password) {
        return QStringLiteral("{user: \"%1\", password: \"%2\"}").arg(name, password);
    };
    return QStringLiteral(R"(
accounts {
  SERVICES {
    jetstream: enabled
    users: [ %1 ]
    exports [ {service: "opd.registration.>"} ]
  }
  STAFF {
    users: [ %2, %3, %4 ]
    imports [ {service: {account: SERVICES, subject: "opd.registration.>"}, share: true} ]
  }
}
)")
        .arg(user(QStringLiteral("svc"), QStringLiteral("svc-pw")),
             user(kAlice.natsUserName(), QStringLiteral("alice-pw")),
             user(kBob.natsUserName(), QStringLiteral("bob-pw")),
             user(QStringLiteral("plain"), QStringLiteral("plain-pw")));
}

} // namespace

class TestHostCaller : public QObject
{
    Q_OBJECT

    bus::NatsLibrary m_library;
    NatsServer m_server{accountsConfig()};
    std::unique_ptr<bus::Connection> m_serviceSide;
    std::unique_ptr<host::MicroService> m_service;
    QList<host::Caller> m_callers; // what each handler call saw
    QList<protocol::StaffRef> m_actors;

    std::unique_ptr<bus::Connection> connectAs(const QString& user, const QString& password)
    {
        bus::ConnectionOptions options = optionsFor(m_server.url());
        options.user = user;
        options.password = password;
        return connectTo(options);
    }

    // The answer to one request: the actor the handler saw, or the error.
    bus::Result<ActorProbe> call(bus::Connection& client,
                                 const bus::Endpoint<ActorProbe, ActorProbe>& endpoint,
                                 const bus::Headers& headers = {})
    {
        std::optional<bus::Result<ActorProbe>> answer;
        bus::RequestOptions options;
        options.headers = headers;
        bus::request(
            client, endpoint, ActorProbe{kMallory}, this,
            [&](bus::Result<ActorProbe> reply) { answer = std::move(reply); }, options);
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, 10000))
            return BusError::make(BusError::Kind::Timeout, QStringLiteral("no answer in the test"));
        return *answer;
    }

private Q_SLOTS:
    void initTestCase()
    {
        ignoreSigpipe();
        QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
        m_serviceSide = connectAs(QStringLiteral("svc"), QStringLiteral("svc-pw"));
        QVERIFY(m_serviceSide);
        m_service = std::make_unique<host::MicroService>(
            *m_serviceSide, host::MicroServiceConfig{
                                QStringLiteral("registration"), QStringLiteral("1.0.0"), {}, {}});
        const auto record = [this](const ActorProbe& request, const host::Caller& caller,
                                   bus::Replier<ActorProbe> replier) {
            m_callers.append(caller);
            m_actors.append(request.staff);
            replier.reply(request);
        };
        QVERIFY(m_service->addEndpoint(QStringLiteral("visit_cancel"), kReceptionOnly, record));
        QVERIFY(m_service->addEndpoint(QStringLiteral("internal_probe"), kInternal, record,
                                       host::Access::Internal));
        QVERIFY(m_service->addEndpoint(QStringLiteral("signin_probe"), kSignIn, record,
                                       host::Access::SignIn));
        QTest::qWait(200); // the subscriptions reach the server
    }

    void bodyActorIsReplacedByTheVerifiedOne()
    {
        auto alice = connectAs(kAlice.natsUserName(), QStringLiteral("alice-pw"));
        QVERIFY(alice);
        const auto reply = call(*alice, kReceptionOnly);
        QVERIFY2(reply, qPrintable(reply.error().toString()));
        const protocol::StaffRef expected{kAlice.staffId, kAlice.displayName, StaffRole::Reception};
        QCOMPARE(reply.value().staff, expected);
        QCOMPARE(m_actors.last(), expected);
        QCOMPARE(m_callers.last().account, QStringLiteral("STAFF"));
        QVERIFY(m_callers.last().staff);
        QCOMPARE(*m_callers.last().staff, kAlice);
    }

    void forgedRequestInfoHeaderIsReplacedByTheServer()
    {
        auto alice = connectAs(kAlice.natsUserName(), QStringLiteral("alice-pw"));
        QVERIFY(alice);
        const QByteArray forged =
            QJsonDocument(QJsonObject{{QStringLiteral("acc"), QStringLiteral("STAFF")},
                                      {QStringLiteral("user"), kBob.natsUserName()}})
                .toJson(QJsonDocument::Compact);
        const auto reply =
            call(*alice, kReceptionOnly, {{QByteArray(access::kRequestInfoHeader), forged}});
        QVERIFY2(reply, qPrintable(reply.error().toString()));
        QCOMPARE(reply.value().staff.id, kAlice.staffId);
    }

    void roleNotAllowedIsForbidden()
    {
        auto bob = connectAs(kBob.natsUserName(), QStringLiteral("bob-pw"));
        QVERIFY(bob);
        const qsizetype before = m_actors.size();
        const auto reply = call(*bob, kReceptionOnly);
        QVERIFY(!reply);
        QCOMPARE(reply.error().kind, BusError::Kind::ServiceError);
        QCOMPARE(reply.error().code, protocol::errors::kForbidden);
        QVERIFY2(reply.error().message.contains(kBob.staffId), qPrintable(reply.error().message));
        QCOMPARE(m_actors.size(), before); // the handler never ran
    }

    void staffUserWithoutAPrincipalIsUnauthorized()
    {
        auto plain = connectAs(QStringLiteral("plain"), QStringLiteral("plain-pw"));
        QVERIFY(plain);
        const auto reply = call(*plain, kReceptionOnly);
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, protocol::errors::kUnauthorized);
    }

    void requestFromInsideServicesIsNotStaff()
    {
        // No Nats-Request-Info within one account: a service user cannot act as staff.
        auto other = connectAs(QStringLiteral("svc"), QStringLiteral("svc-pw"));
        QVERIFY(other);
        const auto staff = call(*other, kReceptionOnly);
        QVERIFY(!staff);
        QCOMPARE(staff.error().code, protocol::errors::kUnauthorized);
        // ... but may use an internal endpoint, which staff may not.
        const auto internal = call(*other, kInternal);
        QVERIFY2(internal, qPrintable(internal.error().toString()));
        QVERIFY(m_callers.last().account.isEmpty());
        auto alice = connectAs(kAlice.natsUserName(), QStringLiteral("alice-pw"));
        QVERIFY(alice);
        const auto fromStaff = call(*alice, kInternal);
        QVERIFY(!fromStaff);
        QCOMPARE(fromStaff.error().code, protocol::errors::kForbidden);
    }

    void signInEndpointTakesAnyone()
    {
        auto plain = connectAs(QStringLiteral("plain"), QStringLiteral("plain-pw"));
        QVERIFY(plain);
        const auto reply = call(*plain, kSignIn);
        QVERIFY2(reply, qPrintable(reply.error().toString()));
        QCOMPARE(m_callers.last().user, QStringLiteral("plain"));
        QVERIFY(!m_callers.last().staff);
        QCOMPARE(reply.value().staff, kMallory); // no verified actor to put there
    }

    void insecurePolicyTrustsTheBody()
    {
        m_service->setCallerPolicy(host::CallerPolicy::InsecureNoAuth);
        auto other = connectAs(QStringLiteral("svc"), QStringLiteral("svc-pw"));
        QVERIFY(other);
        const auto reply = call(*other, kReceptionOnly);
        m_service->setCallerPolicy(host::CallerPolicy::Verify);
        QVERIFY2(reply, qPrintable(reply.error().toString()));
        QCOMPARE(reply.value().staff, kMallory);
        QVERIFY(m_callers.last().staff);
        QCOMPARE(m_callers.last().staff->staffId, kMallory.id);
    }

    void servicePasswordComesThroughStandardInput()
    {
        // A launcher pipes each service its password: never an argument, a file or a log.
        QTemporaryDir dir;
        const QStringList arguments{QStringLiteral("--nats-url"),      m_server.url(),
                                    QStringLiteral("--data-dir"),      dir.path(),
                                    QStringLiteral("--user"),          QStringLiteral("svc"),
                                    QStringLiteral("--password-stdin")};
        ServiceProcess good(QStringLiteral(OPENOPD_TEST_SERVICE), arguments);
        good.setStandardInput("svc-pw\n");
        QVERIFY2(good.start(), qPrintable(good.log()));
        QVERIFY(!good.log().contains(QStringLiteral("svc-pw")));
        QCOMPARE(good.terminate(), 0);

        ServiceProcess none(QStringLiteral(OPENOPD_TEST_SERVICE), arguments);
        QVERIFY(!none.start({}, 5000));
        QVERIFY2(none.log().contains(QStringLiteral("--password-stdin")), qPrintable(none.log()));
    }

    void cleanupTestCase()
    {
        m_service.reset();
        m_serviceSide.reset();
        m_server.stop();
    }
};

QTEST_GUILESS_MAIN(TestHostCaller)
#include "test_host_caller.moc"
