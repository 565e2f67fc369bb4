#include "protocol/catalog.h"

#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>
#include <typeinfo>

namespace openopd::protocol {
namespace {

template <class T> QString typeName()
{
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled(
        abi::__cxa_demangle(typeid(T).name(), nullptr, nullptr, &status), std::free);
    QString name = QString::fromLatin1(status == 0 ? demangled.get() : typeid(T).name());
    return name.remove(QStringLiteral("openopd::protocol::"));
}

template <class T> bus::BusError check(QByteArrayView body)
{
    return bus::Codec<T>::decode(body).error();
}

QString token(QByteArrayView subject, qsizetype index)
{
    return QString::fromLatin1(subject.toByteArray().split('.').value(index));
}

template <class Req, class Rep>
EndpointInfo endpoint(const bus::Endpoint<Req, Rep>& contract, const char* service,
                      QList<StaffRole> roles)
{
    EndpointInfo info;
    info.subject = contract.subjectBytes();
    info.roleNamespace = token(info.subject, 1);
    info.name = serviceEndpointName(info.subject);
    info.service = QString::fromLatin1(service);
    info.requestType = typeName<Req>();
    info.replyType = typeName<Rep>();
    info.requestCarriesStaff = requires(const Req& request)
    {
        request.staff;
    };
    info.roles = std::move(roles);
    info.checkRequest = &check<Req>;
    info.checkReply = &check<Rep>;
    return info;
}

template <class P>
EventInfo event(const bus::Event<EventEnvelope<P>>& contract, const char* producer,
                QList<StaffRole> readers)
{
    EventInfo info;
    info.subject = contract.subjectBytes();
    info.type = eventTypeFromSubject(info.subject);
    info.producer = QString::fromLatin1(producer);
    info.payloadType = typeName<P>();
    info.readers = std::move(readers);
    info.checkEnvelope = &check<EventEnvelope<P>>;
    return info;
}

} // namespace

// Who may call each endpoint and see each event live: the permission matrix, declared here
// once (docs/security.md is generated from it; so are the NATS permissions).
using R = StaffRole;

const QList<EndpointInfo>& endpointCatalog()
{
    static const QList<EndpointInfo> catalog{
        endpoint(kCreatePatient, "registration", {R::Reception}),
        endpoint(kUpdatePatient, "registration", {R::Reception}),
        endpoint(kGetPatient, "registration",
                 {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician}),
        endpoint(kSearchPatients, "registration", {R::Reception, R::Doctor}),
        endpoint(kOpenVisit, "registration", {R::Reception}),
        endpoint(kGetVisit, "registration",
                 {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician}),
        endpoint(kCancelVisit, "registration", {R::Reception}),
        endpoint(kMarkLeftUnseen, "registration", {R::Reception}),
        endpoint(kWaitingList, "registration", {R::Reception, R::Doctor}),
        endpoint(kDoctorQueue, "consultation", {R::Doctor}),
        endpoint(kCallNext, "consultation", {R::Doctor}),
        endpoint(kCallVisit, "consultation", {R::Doctor}),
        endpoint(kStartConsultation, "consultation", {R::Doctor}),
        endpoint(kSaveConsultation, "consultation", {R::Doctor}),
        endpoint(kPatientHistory, "consultation", {R::Doctor}),
        endpoint(kResultsToReview, "consultation", {R::Doctor}),
        endpoint(kMarkResultReviewed, "consultation", {R::Doctor}),
        endpoint(kPendingPrescriptions, "pharmacy", {R::Pharmacist}),
        endpoint(kGetPrescription, "pharmacy", {R::Pharmacist}),
        endpoint(kDispense, "pharmacy", {R::Pharmacist}),
        endpoint(kStockList, "pharmacy", {R::Pharmacist, R::Doctor}),
        endpoint(kReceiveStock, "pharmacy", {R::Pharmacist}),
        endpoint(kAdjustStock, "pharmacy", {R::Pharmacist}),
        endpoint(kPendingLabOrders, "pharmacy", {R::LabTechnician}),
        endpoint(kCollectSample, "pharmacy", {R::LabTechnician}),
        endpoint(kEnterLabResult, "pharmacy", {R::LabTechnician}),
        endpoint(kPendingReleases, "discharge", {R::Doctor, R::Pharmacist}),
        endpoint(kGetRelease, "discharge", {R::Doctor, R::Pharmacist}),
        endpoint(kRecordDischarge, "discharge", {R::Doctor, R::Pharmacist}),
        endpoint(kAuditQuery, "audit", {R::Admin}),
        endpoint(kAuditVerify, "audit", {R::Admin}),
        // Sign-in is open to the SIGNIN account's public user (roles do not apply); the
        // session endpoints to any signed-in staff; nats_users to the platform's services.
        endpoint(kSignIn, "identity", {}),
        endpoint(kRenewSession, "identity",
                 {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician, R::Admin}),
        endpoint(kSignOut, "identity",
                 {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician, R::Admin}),
        endpoint(kChangePassword, "identity",
                 {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician, R::Admin}),
        endpoint(kNatsUsers, "identity", {}),
        endpoint(kStaffList, "identity", {R::Admin}),
        endpoint(kCreateStaff, "identity", {R::Admin}),
        endpoint(kDisableStaff, "identity", {R::Admin}),
        endpoint(kEnableStaff, "identity", {R::Admin}),
        endpoint(kResetStaffPassword, "identity", {R::Admin}),
        endpoint(kSetStaffRoles, "identity", {R::Admin}),
    };
    return catalog;
}

const QList<EventInfo>& eventCatalog()
{
    static const QList<EventInfo> catalog{
        event(kPatientRegistered, "registration", {R::Reception, R::Doctor}),
        event(kPatientUpdated, "registration", {R::Reception, R::Doctor}),
        event(kPatientRecordViewed, "registration", {}),
        event(kPatientHistoryViewed, "consultation", {}),
        event(kVisitRegistered, "registration", {R::Reception, R::Doctor}),
        event(kVisitCancelled, "registration", {R::Reception, R::Doctor}),
        event(kVisitLeftUnseen, "registration", {R::Reception, R::Doctor}),
        event(kVisitCalled, "consultation", {R::Reception, R::Doctor}),
        event(kVisitConsultationStarted, "consultation", {R::Reception, R::Doctor}),
        event(kVisitConsulted, "consultation", {R::Doctor}),
        event(kVisitDispensed, "pharmacy", {R::Doctor, R::Pharmacist}),
        event(kLabSampleCollected, "pharmacy", {R::Doctor, R::LabTechnician}),
        event(kLabResulted, "pharmacy", {R::Doctor, R::LabTechnician}),
        event(kStockReceived, "pharmacy", {R::Pharmacist}),
        event(kStockAdjusted, "pharmacy", {R::Pharmacist}),
        event(kStockLow, "pharmacy", {R::Pharmacist}),
        event(kVisitDischarged, "discharge", {R::Reception, R::Doctor, R::Pharmacist}),
        event(kVisitResultsIn, "consultation", {R::Reception, R::Doctor}),
        // work lists: readers = who may read the list (the endpoint's roles)
        event(kQueueListChanged, "consultation", {R::Doctor}),
        event(kPrescriptionListChanged, "pharmacy", {R::Pharmacist}),
        event(kLabOrderListChanged, "pharmacy", {R::LabTechnician}),
        event(kReleaseListChanged, "discharge", {R::Doctor, R::Pharmacist}),
        event(kResultListChanged, "consultation", {R::Doctor}),
        event(kStaffCreated, "identity", {R::Admin}),
        event(kStaffDisabled, "identity", {R::Admin}),
        event(kStaffEnabled, "identity", {R::Admin}),
        event(kStaffRolesChanged, "identity", {R::Admin}),
        event(kStaffPasswordReset, "identity", {R::Admin}),
        event(kStaffPasswordChanged, "identity", {R::Admin}),
        event(kStaffSignedIn, "identity", {R::Admin}),
        event(kStaffSignedOut, "identity", {R::Admin}),
        event(kStaffSignInFailed, "identity", {R::Admin}),
    };
    return catalog;
}

QList<QByteArray> allEndpointSubjects()
{
    QList<QByteArray> subjects;
    for (const EndpointInfo& info : endpointCatalog())
        subjects.append(info.subject);
    return subjects;
}

QList<QByteArray> allEventSubjects()
{
    QList<QByteArray> subjects;
    for (const EventInfo& info : eventCatalog())
        subjects.append(info.subject);
    return subjects;
}

const EndpointInfo* findEndpoint(QByteArrayView subject)
{
    for (const EndpointInfo& info : endpointCatalog())
        if (info.subject == subject)
            return &info;
    return nullptr;
}

const EventInfo* findEvent(QByteArrayView subject)
{
    for (const EventInfo& info : eventCatalog())
        if (info.subject == subject)
            return &info;
    return nullptr;
}

QString serviceEndpointName(QByteArrayView subject)
{
    return QString::fromLatin1(subject.toByteArray().split('.').mid(2).join('_'));
}

QStringList endpointNamespaces()
{
    return {QStringLiteral("registration"), QStringLiteral("consultation"),
            QStringLiteral("pharmacy"),     QStringLiteral("lab"),
            QStringLiteral("discharge"),    QStringLiteral("admin"),
            QStringLiteral("identity")};
}

} // namespace openopd::protocol
