#include "consultation_harness.h"

namespace openopd::testing {

using namespace openopd::protocol;

bus::Result<QJsonObject> callRaw(bus::Connection& connection, const QByteArray& subject,
                                 const QByteArray& body, int timeoutMs)
{
    std::optional<bus::Result<QJsonObject>> reply;
    QObject context;
    bus::RequestOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    connection.request(subject, body, options, &context, [&reply](bus::Result<bus::Message> m) {
        reply = bus::decodeReply<QJsonObject>(std::move(m));
    });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, timeoutMs + 2000))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("no reply"));
    return *reply;
}

std::unique_ptr<bus::Connection> connectClient(const QString& url)
{
    bus::ConnectionOptions options;
    options.servers = {url};
    auto connection = std::make_unique<bus::Connection>(options);
    connection->open();
    if (!QTest::qWaitFor([&] { return connection->state() == bus::Connection::State::Connected; },
                         10000))
        return nullptr;
    return connection;
}

QStringList ConsultationEnvironment::serviceArguments(const QString& directory) const
{
    return {QStringLiteral("--insecure-no-auth"), QStringLiteral("--nats-url"), nats.url(),
            QStringLiteral("--data-dir"), directory};
}

bool ConsultationEnvironment::start(const QStringList& extraArguments)
{
    if (!nats.start()) {
        m_error = nats.errorString();
        return false;
    }
    service = std::make_unique<ServiceProcess>(QString::fromUtf8(kConsultationBin),
                                               serviceArguments(dataDir.path()) + extraArguments);
    if (!service->start()) {
        m_error = QStringLiteral("the service did not start:\n") + service->log();
        return false;
    }
    client = connectClient(nats.url());
    if (!client) {
        m_error = QStringLiteral("the client did not connect");
        return false;
    }
    return true;
}

StaffRef reception()
{
    return {QStringLiteral("reception1"), QStringLiteral("Grace Mensah"), StaffRole::Reception};
}

StaffRef doctor(const QString& id)
{
    return {id, QStringLiteral("Dr ") + id, StaffRole::Doctor};
}

StaffRef labTechnician()
{
    return {QStringLiteral("lab.tan"), QStringLiteral("Mei Tan"), StaffRole::LabTechnician};
}

Visit makeVisit(int token, Priority priority, const QString& queue, QDate day,
                const QString& patientId)
{
    Visit visit;
    visit.id = newId();
    visit.patientId = patientId.isEmpty() ? newId() : patientId;
    visit.patientName = QStringLiteral("Patient %1 Ångström").arg(token);
    visit.queue = queue;
    visit.day = day.isValid() ? day : QDate::currentDate();
    visit.token = token;
    visit.priority = priority;
    visit.state = VisitState::Registered;
    visit.complaint = QStringLiteral("Complaint of patient %1").arg(token);
    visit.history = {{VisitState::Registered, nowUtc(), reception(), {}}};
    return visit;
}

EventEnvelope<Visit> registeredEvent(const Visit& visit)
{
    return makeEvent(kVisitRegistered, visit, reception());
}

EventEnvelope<VisitStatusChange>
closedEvent(const bus::Event<EventEnvelope<VisitStatusChange>>& event, const Visit& visit,
            VisitState state)
{
    VisitStatusChange change;
    change.visitId = visit.id;
    change.patientId = visit.patientId;
    change.queue = visit.queue;
    change.day = visit.day;
    change.token = visit.token;
    change.state = state;
    change.at = nowUtc();
    change.reason = QStringLiteral("Registered in the wrong queue");
    return makeEvent(event, change, reception());
}

ConsultationContent fullContent()
{
    ConsultationContent content;
    Vitals vitals;
    vitals.temperatureC = 38.4;
    vitals.pulseBpm = 96;
    vitals.systolicMmHg = 128;
    vitals.diastolicMmHg = 82;
    vitals.spo2Percent = 98;
    vitals.weightKg = 64.5;
    content.vitals = vitals;
    content.diagnoses = {{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")},
                         {QStringLiteral("Fever"), {}}};
    content.notes = QStringLiteral("Tonsils enlarged with exudate. No rash.");
    PrescriptionLine paracetamol;
    paracetamol.drugCode = QStringLiteral("PARA500");
    paracetamol.drugName = QStringLiteral("Paracetamol 500 mg tablet");
    paracetamol.dose = QStringLiteral("1 g");
    paracetamol.route = QStringLiteral("oral");
    paracetamol.frequency = QStringLiteral("every 6 hours as needed");
    paracetamol.durationDays = 3;
    paracetamol.quantity = 24;
    PrescriptionLine amoxicillin;
    amoxicillin.drugCode = QStringLiteral("AMOX500");
    amoxicillin.drugName = QStringLiteral("Amoxicillin 500 mg capsule");
    amoxicillin.dose = QStringLiteral("500 mg");
    amoxicillin.frequency = QStringLiteral("3 times a day");
    amoxicillin.durationDays = 5;
    amoxicillin.quantity = 15;
    content.prescriptions = {paracetamol, amoxicillin};
    LabOrderLine fbc;
    fbc.testCode = QStringLiteral("FBC");
    fbc.testName = QStringLiteral("Full blood count");
    fbc.specimen = QStringLiteral("blood (EDTA)");
    fbc.urgent = true;
    content.labOrders = {fbc};
    content.disposition = Disposition::ToPharmacy;
    return content;
}

LabResult labResult(const Consultation& consultation, int line)
{
    LabResult result;
    result.orderId = newId();
    result.consultationId = consultation.id;
    result.line = line;
    result.visitId = consultation.visitId;
    result.patientId = consultation.patientId;
    const LabOrderLine& order = consultation.content.labOrders.at(line - 1);
    result.testCode = order.testCode;
    result.testName = order.testName;
    result.entry.value = QStringLiteral("WBC 13.2");
    result.entry.unit = QStringLiteral("10^9/L");
    result.entry.referenceRange = QStringLiteral("4.0-11.0");
    result.entry.flag = LabFlag::Abnormal;
    result.resultedAt = nowUtc();
    result.resultedBy = labTechnician();
    return result;
}

QList<QueueEntry> queueOf(bus::Connection& connection, const QString& queue, bool includeCalled)
{
    DoctorQueueRequest request;
    request.queue = queue;
    request.includeCalled = includeCalled;
    const auto reply = call(connection, kDoctorQueue, request);
    if (!reply) {
        qWarning().noquote() << "queue list failed:" << reply.error().toString();
        return {};
    }
    return reply->entries;
}

QStringList visitIds(const QList<QueueEntry>& entries)
{
    QStringList ids;
    for (const QueueEntry& entry : entries)
        ids.append(entry.visitId);
    return ids;
}

} // namespace openopd::testing
