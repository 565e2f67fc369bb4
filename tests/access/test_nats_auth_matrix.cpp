// The access-matrix acceptance test: a real nats-server runs the configuration that
// openopd-nats-auth generates (accounts SERVICES / STAFF / SIGNIN), one responder per service
// connects as that service's user and answers its own endpoints, one staff session per role
// connects as its principal. For every role and every endpoint subject of the catalog the
// server must deliver the request (with its own Nats-Request-Info header naming the STAFF
// user) exactly when the catalog lists the role, and refuse it otherwise; the same for live
// events; nobody on the staff side may publish events or touch JetStream.

#include "access/sealed_reply.h"
#include "access_test_util.h"
#include "bus/bus_test_util.h"
#include "bus/nats_library.h"
#include "protocol/catalog.h"
#include "protocol/identity_api.h"
#include "support/nats_server.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <csignal>
#include <map>
#include <optional>

using namespace openopd;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;
using bus::BusError;
using protocol::StaffRole;
using testing::NatsServer;
using testing::StaffLogin;

namespace {

// Identity endpoints every signed-in session may call while the catalog does not list any
// under their prefix (then the catalog's roles apply).
QList<QByteArray> sessionFallbacks()
{
    QList<QByteArray> subjects;
    for (const QByteArray& prefix :
         {QByteArray("opd.identity.session."), QByteArray("opd.identity.password.")}) {
        bool listed = false;
        for (const QByteArray& subject : protocol::allEndpointSubjects())
            listed = listed || subject.startsWith(prefix);
        if (!listed)
            subjects.append(prefix + "example");
    }
    return subjects;
}

bus::Result<bus::Message> requestAndWait(bus::Connection& connection, const QByteArray& subject,
                                         const bus::Headers& headers = {})
{
    std::optional<bus::Result<bus::Message>> outcome;
    bus::RequestOptions options;
    options.timeout = 3s;
    options.headers = headers;
    QObject context;
    connection.request(subject, "{}", options, &context,
                       [&](bus::Result<bus::Message> reply) { outcome = std::move(reply); });
    if (!QTest::qWaitFor([&] { return outcome.has_value(); }, 10000))
        return BusError::make(BusError::Kind::Timeout, u"no outcome"_s, subject);
    return *outcome;
}

bool hasPermissionError(const QSignalSpy& spy, const QByteArray& subject)
{
    for (const QList<QVariant>& arguments : spy) {
        const auto error = arguments.at(0).value<BusError>();
        if (error.kind == BusError::Kind::PermissionDenied && error.subject == subject)
            return true;
    }
    return false;
}

QString dump(const QStringList& problems)
{
    return problems.join(u'\n');
}

} // namespace

class TestNatsAuthMatrix : public QObject
{
    Q_OBJECT

private:
    std::optional<bus::NatsLibrary> m_library;
    QTemporaryDir m_dir;
    testing::GeneratedAccounts m_accounts;
    std::unique_ptr<NatsServer> m_server;
    std::map<StaffRole, StaffLogin> m_staff;
    std::map<QString, std::unique_ptr<bus::Connection>> m_services; // by service name
    QObject m_owner;

    bus::ConnectionOptions as(const QString& user, const QString& password) const
    {
        bus::ConnectionOptions options = testing::optionsFor(m_server->url());
        options.user = user;
        options.password = password;
        return options;
    }

    std::unique_ptr<bus::Connection> connectStaff(StaffRole role)
    {
        const StaffLogin& login = m_staff.at(role);
        return testing::connectTo(as(login.user(), login.password));
    }

