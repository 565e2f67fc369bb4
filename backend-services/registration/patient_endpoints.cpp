// Patient endpoints: create (with duplicate detection, and optionally the first visit), update,
// get, search.

#include "endpoint_support.h"
#include "patient_search.h"
#include "patient_store.h"
#include "protocol/catalog.h"

namespace openopd::registration {

using namespace protocol;

void RegistrationService::createPatient(const CreatePatientRequest& request,
                                        bus::Replier<CreatePatientReply> replier)
{
    CreatePatientReply reply;
    const bool committed = transact(replier, [&](host::Database& db, Failure& failure,
                                                 QString* error) {
        PatientStore store(db);
        if (!request.mrn.isEmpty()) {
            bool taken = false;
            if (!store.mrnTaken(request.mrn, &taken, error))
                return false;
            if (taken) {
                failure = conflict(QStringLiteral("mrn"),
                                   Text::tr("The medical record number %1 belongs to another "
                                            "patient.")
                                       .arg(request.mrn));
                return false;
            }
        }
        // A national id match is never bypassed; a name + date of birth match is, with
        // confirm_duplicate.
        if (!store.duplicates(request.patient, !request.confirmDuplicate, kMaxDuplicates,
                              &reply.duplicates, error))
            return false;
        if (!reply.duplicates.isEmpty())
            return true; // nothing written (an empty commit); the reply lists them
        Patient patient;
        patient.id = newId();
        patient.mrn = request.mrn;
        if (patient.mrn.isEmpty() && !store.nextMrn(&patient.mrn, error))
            return false;
        patient.revision = 1;
        patient.details = request.patient;
        patient.registeredAt = nowUtc();
        patient.registeredBy = request.staff;
        patient.updatedAt = patient.registeredAt;
        patient.updatedBy = request.staff;
        if (!store.insert(patient, error) ||
            !enqueue(db, kPatientRegistered, patient, request.staff, patient.registeredAt, error))
            return false;
        // A new patient has no visit yet: no open-visit check. A failure here (the queue has
        // issued all its tokens) rolls the registration back too.
        if (request.visit) {
            reply.visit.emplace();
            if (!issueVisit(db, patient.id, patient.details.fullName, *request.visit, today(),
                            request.staff, QStringLiteral("visit.queue"), &*reply.visit, failure,
                            error))
                return false;
        }
        reply.created = true;
        reply.patient = std::move(patient);
        return true;
    });
    if (committed)
        replier.reply(reply);
}

void RegistrationService::updatePatient(const UpdatePatientRequest& request,
                                        bus::Replier<PatientReply> replier)
{
    PatientReply reply;
    const bool committed =
        transact(replier, [&](host::Database& db, Failure& failure, QString* error) {
            PatientStore store(db);
            std::optional<Patient> current;
            if (!store.byId(request.patientId, &current, error))
                return false;
            if (!current) {
                failure = notFound(QStringLiteral("patient_id"),
                                   Text::tr("No patient has the id %1.").arg(request.patientId));
                return false;
            }
            if (current->revision != request.revision) {
                failure = conflict(QStringLiteral("revision"),
                                   Text::tr("The patient was changed by someone else meanwhile "
                                            "(revision %1 is current, this edit is based on %2); "
                                            "reload and edit again.")
                                       .arg(current->revision)
                                       .arg(request.revision));
                return false;
            }
            std::optional<Patient> holder;
            if (!store.byNationalId(request.patient.nationalId, &holder, error))
                return false;
            if (holder && holder->id != current->id) {
                failure = conflict(
                    QStringLiteral("patient.national_id"),
                    Text::tr("The national id %1 belongs to another patient, %2 (%3).")
                        .arg(request.patient.nationalId, holder->details.fullName, holder->mrn));
                return false;
            }
            Patient patient = *current;
            patient.details = request.patient;
            patient.revision = current->revision + 1;
            patient.updatedAt = nowUtc();
            patient.updatedBy = request.staff;
            bool lostRace = false;
            if (!store.update(patient, &lostRace, error))
                return false;
            if (lostRace) {
                failure = conflict(QStringLiteral("revision"),
                                   Text::tr("The patient was changed by someone else meanwhile "
                                            "(this edit is based on revision %1); reload and "
                                            "edit again.")
                                       .arg(request.revision));
                return false;
            }
            if (!enqueue(db, kPatientUpdated, patient, request.staff, patient.updatedAt, error))
                return false;
            reply.patient = std::move(patient);
            return true;
        });
    if (committed)
        replier.reply(reply);
}

void RegistrationService::getPatient(const GetPatientRequest& request, const host::Caller& caller,
                                     bus::Replier<PatientReply> replier)
{
    PatientStore store(m_host.database());
    std::optional<Patient> patient;
    QString error;
    const bool byId = !request.patientId.isEmpty();
    if (!(byId ? store.byId(request.patientId, &patient, &error)
               : store.byMrn(request.mrn, &patient, &error)))
        return unavailable(replier, error);
    if (!patient) {
        if (byId)
            return replier.fail(errors::kNotFound,
                                Text::tr("No patient has the id %1.").arg(request.patientId),
                                QStringLiteral("patient_id"));
        return replier.fail(
            errors::kNotFound,
            Text::tr("No patient has the medical record number %1.").arg(request.mrn),
            QStringLiteral("mrn"));
    }
    // Reads are audited: the view is committed to the outbox before the record is shown (no
    // verified reader under --insecure-no-auth: nothing to record).
    if (caller.staff) {
        const StaffRef viewer = caller.staff->actingAs(findEndpoint(kGetPatient.subject)->roles);
        const QString patientId = patient->id;
        if (!transact(replier, [&](host::Database& db, Failure&, QString* workError) {
                return enqueue(db, kPatientRecordViewed, PatientViewed{patientId}, viewer, nowUtc(),
                               workError);
            }))
            return;
    }
    replier.reply(PatientReply{std::move(*patient)});
}

void RegistrationService::searchPatients(const SearchPatientsRequest& request,
                                         bus::Replier<SearchPatientsReply> replier)
{
    SearchPatientsReply reply;
    QString error;
    PatientSearch search(m_host.database());
    if (!search.run(request, &reply, &error))
        return unavailable(replier, error);
    replier.reply(reply);
}

} // namespace openopd::registration
