// opd-demo-visits: a morning in progress for a demo clinic, so that every workspace has
// something to show (scripts/screenshots.sh; anyone trying the demo). It signs in as the
// identity service's demo staff and, through the services' own endpoints, opens visits for
// demo patients and moves some of them along: waiting, called, to the pharmacy, to the lab,
// ready for release. A command-line tool: it waits for each answer (no GUI thread here).
//
// Usage: opd-demo-visits [--server URL] [--password PASSWORD]
// Refuses to run unless the clinic has the demo staff (a real clinic has no "dr.silva" with
// the demo password, so sign-in fails and nothing is written).

#include "bus/typed.h"
#include "core/sign_in_attempt.h"
#include "protocol/consultation_api.h"
#include "protocol/endpoints.h"
#include "protocol/lab_api.h"
#include "protocol/pharmacy_api.h"
#include "protocol/registration_api.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>
#include <cstdio>
#include <map>
#include <optional>

using namespace openopd;
namespace p = openopd::protocol;

namespace {

[[noreturn]] void die(const QString& why)
{
    std::fprintf(stderr, "opd-demo-visits: %s\n", qPrintable(why));
    std::exit(1);
}

struct Member
{
    std::unique_ptr<bus::Connection> connection;
    p::StaffRef staff;
};

Member signIn(const QString& server, const QString& user, const QString& password,
              p::StaffRole role)
{
    app::ConnectionProfile profile;
    profile.name = QStringLiteral("demo");
    profile.servers = {server};
    app::SignInAttempt attempt(profile, user, password);
    QEventLoop loop;
    QString failure;
    QObject::connect(&attempt, &app::SignInAttempt::succeeded, &loop, &QEventLoop::quit);
    QObject::connect(&attempt, &app::SignInAttempt::failed, &loop,
                     [&](const app::SignInFailure& f) {
                         failure = f.message + u' ' + f.detail;
                         loop.quit();
                     });
    attempt.start();
    loop.exec();
    if (!failure.isEmpty())
        die(QStringLiteral("sign-in as %1 failed: %2").arg(user, failure));
    const p::StaffSession& session = attempt.reply().session;
    return {attempt.takeConnection(), {session.staffId, session.displayName, role}};
}

template <class Req, class Rep>
bus::Result<Rep> tryCall(Member& member, const bus::Endpoint<Req, Rep>& endpoint,
                         const Req& request)
{
    std::optional<bus::Result<Rep>> reply;
    QEventLoop loop;
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    bus::request(*member.connection, endpoint, request, &loop, [&](bus::Result<Rep> r) {
        reply = std::move(r);
        loop.quit();
    });
    loop.exec();
    if (!reply)
        die(QStringLiteral("%1: no answer in 20 s")
                .arg(QString::fromLatin1(endpoint.subjectBytes())));
    return std::move(*reply);
}

template <class Req, class Rep>
Rep call(Member& member, const bus::Endpoint<Req, Rep>& endpoint, const Req& request)
{
    bus::Result<Rep> reply = tryCall(member, endpoint, request);
    if (!reply.ok())
        die(QStringLiteral("%1: %2").arg(QString::fromLatin1(endpoint.subjectBytes()),
                                         reply.error().toString()));
    return std::move(reply).value();
}

p::PrescriptionLine drug(const char* code, const char* name, const char* dose,
                         const char* frequency, int days, int quantity)
{
    p::PrescriptionLine line;
    line.drugCode = QString::fromLatin1(code);
    line.drugName = QString::fromLatin1(name);
    line.dose = QString::fromLatin1(dose);
    line.route = QStringLiteral("oral");
    line.frequency = QString::fromLatin1(frequency);
    line.durationDays = days;
    line.quantity = quantity;
    return line;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Opens and advances demo visits in a demo clinic (demo staff only)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("server"), QStringLiteral("NATS URL."), QStringLiteral("url"),
                      QStringLiteral("nats://127.0.0.1:4222")});
    parser.addOption({QStringLiteral("password"), QStringLiteral("The demo staff's password."),
                      QStringLiteral("password"), QStringLiteral("demo-password")});
    parser.process(app);
    const QString server = parser.value(QStringLiteral("server"));
    const QString password = parser.value(QStringLiteral("password"));

    Member reception =
        signIn(server, QStringLiteral("reception"), password, p::StaffRole::Reception);
    Member doctor = signIn(server, QStringLiteral("dr.silva"), password, p::StaffRole::Doctor);
    Member pharmacist =
        signIn(server, QStringLiteral("pharma"), password, p::StaffRole::Pharmacist);

    // Demo patients by name: the registration service's demo data.
    p::SearchPatientsRequest search;
    search.query = QStringLiteral("a");
    search.limit = 40;
    const QList<p::Patient> patients = call(reception, p::kSearchPatients, search).patients;

    const char* complaints[] = {"Fever and sore throat for 3 days",
                                "Cough for a week",
                                "Headache since yesterday",
                                "Abdominal pain",
                                "Follow-up: blood pressure",
                                "Rash on both arms",
                                "Diarrhoea for 2 days",
                                "Back pain",
                                "Ear ache"};
    QList<p::Visit> visits;
    for (const p::Patient& patient : patients) {
        if (visits.size() == 9)
            break;
        const auto i = static_cast<std::size_t>(visits.size());
        p::OpenVisitRequest open;
        open.staff = reception.staff;
        open.patientId = patient.id;
        open.queue = QStringLiteral("general");
        open.priority = i == 7 ? p::Priority::Urgent : p::Priority::Normal;
        open.complaint = QString::fromLatin1(complaints[i]);
        auto reply = tryCall(reception, p::kOpenVisit, open);
        // 409: the patient already has an open visit today (one opened at the desk).
        if (!reply.ok() && reply.error().code == 409)
            continue;
        if (!reply.ok())
            die(QStringLiteral("opening a visit: ") + reply.error().toString());
        visits.append(reply.value().visit);
    }
    if (visits.size() < 9)
        die(QStringLiteral("only %1 demo patients could get a visit; is this a demo clinic?")
                .arg(visits.size()));
    std::printf("opened %lld visits\n", static_cast<long long>(visits.size()));

    // The doctor sees the first four in the queue (the desk's visits come first): two to the
    // pharmacy, one to the lab, one released. Each consultation records its own complaint,
    // so that it matches its diagnosis whichever patient is called.
    std::map<int, p::ConsultationContent> consultations;
    {
        p::ConsultationContent c;
        c.diagnoses = {{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
        c.prescriptions = {
            drug("PARA500", "Paracetamol 500 mg tablet", "1 g", "every 6 hours", 3, 24),
            drug("AMOX500", "Amoxicillin 500 mg capsule", "500 mg", "3 times a day", 5, 15)};
        c.complaint = QStringLiteral("Fever and sore throat for 3 days");
        c.disposition = p::Disposition::ToPharmacy;
        consultations[0] = c;
        p::ConsultationContent cough;
        cough.diagnoses = {{QStringLiteral("Acute bronchitis"), QStringLiteral("J20.9")}};
        cough.prescriptions = {
            drug("IBU400", "Ibuprofen 400 mg tablet", "400 mg", "3 times a day", 5, 15)};
        cough.complaint = QStringLiteral("Cough for a week");
        cough.disposition = p::Disposition::ToPharmacy;
        consultations[1] = cough;
        p::ConsultationContent headache;
        headache.diagnoses = {{QStringLiteral("Headache, query anaemia"), {}}};
        p::LabOrderLine fbc;
        fbc.testCode = QStringLiteral("FBC");
        fbc.testName = QStringLiteral("Full blood count");
        fbc.specimen = QStringLiteral("blood (EDTA)");
        headache.labOrders = {fbc};
        headache.complaint = QStringLiteral("Headache and tiredness for two weeks");
        headache.disposition = p::Disposition::ToLab;
        consultations[2] = headache;
        p::ConsultationContent pain;
        pain.diagnoses = {{QStringLiteral("Abdominal pain, resolved"), QStringLiteral("R10.4")}};
        pain.notes = QStringLiteral("Advice given; return if the pain comes back.");
        pain.complaint = QStringLiteral("Abdominal pain since last night");
        pain.disposition = p::Disposition::Discharge;
        consultations[3] = pain;
    }
    QList<p::Consultation> saved;
    for (const auto& [index, content] : consultations) {
        p::CallNextRequest next;
        next.staff = doctor.staff;
        next.queue = QStringLiteral("general");
        next.room = QStringLiteral("Room 2");
        const auto called = call(doctor, p::kCallNext, next);
        if (!called.entry)
            die(QStringLiteral("nobody waits in the general queue"));
        p::StartConsultationRequest start{doctor.staff, called.entry->visitId};
        call(doctor, p::kStartConsultation, start);
        p::SaveConsultationRequest save;
        save.staff = doctor.staff;
        save.visitId = called.entry->visitId;
        save.consultation = content;
        saved.append(call(doctor, p::kSaveConsultation, save).consultation);
    }
    std::printf("recorded %lld consultations\n", static_cast<long long>(saved.size()));

    // The pharmacy dispenses the second prescription: ready for release.
    p::DispenseRequest dispense;
    dispense.staff = pharmacist.staff;
    dispense.consultationId = saved[1].id;
    dispense.lines = {{1, saved[1].content.prescriptions[0].quantity}};
    call(pharmacist, p::kDispense, dispense);
    std::printf("dispensed 1 prescription\n");
    return 0;
}