    // Answers every request with what it saw: the service, the subject, every value of the
    // Nats-Request-Info header. A well-formed sign-in request is answered as identity does:
    // the reception login's user, its password sealed to the request's reply_key.
    void serve(bus::Connection& connection, const QString& service, const QByteArray& subject)
    {
        bus::Connection* bus = &connection;
        if (subject == "opd.identity.signin") {
            const StaffLogin login = m_staff.at(StaffRole::Reception);
            connection.subscribe(subject, &m_owner, [bus, login](const bus::Message& message) {
                const auto request = protocol::SignInRequest::fromJson(
                    QJsonDocument::fromJson(message.data).object());
                if (!request || message.reply.isEmpty())
                    return;
                protocol::SignInReply reply;
                reply.session = {login.principal.sessionId, login.principal.staffId,
                                 login.principal.displayName, login.principal.roles,
                                 QDateTime::currentDateTimeUtc().addSecs(3600)};
                reply.natsUser = login.user();
                reply.natsPasswordSealed =
                    access::sealTo(login.password.toUtf8(), request->replyKey)
                        .value_or(QByteArray());
                bus->publish(message.reply,
                             QJsonDocument(reply.toJson()).toJson(QJsonDocument::Compact));
            });
        }
        connection.subscribe(subject, &m_owner, [bus, service](const bus::Message& message) {
            QJsonArray infos;
            for (const bus::Header& header : message.headers)
                if (header.first.compare(access::kRequestInfoHeader, Qt::CaseInsensitive) == 0)
                    infos.append(QString::fromUtf8(header.second));
            const QJsonObject body{
                {u"service"_s, service},
                {u"subject"_s, QString::fromUtf8(message.subject)},
                {u"info"_s, infos},
                {u"header"_s, QString::fromUtf8(message.header(access::kRequestInfoHeader))}};
            if (message.subject == "opd.identity.signin" &&
                protocol::SignInRequest::fromJson(QJsonDocument::fromJson(message.data).object()))
                return; // answered above
            if (!message.reply.isEmpty())
                bus->publish(message.reply, QJsonDocument(body).toJson(QJsonDocument::Compact));
        });
    }

    // The reply must come from the serving service with exactly one, server-made,
    // Nats-Request-Info naming account and user.
    QString checkReply(const bus::Message& reply, const QByteArray& subject, const QString& account,
                       const QString& user)
    {
        const QJsonObject body = QJsonDocument::fromJson(reply.data).object();
        if (body.value(u"subject"_s).toString() != QString::fromUtf8(subject))
            return u"reply names subject "_s + body.value(u"subject"_s).toString();
        const QJsonArray infos = body.value(u"info"_s).toArray();
        if (infos.size() != 1)
            return u"responder saw %1 Nats-Request-Info headers: %2"_s.arg(infos.size())
                .arg(QString::fromUtf8(QJsonDocument(infos).toJson(QJsonDocument::Compact)));
        const auto info = access::parseRequestInfo(infos.at(0).toString().toUtf8());
        if (!info || info->account != account || info->user != user)
            return u"Nats-Request-Info is "_s + infos.at(0).toString();
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        testing::ignoreSigpipe();
        m_library.emplace();
        QVERIFY(m_dir.isValid());
        QList<natsauth::UserEntry> staff;
        for (StaffRole role : access::accountRoles()) {
            const StaffLogin login = StaffLogin::make(u"test."_s + protocol::toWire(role), {role});
            staff.append(login.entry());
            m_staff.emplace(role, login);
        }
        QVERIFY(m_accounts.write(m_dir.path(), {}, staff));
        // NatsServer writes its config into a sibling temporary directory.
        m_server = std::make_unique<NatsServer>(
            u"include \"../"_s + QFileInfo(m_dir.path()).fileName() + u"/accounts.conf\"\n"_s);
        QVERIFY2(m_server->start(), qPrintable(m_server->errorString()));

        for (const QString& service : natsauth::serviceNames()) {
            if (service == QLatin1StringView(natsauth::kAgentService))
                continue;
            const QString user = access::serviceUserName(service);
            auto connection = testing::connectTo(as(user, m_accounts.servicePasswords.value(user)));
            QVERIFY2(connection, qPrintable(user));
            QSignalSpy errors(connection.get(), &bus::Connection::errorOccurred);
            for (const QByteArray& subject : natsauth::servicePermissions(service).subscribeAllow)
                if (subject.startsWith("opd."))
                    serve(*connection, service, subject);
            if (service == u"registration"_s)
                serve(*connection, service, "$SRV.PING");
            // A round trip to itself: the subscriptions are in place, none was refused.
            const QByteArray ping = "$SRV.PING." + service.toUtf8() + ".self";
            serve(*connection, service, ping);
            const auto self = requestAndWait(*connection, ping);
            QVERIFY2(self.ok(), qPrintable(self.error().toString()));
            QVERIFY2(errors.isEmpty(),
                     qPrintable(errors.value(0).value(0).value<BusError>().toString()));
            m_services.emplace(service, std::move(connection));
        }
    }

