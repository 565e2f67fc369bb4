#include "identity_env.h"

#include "access/sealed_reply.h"

#include <QFile>
#include <QProcess>
#include <csignal>

namespace openopd::testing::identity {

using namespace openopd::protocol;

namespace {

const QString kServiceUser = QStringLiteral("svc.identity");
const QString kServicePassword = QStringLiteral("svc-identity-test-secret");
const QString kAgentUser = QStringLiteral("svc.agent");
const QString kAgentPassword = QStringLiteral("svc-agent-test-secret");
const QString kSignInUser = QStringLiteral("signin");
const QString kSignInPassword = QStringLiteral("signin-public");
const QString kBegin = QStringLiteral("# staff-users-begin");
const QString kEnd = QStringLiteral("# staff-users-end");

QString accountsConfig()
{
    return QStringLiteral(R"(
accounts {
  SERVICES {
    jetstream: enabled
    users: [
      {user: "%1", password: "%2"}
      {user: "%3", password: "%4"}
    ]
    exports: [
      {service: "opd.identity.>"}
      {service: "opd.admin.>"}
    ]
  }
  STAFF {
    users: [
%7
%8
    ]
    imports: [
      {service: {account: SERVICES, subject: "opd.identity.>"}, share: true}
      {service: {account: SERVICES, subject: "opd.admin.>"}, share: true}
    ]
  }
  SIGNIN {
    users: [
      {user: "%5", password: "%6"}
    ]
    imports: [
      {service: {account: SERVICES, subject: "opd.identity.signin"}, share: true}
    ]
  }
}
)")
        .arg(kServiceUser, kServicePassword, kAgentUser, kAgentPassword, kSignInUser,
             kSignInPassword, kBegin, kEnd);
}

QString quoted(const QString& text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return u'"' + escaped + u'"';
}

} // namespace

IdentityEnv::IdentityEnv() : nats(std::make_unique<NatsServer>(accountsConfig()))
{
    database = dataDir.filePath(QStringLiteral("identity.sqlite"));
}

IdentityEnv::~IdentityEnv()
{
    signin.reset();
    internal.reset();
    if (service)
        service->terminate();
}

QString IdentityEnv::serviceLog() const
{
    return service ? service->log() : QString();
}

int IdentityEnv::createAdmin(const QString& id, const QString& password, QString* output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(OPENOPD_IDENTITY_BIN),
                  {QStringLiteral("--create-admin"), id, QStringLiteral("--db"), database,
                   QStringLiteral("--data-dir"), dataDir.path()});
    if (!process.waitForStarted(10000))
        return -1;
    process.write(password.toUtf8() + '\n');
    process.closeWriteChannel();
    const bool finished = process.waitForFinished(60000);
    if (output)
        *output = QString::fromUtf8(process.readAll());
    return finished && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

std::unique_ptr<bus::Connection> IdentityEnv::connect(const QString& user, const QString& password,
                                                      int timeoutMs, bool once)
{
    bus::ConnectionOptions options;
    options.servers = {nats->url()};
    options.user = user;
    options.password = password;
    if (once) {
        options.retryOnFailedConnect = false;
        options.maxReconnect = 0;
    }
    auto connection = std::make_unique<bus::Connection>(options);
    connection->open();
    (void)QTest::qWaitFor(
        [&] {
            const auto state = connection->state();
            return state == bus::Connection::State::Connected ||
                   (once && state == bus::Connection::State::Closed);
        },
        timeoutMs);
    if (connection->state() != bus::Connection::State::Connected)
        return nullptr;
    return connection;
}

std::unique_ptr<bus::Connection> IdentityEnv::connectSignInUser()
{
    return connect(kSignInUser, kSignInPassword);
}

bool IdentityEnv::start(const QStringList& extraArguments)
{
    if (!nats->start()) {
        m_error = nats->errorString();
        return false;
    }
    const QStringList arguments{QStringLiteral("--nats-url"), nats->url(),
                                QStringLiteral("--user"),     kServiceUser,
                                QStringLiteral("--password"), kServicePassword,
                                QStringLiteral("--data-dir"), dataDir.path(),
                                QStringLiteral("--db"),       database};
    service = std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_IDENTITY_BIN),
                                               arguments + extraArguments);
    if (!service->start()) {
        m_error = QStringLiteral("the service did not start:\n") + service->log();
        return false;
    }
    internal = connect(kAgentUser, kAgentPassword);
    signin = connect(kSignInUser, kSignInPassword);
    if (!internal || !signin) {
        m_error = QStringLiteral("a client did not connect:\n") + nats->log();
        return false;
    }
    internal->subscribe("opd.events.staff.>", &m_subscriptions, [this](const bus::Message& m) {
        rawEvents.append(m.data);
        if (auto event = bus::Codec<StaffEvent>::decode(m.data))
            events.append(event.value());
        else
            qWarning().noquote() << "undecodable staff event:" << event.error().toString();
    });
    internal->subscribe(kIdentityChangedSubject, &m_subscriptions,
                        [this](const bus::Message&) { ++changedNotices; });
    // The subscriptions are on the server once a request on the same connection came back.
    return natsUsers().ok();
}

