#pragma once

// The registration service: patients (create, update, get, search), visits (open with a
// per-day, per-queue token; get; cancel; left unseen), the waiting list, and a durable
// consumer that keeps each visit's state in step with the other services' visit events.
// Everything runs on the service's main thread (the host delivers requests and events there).

#include "host/service_host.h"
#include "protocol/endpoints.h"

#include <functional>

namespace openopd::registration {

class RegistrationService
{
public:
    static constexpr char kVisitConsumer[] = "registration-visits";
    // At most this many likely duplicates are listed (protocol: 1..20).
    static constexpr int kMaxDuplicates = 20;

    explicit RegistrationService(host::ServiceHost& host) : m_host(host) {}

    // Registers the endpoints and the visit-events consumer.
    bool start();

    // The clinic day a visit opened now belongs to: the local date of the service's clock.
    static QDate today();

    // A 4xx answer decided inside a transaction (which is then rolled back).
    struct Failure
    {
        int code = 0;
        QString message;
        QString field;
    };

private:
    using Work = std::function<bool(host::Database& db, Failure& failure, QString* error)>;
    // One transaction through ServiceHost::commit(). work returns false to roll back, after
    // setting failure (answered as is) or *error (answered 503). True: committed.
    template <class Rep> bool transact(bus::Replier<Rep>& replier, const Work& work);
    template <class Rep> void unavailable(bus::Replier<Rep>& replier, const QString& error);

    void createPatient(const protocol::CreatePatientRequest& request,
                       bus::Replier<protocol::CreatePatientReply> replier);
    void updatePatient(const protocol::UpdatePatientRequest& request,
                       bus::Replier<protocol::PatientReply> replier);
    void getPatient(const protocol::GetPatientRequest& request, const host::Caller& caller,
                    bus::Replier<protocol::PatientReply> replier);
    void searchPatients(const protocol::SearchPatientsRequest& request,
                        bus::Replier<protocol::SearchPatientsReply> replier);
    void openVisit(const protocol::OpenVisitRequest& request,
                   bus::Replier<protocol::VisitReply> replier);
    // Issues day's next token of wanted.queue to the patient and writes the visit and its
    // event, in the caller's transaction (which has checked that no visit is open that day).
    // queueField names the queue in a 409 when the queue has issued all its tokens.
    static bool issueVisit(host::Database& db, const QString& patientId, const QString& patientName,
                           const protocol::FirstVisit& wanted, QDate day,
                           const protocol::StaffRef& staff, const QString& queueField,
                           protocol::Visit* visit, Failure& failure, QString* error);
    void getVisit(const protocol::GetVisitRequest& request,
                  bus::Replier<protocol::VisitReply> replier);
    // Cancel and left unseen: a reception-made final step, announced as a VisitStatusChange.
    void closeVisit(const protocol::StaffRef& staff, const QString& visitId,
                    protocol::VisitState to, const QString& reason,
                    bus::Replier<protocol::VisitReply> replier);
    void waitingList(const protocol::WaitingListRequest& request,
                     bus::Replier<protocol::VisitListReply> replier);

    host::ServiceHost& m_host;
};

} // namespace openopd::registration