    void cleanupTestCase()
    {
        m_services.clear();
        m_server.reset();
    }

    void everyRoleEveryEndpoint()
    {
        QStringList problems;
        int allowedCount = 0;
        int deniedCount = 0;
        for (const auto& [role, login] : m_staff) {
            auto connection = connectStaff(role);
            QVERIFY2(connection, qPrintable(login.user()));
            QList<std::pair<QByteArray, bool>> cases;
            for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
                cases.append({info.subject, info.roles.contains(role)});
            for (const QByteArray& subject : sessionFallbacks())
                cases.append({subject, true});
            cases.append({"opd.identity.signin", false}); // only the SIGNIN user signs in
            cases.append({"$SRV.PING", role == StaffRole::Admin});
            cases.append({"opd.identity.internal.nats_users", false});
            for (const auto& [subject, allowed] : cases) {
                const auto reply = requestAndWait(*connection, subject);
                const QString where =
                    protocol::toWire(role) + u" -> "_s + QString::fromUtf8(subject) + u": "_s;
                if (allowed) {
                    ++allowedCount;
                    if (!reply.ok())
                        problems.append(where + u"refused: "_s + reply.error().toString());
                    else if (subject != "$SRV.PING") {
                        const QString bad =
                            checkReply(*reply, subject, QString::fromLatin1(access::kStaffAccount),
                                       login.user());
                        if (!bad.isEmpty())
                            problems.append(where + bad);
                    }
                } else {
                    ++deniedCount;
                    if (reply.ok() || reply.error().kind != BusError::Kind::PermissionDenied)
                        problems.append(where + u"not refused: "_s +
                                        (reply.ok() ? u"answered"_s : reply.error().toString()));
                }
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(dump(problems)));
        qInfo("%d allowed and %d denied requests as the catalog says", allowedCount, deniedCount);
    }

    void everyRoleEveryEvent()
    {
        QStringList problems;
        for (const auto& [role, login] : m_staff) {
            auto connection = connectStaff(role);
            QVERIFY(connection);
            QSignalSpy errors(connection.get(), &bus::Connection::errorOccurred);
            QObject owner;
            QSet<QByteArray> received;
            for (const protocol::EventInfo& info : protocol::eventCatalog())
                connection->subscribe(
                    info.subject, &owner,
                    [&received](const bus::Message& message) { received.insert(message.subject); });
            QTest::qWait(300);
            QSet<QByteArray> expected;
            for (const protocol::EventInfo& info : protocol::eventCatalog()) {
                if (info.readers.contains(role))
                    expected.insert(info.subject);
                const BusError error = m_services.at(info.producer)->publish(info.subject, "{}");
                QVERIFY2(!error.isError(), qPrintable(error.toString()));
            }
            (void)QTest::qWaitFor([&] { return received.contains(expected); }, 3000);
            QTest::qWait(200);
            for (const protocol::EventInfo& info : protocol::eventCatalog()) {
                const QString where =
                    protocol::toWire(role) + u" <- "_s + QString::fromUtf8(info.subject) + u": "_s;
                const bool reader = info.readers.contains(role);
                if (reader && !received.contains(info.subject))
                    problems.append(where + u"not delivered"_s);
                if (reader && hasPermissionError(errors, info.subject))
                    problems.append(where + u"subscription refused"_s);
                if (!reader && received.contains(info.subject))
                    problems.append(where + u"delivered to a non-reader"_s);
                if (!reader && !hasPermissionError(errors, info.subject))
                    problems.append(where + u"subscription not refused"_s);
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(dump(problems)));
    }

    void staffCannotPublishEventsOrUseJetStream()
    {
        // A doctor reads every event subject it could forge into: it must see none of them.
        auto doctor = connectStaff(StaffRole::Doctor);
        QVERIFY(doctor);
        QObject owner;
        int forgedSeen = 0;
        doctor->subscribe("opd.events.visit.registered", &owner,
                          [&](const bus::Message&) { ++forgedSeen; });
        QStringList problems;
        for (const auto& [role, login] : m_staff) {
            auto connection = connectStaff(role);
            QVERIFY(connection);
            QSignalSpy errors(connection.get(), &bus::Connection::errorOccurred);
            for (const QByteArray& subject :
                 protocol::allEventSubjects() + QList<QByteArray>{"opd.events.anything"})
                connection->publish(subject, "{}");
            for (const QByteArray& subject :
                 {QByteArray("$JS.API.STREAM.DELETE.OPD_EVENTS"), QByteArray("$JS.API.INFO"),
                  QByteArray("$JS.API.STREAM.PURGE.OPD_EVENTS")}) {
                const auto reply = requestAndWait(*connection, subject);
                if (reply.ok() || reply.error().kind != BusError::Kind::PermissionDenied)
                    problems.append(protocol::toWire(role) + u" may use "_s +
                                    QString::fromUtf8(subject));
            }
            (void)QTest::qWaitFor(
                [&] { return errors.size() >= protocol::eventCatalog().size() + 1; }, 3000);
            for (const QByteArray& subject : protocol::allEventSubjects())
                if (!hasPermissionError(errors, subject))
                    problems.append(protocol::toWire(role) + u" may publish "_s +
                                    QString::fromUtf8(subject));
        }
        QTest::qWait(200);
        QCOMPARE(forgedSeen, 0);
        QVERIFY2(problems.isEmpty(), qPrintable(dump(problems)));
    }

    void forgedRequestInfoIsReplaced()
    {
        const StaffLogin& reception = m_staff.at(StaffRole::Reception);
        auto connection = connectStaff(StaffRole::Reception);
        QVERIFY(connection);
        const QByteArray subject = protocol::endpointCatalog().first().subject;
        const QByteArray forged = R"({"acc":"SERVICES","user":"svc.audit","server":"x","rtt":1})";
        const auto reply =
            requestAndWait(*connection, subject, {{access::kRequestInfoHeader, forged}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const QString bad = checkReply(*reply, subject, QString::fromLatin1(access::kStaffAccount),
                                       reception.user());
        QVERIFY2(bad.isEmpty(), qPrintable(bad));
    }

    // nats-server replaces a header spelled exactly "Nats-Request-Info" but passes one in
    // another letter case through (nats-server 2.9.10). The server's own, exactly spelled,
    // comes after it: bus::Message::header() (exact name first) still returns the server's.
    void forgedRequestInfoInOtherCaseDoesNotWin()
    {
        const StaffLogin& reception = m_staff.at(StaffRole::Reception);
        auto connection = connectStaff(StaffRole::Reception);
        QVERIFY(connection);
        const QByteArray subject = protocol::endpointCatalog().first().subject;
        const QByteArray forged = R"({"acc":"SERVICES","user":"svc.audit"})";
        const auto reply = requestAndWait(*connection, subject, {{"nats-request-info", forged}});
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const QJsonObject body = QJsonDocument::fromJson(reply->data).object();
        qInfo("values seen: %s", QJsonDocument(body.value(u"info"_s).toArray())
                                     .toJson(QJsonDocument::Compact)
                                     .constData());
        const auto info = access::parseRequestInfo(body.value(u"header"_s).toString().toUtf8());
        QVERIFY(info);
        QCOMPARE(info->account, QString::fromLatin1(access::kStaffAccount));
        QCOMPARE(info->user, reception.user());
    }

    void signInUserReachesOnlySignIn()
    {
        auto signIn = testing::connectTo(as(QString::fromLatin1(natsauth::kSignInUser),
                                            QString::fromLatin1(natsauth::kSignInPassword)));
        QVERIFY(signIn);
        const auto reply = requestAndWait(*signIn, "opd.identity.signin");
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const QString bad =
            checkReply(*reply, "opd.identity.signin", QString::fromLatin1(access::kSignInAccount),
                       QString::fromLatin1(natsauth::kSignInUser));
        QVERIFY2(bad.isEmpty(), qPrintable(bad));

        QStringList problems;
        QList<QByteArray> others = protocol::allEndpointSubjects() + sessionFallbacks();
        others.removeAll("opd.identity.signin");
        others += QList<QByteArray>{"$SRV.PING", "opd.identity.internal.nats_users",
                                    "opd.identity.session.renew", "$JS.API.INFO"};
        for (const QByteArray& subject : others) {
            const auto denied = requestAndWait(*signIn, subject);
            if (denied.ok() || denied.error().kind != BusError::Kind::PermissionDenied)
                problems.append(QString::fromUtf8(subject));
        }
        QSignalSpy errors(signIn.get(), &bus::Connection::errorOccurred);
        QObject owner;
        signIn->subscribe("opd.events.>", &owner, [](const bus::Message&) {});
        QVERIFY(QTest::qWaitFor([&] { return hasPermissionError(errors, "opd.events.>"); }, 3000));
        QVERIFY2(problems.isEmpty(), qPrintable(u"signin may call: "_s + dump(problems)));
    }

    // Replies go to _INBOX subjects of the account, and every SIGNIN client may subscribe to
    // _INBOX.>, so one public client sees another's sign-in reply. The password in it is
    // sealed to the requester's one-time reply_key (docs/security.md): the onlooker cannot
    // open it and cannot connect with anything it saw; the requester can.
    void signInRepliesAreSealedFromOtherSignInClients()
    {
        const QString user = QString::fromLatin1(natsauth::kSignInUser);
        const QString password = QString::fromLatin1(natsauth::kSignInPassword);
        const StaffLogin& reception = m_staff.at(StaffRole::Reception);
        auto desk = testing::connectTo(as(user, password));
        auto snoop = testing::connectTo(as(user, password));
        QVERIFY(desk && snoop);
        QObject owner;
        QList<QByteArray> sniffed;
        snoop->subscribe("_INBOX.>", &owner,
                         [&](const bus::Message& message) { sniffed.append(message.data); });
        QTest::qWait(200);

        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        QVERIFY(keys.isValid());
        const protocol::SignInRequest request{reception.principal.staffId, u"any"_s,
                                              keys.publicKey};
        std::optional<bus::Result<bus::Message>> outcome;
        bus::RequestOptions options;
        options.timeout = 3s;
        desk->request("opd.identity.signin",
                      QJsonDocument(request.toJson()).toJson(QJsonDocument::Compact), options,
                      &owner, [&](bus::Result<bus::Message> reply) { outcome = std::move(reply); });
        QVERIFY(QTest::qWaitFor([&] { return outcome.has_value(); }, 10000));
        QVERIFY2(outcome->ok(), qPrintable(outcome->error().toString()));
        const auto reply =
            protocol::SignInReply::fromJson(QJsonDocument::fromJson((*outcome)->data).object());
        QVERIFY2(reply.ok(), qPrintable(reply.error().toString()));
        const auto opened = access::openSealed(reply->natsPasswordSealed, keys);
        QVERIFY(opened);
        QCOMPARE(QString::fromUtf8(*opened), reception.password);

        // The onlooker sees the reply, but not the password.
        QVERIFY(QTest::qWaitFor([&] { return sniffed.contains((*outcome)->data); }, 3000));
        const QByteArray seen = (*outcome)->data;
        QVERIFY(!seen.contains(reception.password.toUtf8()));
        const QJsonObject json = QJsonDocument::fromJson(seen).object();
        QVERIFY(!json.contains(u"nats_password"_s));
        const access::ReplyKeyPair snoopKeys = access::ReplyKeyPair::generate();
        QVERIFY(!access::openSealed(reply->natsPasswordSealed, snoopKeys));
        // Nothing it saw is the session's password.
        QStringList candidates{QString::fromLatin1(reply->natsPasswordSealed),
                               QString::fromLatin1(reply->natsPasswordSealed.toBase64())};
        for (const QJsonValue& value : json)
            if (value.isString())
                candidates.append(value.toString());
        for (const QJsonValue& value : json.value(u"session"_s).toObject())
            if (value.isString())
                candidates.append(value.toString());
        for (const QString& candidate : std::as_const(candidates)) {
            bus::ConnectionOptions refused = as(reply->natsUser, candidate);
            refused.retryOnFailedConnect = false;
            refused.maxReconnect = 0;
            QVERIFY2(!testing::connectTo(refused, 1500), qPrintable(candidate));
        }
        // The requester, holding the secret key, connects as the session.
        QVERIFY(testing::connectTo(as(reply->natsUser, QString::fromUtf8(*opened))));
    }

    void servicesStayInTheirLane()
    {
        QStringList problems;
        for (const auto& [service, connection] : m_services) {
            QSignalSpy errors(connection.get(), &bus::Connection::errorOccurred);
            QObject owner;
            QList<QByteArray> forbiddenPublish;
            for (const protocol::EventInfo& info : protocol::eventCatalog())
                if (info.producer != service && forbiddenPublish.size() < 3)
                    forbiddenPublish.append(info.subject);
            forbiddenPublish.append("$JS.API.STREAM.DELETE.OPD_EVENTS");
            forbiddenPublish.append("opd.identity.internal.nats_users");
            for (const QByteArray& subject : forbiddenPublish)
                connection->publish(subject, "{}");
            QList<QByteArray> forbiddenSubscribe{"opd.events.>", "_R_.>"};
            for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
                if (info.service != service && forbiddenSubscribe.size() < 5)
                    forbiddenSubscribe.append(info.subject);
            for (const QByteArray& subject : forbiddenSubscribe)
                connection->subscribe(subject, &owner, [](const bus::Message&) {});
            (void)QTest::qWaitFor(
                [&] {
                    return errors.size() >= forbiddenPublish.size() + forbiddenSubscribe.size();
                },
                3000);
            for (const QByteArray& subject : forbiddenPublish + forbiddenSubscribe)
                if (!hasPermissionError(errors, subject))
                    problems.append(service + u" may use "_s + QString::fromUtf8(subject));
        }
        QVERIFY2(problems.isEmpty(), qPrintable(dump(problems)));
    }

    void wrongPasswordsAreRefused()
    {
        const StaffLogin& doctor = m_staff.at(StaffRole::Doctor);
        bus::ConnectionOptions options = as(doctor.user(), u"wrong"_s);
        options.retryOnFailedConnect = false;
        options.maxReconnect = 0;
        QVERIFY(!testing::connectTo(options, 1500));
        options = as(u"svc.registration"_s, doctor.password);
        options.retryOnFailedConnect = false;
        options.maxReconnect = 0;
        QVERIFY(!testing::connectTo(options, 1500));
    }

    // Every sign-in reloads the server's configuration. A reload forgets which replies a
    // user may still send under allow_responses, so a service answering a request that
    // arrived before the reload was refused ("Publish Violation ... _R_...") and the caller
    // timed out. Service users may therefore publish on _R_.> explicitly.
    void aReplyInFlightDuringAReloadIsDelivered()
    {
        m_services.erase(u"discharge"_s); // this test answers discharge's subjects itself
        const QString user = access::serviceUserName(u"discharge"_s);
        auto service = testing::connectTo(as(user, m_accounts.servicePasswords.value(user)));
        QVERIFY(service);
        QSignalSpy serviceErrors(service.get(), &bus::Connection::errorOccurred);
        const QByteArray subject = "opd.discharge.release.pending";
        std::optional<bus::Message> received;
        service->subscribe(subject, &m_owner,
                           [&received](const bus::Message& message) { received = message; });
        auto doctor = connectStaff(StaffRole::Doctor);
        QVERIFY(doctor);
        QTest::qWait(100); // the subscription reaches the server

        std::optional<bus::Result<bus::Message>> answer;
        bus::RequestOptions options;
        options.timeout = std::chrono::milliseconds(8000);
        doctor->request(subject, "{}", options, &m_owner,
                        [&answer](bus::Result<bus::Message> reply) { answer = std::move(reply); });
        QTRY_VERIFY_WITH_TIMEOUT(received.has_value(), 5000);

        const qsizetype logBefore = m_server->log().size();
        QCOMPARE(::kill(static_cast<pid_t>(m_server->processId()), SIGHUP), 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_server->log().indexOf(u"Reloaded server configuration"_s, logBefore) >= 0, 5000);
        service->publish(received->reply, R"({"answered":"after the reload"})");

        QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
        QVERIFY2(answer->ok(), qPrintable(answer->error().toString()));
        QCOMPARE(answer->value().data, QByteArray(R"({"answered":"after the reload"})"));
        QVERIFY2(serviceErrors.isEmpty(),
                 qPrintable(serviceErrors.value(0).value(0).value<BusError>().toString()));
    }
};

QTEST_GUILESS_MAIN(TestNatsAuthMatrix)
#include "test_nats_auth_matrix.moc"
