#include "registration_fixture.h"

#include <QJsonDocument>
#include <csignal>

namespace openopd::testing {

RegistrationFixture::RegistrationFixture()
{
    std::signal(SIGPIPE, SIG_IGN);
    m_library.emplace();
}

RegistrationFixture::~RegistrationFixture()
{
    m_service.reset();
    m_client.reset();
    m_nats.reset();
}

QString RegistrationFixture::sqliteFile() const
{
    return m_dataDir->filePath(QStringLiteral("registration.sqlite"));
}

QStringList RegistrationFixture::arguments() const
{
    QStringList args{QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"),
                     m_nats->url(), QStringLiteral("--data-dir"), m_dataDir->path()};
    args << QStringLiteral("--db") << (m_db.isEmpty() ? sqliteFile() : m_db);
    return args;
}

bool RegistrationFixture::start(const QStringList& serviceArgs, const QString& db)
{
    if (!m_nats) {
        m_nats = std::make_unique<NatsServer>();
        if (!m_nats->start()) {
            m_error = m_nats->errorString();
            return false;
        }
        bus::ConnectionOptions options;
        options.servers = {m_nats->url()};
        m_client = std::make_unique<bus::Connection>(options);
        m_client->open();
        if (!QTest::qWaitFor(
                [this] { return m_client->state() == bus::Connection::State::Connected; }, 10000)) {
            m_error = QStringLiteral("the client did not connect");
            return false;
        }
    }
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_db = db;
    m_service =
        std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_REGISTRATION_BIN), arguments());
    if (!m_service->start(serviceArgs, 120000)) {
        m_error = QStringLiteral("the service did not start:\n") + m_service->log();
        return false;
    }
    return true;
}

std::unique_ptr<ServiceProcess>
RegistrationFixture::startAnotherInstance(const QStringList& serviceArgs)
{
    auto process =
        std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_REGISTRATION_BIN), arguments());
    if (!process->start(serviceArgs, 60000)) {
        m_error = QStringLiteral("the second instance did not start:\n") + process->log();
        return nullptr;
    }
    return process;
}

bool RegistrationFixture::restart(const QStringList& serviceArgs)
{
    if (m_service->terminate() != 0) {
        m_error = QStringLiteral("the service did not stop cleanly:\n") + m_service->log();
        return false;
    }
    if (!m_service->start(serviceArgs, 180000)) {
        m_error = QStringLiteral("the service did not restart:\n") + m_service->log();
        return false;
    }
    return true;
}

void RegistrationFixture::stopService()
{
    if (m_service)
        m_service->terminate();
}

bus::Result<QJsonObject> RegistrationFixture::callRaw(const QByteArray& subject,
                                                      const QByteArray& body)
{
    const bus::Endpoint<QByteArray, QJsonObject> endpoint{subject.constData()};
    return call(endpoint, body);
}

qint64 RegistrationFixture::stored(const QString& subject)
{
    return streamCount(*m_client, QStringLiteral("OPD_EVENTS"), subject);
}

QList<QJsonObject> RegistrationFixture::storedEvents(const QString& subject)
{
    QList<QJsonObject> events;
    qint64 seq = 1;
    const qint64 count = stored(subject); // asking past the last one would log a warning
    while (events.size() < count) {
        const QJsonObject reply = jetStreamQuery(
            *m_client, "STREAM.MSG.GET.OPD_EVENTS",
            {{QStringLiteral("seq"), seq}, {QStringLiteral("next_by_subj"), subject}});
        const QJsonObject message = reply.value(QStringLiteral("message")).toObject();
        if (message.isEmpty())
            break; // an error, which the test's counts will show
        const QByteArray data =
            QByteArray::fromBase64(message.value(QStringLiteral("data")).toString().toLatin1());
        events.append(QJsonDocument::fromJson(data).object());
        seq = message.value(QStringLiteral("seq")).toInteger() + 1;
    }
    return events;
}

protocol::StaffRef receptionist()
{
    return {QStringLiteral("reception1"), QStringLiteral("Grace Mensah"),
            protocol::StaffRole::Reception};
}

protocol::StaffRef doctor()
{
    return {QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"),
            protocol::StaffRole::Doctor};
}

protocol::PatientDetails person(const QString& name, const QDate& born, const QString& nationalId,
                                const QString& phone)
{
    protocol::PatientDetails details;
    details.fullName = name;
    details.dateOfBirth = born;
    details.sex = protocol::Sex::Unknown;
    details.nationalId = nationalId;
    details.phone = phone;
    return details;
}

protocol::CreatePatientRequest createRequest(const protocol::PatientDetails& details,
                                             bool confirmDuplicate)
{
    protocol::CreatePatientRequest request;
    request.staff = receptionist();
    request.patient = details;
    request.confirmDuplicate = confirmDuplicate;
    return request;
}

protocol::OpenVisitRequest openRequest(const QString& patientId, const QString& queue,
                                       protocol::Priority priority)
{
    protocol::OpenVisitRequest request;
    request.staff = receptionist();
    request.patientId = patientId;
    request.queue = queue;
    request.priority = priority;
    return request;
}

} // namespace openopd::testing
