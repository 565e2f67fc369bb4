#pragma once

// The consultation service (the book's "inspection") on the service host:
//   endpoints  opd.consultation.queue.list, .queue.call_next, .queue.call, .visit.start,
//              .record.save, .patient.history, .results.to_review, .results.reviewed
//              (see docs/protocol.md)
//   consumers  consultation-queue on opd.events.visit.> (the doctor's queue),
//              consultation-lab on opd.events.lab.> (lab results: history, results to
//              review, the visit back in the queue: lab_progress.h)
//   events     visit.called, visit.consultation_started, visit.consulted, visit.results_in,
//              list.queue_changed, list.results_changed (through the outbox)
// All database work runs on the service thread; each state change and its event are one
// transaction (ServiceHost::commit).

#include "consultation/consultation_consumers.h"
#include "consultation/consultation_store.h"
#include "host/service_host.h"
#include "protocol/catalog.h"
#include "protocol/endpoints.h"

namespace openopd::consultation {

class ConsultationService
{
public:
    explicit ConsultationService(host::ServiceHost& host);

    // Registers the endpoints and the consumers (ServiceHost::run's onReady).
    bool start();

    // The clinic day the queue shows and calls from: the local date.
    static QDate clinicDay();

private:
    // A request refused inside a transaction: the reply's code, message and field.
    struct Refusal
    {
        int code = 0;
        QString message;
        QString field;
    };

    void listQueue(const protocol::DoctorQueueRequest& request,
                   bus::Replier<protocol::DoctorQueueReply> replier);
    void callNext(const protocol::CallNextRequest& request,
                  bus::Replier<protocol::CallNextReply> replier);
    void callVisit(const protocol::CallVisitRequest& request,
                   bus::Replier<protocol::QueueEntryReply> replier);
    void startConsultation(const protocol::StartConsultationRequest& request,
                           bus::Replier<protocol::QueueEntryReply> replier);
    void saveConsultation(const protocol::SaveConsultationRequest& request,
                          bus::Replier<protocol::ConsultationReply> replier);
    void resultsToReview(const protocol::ResultsToReviewRequest& request,
                         bus::Replier<protocol::ResultsToReviewReply> replier);
    void markResultReviewed(const protocol::MarkResultReviewedRequest& request,
                            bus::Replier<protocol::ResultToReviewReply> replier);
    void patientHistory(const protocol::PatientHistoryRequest& request, const host::Caller& caller,
                        bus::Replier<protocol::PatientHistoryReply> replier);
    bool recordHistoryView(const host::Caller& caller, const QString& patientId, QString* error);

    // Why the visit cannot be called / started / saved by staff now (404 or 409).
    static Refusal refuseCall(const std::optional<VisitRecord>& record,
                              const protocol::StaffRef& staff, QDate day);
    static Refusal refuseStart(const std::optional<VisitRecord>& record,
                               const protocol::StaffRef& staff);
    static Refusal refuseSave(const std::optional<VisitRecord>& record,
                              const protocol::StaffRef& staff);
    static QString unavailable(const QString& error);

    // The store on the host's database (which exists once the host runs).
    ConsultationStore store() { return ConsultationStore(m_host.database()); }

    host::ServiceHost& m_host;
    ConsultationConsumers m_consumers;
};

} // namespace openopd::consultation
