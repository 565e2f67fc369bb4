#include "core/reception/patient_commands.h"

#include "bus/typed.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"
#include "protocol/limits.h"

#include <QPointer>

namespace openopd::app {
namespace {

using Verdict = OutcomeCheck::Verdict;

// Clocks of the desk and the service may differ by this much.
constexpr qint64 kClockSlackSecs = 10 * 60;

QByteArray patientBody(const protocol::Patient& patient)
{
    return bus::Codec<protocol::PatientReply>::encode(protocol::PatientReply{patient});
}

// What the lost answer to a create would have said.
QByteArray registrationBody(const protocol::Patient& patient,
                            const std::optional<protocol::Visit>& visit)
{
    return bus::Codec<protocol::CreatePatientReply>::encode(
        protocol::CreatePatientReply{true, patient, {}, visit});
}

} // namespace

Command* PatientCommands::create(bus::Connection& connection,
                                 const protocol::CreatePatientRequest& request, QObject* parent)
{
    return new Command(connection, protocol::kCreatePatient.subjectBytes(),
                       bus::Codec<protocol::CreatePatientRequest>::encode(request),
                       createReader(request, QDateTime::currentDateTimeUtc()), parent);
}

Command* PatientCommands::update(bus::Connection& connection,
                                 const protocol::UpdatePatientRequest& request, QObject* parent)
{
    return new Command(connection, protocol::kUpdatePatient.subjectBytes(),
                       bus::Codec<protocol::UpdatePatientRequest>::encode(request),
                       updateReader(request), parent);
}

OutcomeReader PatientCommands::createReader(const protocol::CreatePatientRequest& request,
                                            const QDateTime& started)
{
    return [request, started](bus::Connection& connection, QObject* context,
                              std::function<void(OutcomeCheck)> done) {
        protocol::SearchPatientsRequest search;
        if (!request.patient.nationalId.isEmpty()) {
            search.query = request.patient.nationalId;
            search.by = protocol::PatientSearchField::NationalId;
        } else {
            search.query = request.patient.fullName.left(protocol::limits::kQuery);
            search.by = protocol::PatientSearchField::Name;
        }
        search.limit = 50;
        const QDateTime since = started.addSecs(-kClockSlackSecs);
        // The first visit's read, if any, follows on the same connection and context.
        QPointer<bus::Connection> readOn(&connection);
        QPointer<QObject> guard(context);
        bus::request(connection, protocol::kSearchPatients, search, context,
                     [readOn, guard, request, since,
                      done](bus::Result<protocol::SearchPatientsReply> reply) {
                         if (!reply) {
                             done({Verdict::Unknown,
                                   tr("Could not check whether the patient was registered: %1")
                                       .arg(userText(reply.error())),
                                   {}});
                             return;
                         }
                         for (const protocol::Patient& patient : reply.value().patients) {
                             if (patient.details == request.patient &&
                                 patient.registeredBy.id == request.staff.id &&
                                 patient.registeredAt >= since) {
                                 if (request.visit && readOn && guard)
                                     return readFirstVisit(*readOn, guard, request, patient, done);
                                 done({Verdict::Done,
                                       tr("%1 was registered (MRN %2).")
                                           .arg(patient.details.fullName, patient.mrn),
                                       registrationBody(patient, std::nullopt)});
                                 return;
                             }
                         }
                         done({Verdict::NotDone,
                               request.visit
                                   ? tr("%1 was not registered and no visit was opened.")
                                         .arg(request.patient.fullName)
                                   : tr("%1 was not registered.").arg(request.patient.fullName),
                               {}});
                     });
    };
}

void PatientCommands::readFirstVisit(bus::Connection& connection, QObject* context,
                                     const protocol::CreatePatientRequest& request,
                                     const protocol::Patient& patient,
                                     const std::function<void(OutcomeCheck)>& done)
{
    // The patient and the first visit are one transaction: the patient found means the
    // visit was opened too. The waiting list of its queue gives the token.
    protocol::WaitingListRequest read;
    read.queue = request.visit->queue;
    bus::request(connection, protocol::kWaitingList, read, context,
                 [patient, done](bus::Result<protocol::VisitListReply> reply) {
                     if (reply) {
                         for (const protocol::Visit& visit : reply.value().visits) {
                             if (visit.patientId == patient.id)
                                 return done({Verdict::Done,
                                              tr("%1 was registered (MRN %2) and has token %3.")
                                                  .arg(patient.details.fullName, patient.mrn)
                                                  .arg(visit.token),
                                              registrationBody(patient, visit)});
                         }
                     }
                     // Called by a doctor already, or the read failed: the visit is in the lists.
                     done(
                         {Verdict::Done,
                          tr("%1 was registered (MRN %2) and the visit was opened; its token is in "
                             "the waiting list.")
                              .arg(patient.details.fullName, patient.mrn),
                          registrationBody(patient, std::nullopt)});
                 });
}

OutcomeReader PatientCommands::updateReader(const protocol::UpdatePatientRequest& request)
{
    return [request](bus::Connection& connection, QObject* context,
                     std::function<void(OutcomeCheck)> done) {
        protocol::GetPatientRequest get;
        get.patientId = request.patientId;
        bus::request(
            connection, protocol::kGetPatient, get, context,
            [request, done](bus::Result<protocol::PatientReply> reply) {
                if (!reply) {
                    done({Verdict::Unknown,
                          tr("Could not check whether the changes were saved: %1")
                              .arg(userText(reply.error())),
                          {}});
                    return;
                }
                const protocol::Patient& patient = reply.value().patient;
                if (patient.revision == request.revision + 1 &&
                    patient.details == request.patient) {
                    done({Verdict::Done,
                          tr("The changes to %1 were saved.").arg(patient.details.fullName),
                          patientBody(patient)});
                    return;
                }
                if (patient.revision == request.revision) {
                    done({Verdict::NotDone,
                          tr("The changes to %1 were not saved.").arg(patient.details.fullName),
                          {}});
                    return;
                }
                // Someone else's change came in between: a repeat (same request id) gets the
                // service's answer, the stored one if ours was saved after all.
                done({Verdict::NotDone,
                      tr("%1 was changed meanwhile by %2; these changes are not the current "
                         "details.")
                          .arg(patient.details.fullName, patient.updatedBy.name),
                      {}});
            });
    };
}

std::optional<protocol::CreatePatientReply>
PatientCommands::foundRegistration(const OutcomeCheck& check)
{
    if (check.verdict != Verdict::Done || check.readBody.isEmpty())
        return std::nullopt;
    bus::Result<protocol::CreatePatientReply> reply =
        bus::Codec<protocol::CreatePatientReply>::decode(check.readBody);
    if (!reply || !reply.value().patient)
        return std::nullopt;
    return reply.value();
}

std::optional<protocol::Patient> PatientCommands::foundPatient(const OutcomeCheck& check)
{
    if (check.verdict != Verdict::Done || check.readBody.isEmpty())
        return std::nullopt;
    bus::Result<protocol::PatientReply> reply =
        bus::Codec<protocol::PatientReply>::decode(check.readBody);
    if (!reply)
        return std::nullopt;
    return reply.value().patient;
}

} // namespace openopd::app
