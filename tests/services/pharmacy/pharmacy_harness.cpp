#include "pharmacy_harness.h"

#include "service/jetstream_probe.h"

namespace openopd::testing {

PharmacyHarness::~PharmacyHarness()
{
    stop();
}

bool PharmacyHarness::start(const QString& backend, const QStringList& extra)
{
    // A fresh nats-server (stream, consumers, events) per start; PostgreSQL is kept.
    if (m_service)
        m_service->terminate();
    m_service.reset();
    m_subscriber.reset();
    m_client.reset();
    m_nats.reset();
    m_events.clear();
    {
        m_nats = std::make_unique<NatsServer>();
        if (!m_nats->start()) {
            m_error = m_nats->errorString();
            return false;
        }
        bus::ConnectionOptions options;
        options.servers = {m_nats->url()};
        m_client = std::make_unique<bus::Connection>(options);
        m_client->open();
        if (!QTest::qWaitFor([&] { return m_client->state() == bus::Connection::State::Connected; },
                             10000)) {
            m_error = QStringLiteral("the client did not connect");
            return false;
        }
        m_subscriber = std::make_unique<QObject>();
        bus::SubscriptionOptions subscription;
        subscription.capacity = 100000;
        bus::subscribe(
            *m_client, protocol::kAnyEvent, m_subscriber.get(),
            [this](const protocol::AnyEvent& event) { m_events.append(event); }, subscription);
    }
    m_dataDir = std::make_unique<QTemporaryDir>();
    m_baseArguments = {QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"),
                       m_nats->url(), QStringLiteral("--data-dir"), m_dataDir->path()};
    if (backend == QStringLiteral("postgres")) {
        if (!m_postgres) {
            m_postgres = std::make_unique<PostgresServer>();
            if (!m_postgres->start()) {
                m_error = m_postgres->errorString();
                return false;
            }
        }
        const QString name = QStringLiteral("pharmacy_%1").arg(++m_databases);
        if (!m_postgres->createDatabase(name)) {
            m_error = m_postgres->errorString();
            return false;
        }
        m_baseArguments << QStringLiteral("--db") << m_postgres->connectionUrl(name);
    }
    return startService(extra);
}

bool PharmacyHarness::restartService(const QStringList& extra)
{
    if (m_service && m_service->terminate() != 0) {
        m_error = QStringLiteral("the service did not stop cleanly");
        return false;
    }
    return startService(extra);
}

bool PharmacyHarness::startService(const QStringList& extra)
{
    m_service =
        std::make_unique<ServiceProcess>(QStringLiteral(OPENOPD_PHARMACY_BIN), m_baseArguments);
    if (!m_service->start(extra)) {
        m_error = QStringLiteral("the service did not start:\n") + m_service->log();
        return false;
    }
    return true;
}

void PharmacyHarness::stop()
{
    if (m_service)
        m_service->terminate();
    m_service.reset();
    m_subscriber.reset();
    m_client.reset();
    m_nats.reset();
    m_postgres.reset();
}

bus::Result<QByteArray> PharmacyHarness::callRaw(const QByteArray& subject, const QByteArray& body)
{
    const bus::Endpoint<QByteArray, QByteArray> endpoint{subject.constData()};
    return call(endpoint, body);
}

bool PharmacyHarness::waitConsumerIdle(const QByteArray& durable, int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            const QJsonObject info =
                jetStreamQuery(*m_client, "CONSUMER.INFO.OPD_EVENTS." + durable);
            return !info.isEmpty() &&
                   info.value(QStringLiteral("num_pending")).toInteger(-1) == 0 &&
                   info.value(QStringLiteral("num_ack_pending")).toInteger(-1) == 0;
        },
        timeoutMs);
}

qint64 PharmacyHarness::stored(const QString& subject)
{
    return streamCount(*m_client, QStringLiteral("OPD_EVENTS"), subject);
}

protocol::StaffRef doctor()
{
    return {QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"),
            protocol::StaffRole::Doctor};
}

protocol::StaffRef pharmacist()
{
    return {QStringLiteral("pharm.okafor"), QStringLiteral("Chidi Okafor"),
            protocol::StaffRole::Pharmacist};
}

protocol::StaffRef labTechnician()
{
    return {QStringLiteral("lab.tan"), QStringLiteral("Mei Tan"),
            protocol::StaffRole::LabTechnician};
}

protocol::PrescriptionLine prescriptionLine(const QString& drugCode, const QString& drugName,
                                            int quantity)
{
    protocol::PrescriptionLine line;
    line.drugCode = drugCode;
    line.drugName = drugName;
    line.dose = QStringLiteral("1 tablet");
    line.route = QStringLiteral("oral");
    line.frequency = QStringLiteral("3 times a day");
    line.durationDays = 5;
    line.quantity = quantity;
    return line;
}

protocol::LabOrderLine labOrderLine(const QString& testCode, const QString& testName, bool urgent)
{
    protocol::LabOrderLine line;
    line.testCode = testCode;
    line.testName = testName;
    line.specimen = QStringLiteral("blood (EDTA)");
    line.urgent = urgent;
    return line;
}

protocol::Consultation consultation(const QList<protocol::PrescriptionLine>& prescriptions,
                                    const QList<protocol::LabOrderLine>& labOrders)
{
    protocol::Consultation c;
    c.id = protocol::newId();
    c.visitId = protocol::newId();
    c.patientId = protocol::newId();
    c.patientName = QStringLiteral("Zoë Ångström-Nkosi");
    c.doctor = doctor();
    c.savedAt = protocol::nowUtc();
    c.content.complaint = QStringLiteral("Fever and sore throat for 3 days");
    c.content.diagnoses = {{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
    c.content.prescriptions = prescriptions;
    c.content.labOrders = labOrders;
    c.content.disposition =
        prescriptions.isEmpty() ? protocol::Disposition::ToLab : protocol::Disposition::ToPharmacy;
    return c;
}

protocol::ReceiveStockRequest receipt(const QString& drugCode, const QString& batch, QDate expiry,
                                      int quantity, std::optional<int> reorderLevel)
{
    protocol::ReceiveStockRequest r;
    r.staff = pharmacist();
    r.drugCode = drugCode;
    r.drugName = drugCode + QStringLiteral(" test drug 10 mg tablet");
    r.unit = QStringLiteral("tablet");
    r.batch = batch;
    r.expiry = expiry;
    r.quantity = quantity;
    r.reorderLevel = reorderLevel;
    return r;
}

} // namespace openopd::testing
