#include "registration_service.h"

#include "protocol/catalog.h"
#include "protocol/events.h"
#include "visit_consumer.h"

namespace openopd::registration {

using namespace protocol;

namespace {

template <class Req, class Rep, class F>
bool serve(host::MicroService& micro, const bus::Endpoint<Req, Rep>& endpoint, F handler)
{
    return micro.addEndpoint(serviceEndpointName(endpoint.subject), endpoint, std::move(handler));
}

} // namespace

bool RegistrationService::start()
{
    host::MicroService& m = m_host.micro();
    const bool served =
        serve(m, kCreatePatient,
              [this](const CreatePatientRequest& r, bus::Replier<CreatePatientReply> replier) {
                  createPatient(r, std::move(replier));
              }) &&
        serve(m, kUpdatePatient,
              [this](const UpdatePatientRequest& r, bus::Replier<PatientReply> replier) {
                  updatePatient(r, std::move(replier));
              }) &&
        serve(m, kGetPatient,
              [this](const GetPatientRequest& r, const host::Caller& caller,
                     bus::Replier<PatientReply> replier) {
                  getPatient(r, caller, std::move(replier));
              }) &&
        serve(m, kSearchPatients,
              [this](const SearchPatientsRequest& r, bus::Replier<SearchPatientsReply> replier) {
                  searchPatients(r, std::move(replier));
              }) &&
        serve(m, kOpenVisit,
              [this](const OpenVisitRequest& r, bus::Replier<VisitReply> replier) {
                  openVisit(r, std::move(replier));
              }) &&
        serve(m, kGetVisit,
              [this](const GetVisitRequest& r, bus::Replier<VisitReply> replier) {
                  getVisit(r, std::move(replier));
              }) &&
        serve(m, kCancelVisit,
              [this](const CancelVisitRequest& r, bus::Replier<VisitReply> replier) {
                  closeVisit(r.staff, r.visitId, VisitState::Cancelled, r.reason,
                             std::move(replier));
              }) &&
        serve(m, kMarkLeftUnseen,
              [this](const LeftUnseenRequest& r, bus::Replier<VisitReply> replier) {
                  closeVisit(r.staff, r.visitId, VisitState::LeftUnseen, r.reason,
                             std::move(replier));
              }) &&
        serve(m, kWaitingList,
              [this](const WaitingListRequest& r, bus::Replier<VisitListReply> replier) {
                  waitingList(r, std::move(replier));
              });
    if (!served)
        return false;

    host::EventConsumerOptions options;
    options.durable = QByteArray(kVisitConsumer);
    options.filterSubject = QByteArrayLiteral("opd.events.visit.>");
    // Its own events (stepsFromEvent: Own): nothing to apply, no transaction to spend.
    options.ignoredSubjects = {protocol::kVisitRegistered.subjectBytes(),
                               protocol::kVisitCancelled.subjectBytes(),
                               protocol::kVisitLeftUnseen.subjectBytes()};
    m_host.addConsumer(options, &applyVisitEvent);
    return true;
}

} // namespace openopd::registration