bus::Result<SignedIn> IdentityEnv::signIn(const QString& user, const QString& password)
{
    const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
    if (!keys.isValid())
        return bus::BusError::make(bus::BusError::Kind::DecodeError, QStringLiteral("no key pair"));
    auto reply = call(*signin, kSignIn, SignInRequest{user, password, keys.publicKey});
    if (!reply)
        return reply.error();
    const std::optional<QByteArray> opened = access::openSealed(reply->natsPasswordSealed, keys);
    if (!opened)
        return bus::BusError::make(bus::BusError::Kind::DecodeError,
                                   QStringLiteral("the sealed NATS password does not open"));
    SignedIn session;
    static_cast<SignInReply&>(session) = std::move(reply).value();
    session.natsPassword = QString::fromUtf8(*opened);
    return session;
}

bus::Result<NatsUsersReply> IdentityEnv::natsUsers()
{
    return call(*internal, kNatsUsers, IdentityEmptyRequest{});
}

bool IdentityEnv::syncUsers()
{
    const auto users = natsUsers();
    if (!users) {
        qWarning().noquote() << "nats_users:" << users.error().toString();
        return false;
    }
    QStringList lines;
    for (const NatsUser& user : users->users)
        lines.append(QStringLiteral("      {user: %1, password: %2}")
                         .arg(quoted(user.user), quoted(user.passwordHash)));
    QFile file(nats->configPath());
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QString config = QString::fromUtf8(file.readAll());
    file.close();
    const qsizetype begin = config.indexOf(kBegin);
    const qsizetype end = config.indexOf(kEnd);
    if (begin < 0 || end < begin)
        return false;
    config =
        config.left(begin + kBegin.size()) + u'\n' + lines.join(u'\n') + u'\n' + config.mid(end);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write(config.toUtf8());
    file.close();
    const QString marker = QStringLiteral("Reloaded server configuration");
    const qsizetype reloads = nats->log().count(marker);
    ::kill(static_cast<pid_t>(nats->processId()), SIGHUP);
    if (!QTest::qWaitFor([&] { return nats->log().count(marker) > reloads; }, 10000)) {
        qWarning().noquote() << "nats-server did not reload:\n" << nats->log().right(2000);
        return false;
    }
    return true;
}

std::unique_ptr<bus::Connection> IdentityEnv::connectAs(const SignedIn& session)
{
    return connect(session.natsUser, session.natsPassword);
}

std::unique_ptr<bus::Connection> IdentityEnv::signedIn(const QString& user, const QString& password,
                                                       SignedIn* session)
{
    const auto reply = signIn(user, password);
    if (!reply) {
        qWarning().noquote() << "sign-in of" << user << "failed:" << reply.error().toString();
        return nullptr;
    }
    if (session)
        *session = reply.value();
    if (!syncUsers())
        return nullptr;
    auto connection = connectAs(reply.value());
    if (!connection)
        qWarning().noquote() << "the session of" << user << "did not connect";
    return connection;
}

std::optional<StaffEvent> lastEvent(const QList<StaffEvent>& events, const QByteArray& subject)
{
    const QString type = eventTypeFromSubject(subject);
    for (auto it = events.crbegin(); it != events.crend(); ++it)
        if (it->type == type)
            return *it;
    return std::nullopt;
}

} // namespace openopd::testing::identity
