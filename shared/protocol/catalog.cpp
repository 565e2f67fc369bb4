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
EndpointInfo endpoint(const bus::Endpoint<Req, Rep>& contract, const char* service)
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
    info.checkRequest = &check<Req>;
    info.checkReply = &check<Rep>;
    return info;
}

template <class P>
EventInfo event(const bus::Event<EventEnvelope<P>>& contract, const char* producer)
{
    EventInfo info;
    info.subject = contract.subjectBytes();
    info.type = eventTypeFromSubject(info.subject);
    info.producer = QString::fromLatin1(producer);
    info.payloadType = typeName<P>();
    info.checkEnvelope = &check<EventEnvelope<P>>;
    return info;
}

} // namespace

const QList<EndpointInfo>& endpointCatalog()
{
    static const QList<EndpointInfo> catalog{
        endpoint(kCreatePatient, "registration"),
        endpoint(kUpdatePatient, "registration"),
        endpoint(kGetPatient, "registration"),
        endpoint(kSearchPatients, "registration"),
        endpoint(kOpenVisit, "registration"),
        endpoint(kGetVisit, "registration"),
        endpoint(kCancelVisit, "registration"),
        endpoint(kMarkLeftUnseen, "registration"),
        endpoint(kWaitingList, "registration"),
        endpoint(kDoctorQueue, "consultation"),
        endpoint(kCallNext, "consultation"),
        endpoint(kStartConsultation, "consultation"),
        endpoint(kSaveConsultation, "consultation"),
        endpoint(kPatientHistory, "consultation"),
        endpoint(kPendingPrescriptions, "pharmacy"),
        endpoint(kDispense, "pharmacy"),
        endpoint(kStockList, "pharmacy"),
        endpoint(kReceiveStock, "pharmacy"),
        endpoint(kAdjustStock, "pharmacy"),
        endpoint(kPendingLabOrders, "pharmacy"),
        endpoint(kCollectSample, "pharmacy"),
        endpoint(kEnterLabResult, "pharmacy"),
        endpoint(kPendingReleases, "discharge"),
        endpoint(kRecordDischarge, "discharge"),
        endpoint(kAuditQuery, "audit"),
        endpoint(kAuditVerify, "audit"),
    };
    return catalog;
}

const QList<EventInfo>& eventCatalog()
{
    static const QList<EventInfo> catalog{
        event(kPatientRegistered, "registration"),
        event(kPatientUpdated, "registration"),
        event(kVisitRegistered, "registration"),
        event(kVisitCancelled, "registration"),
        event(kVisitLeftUnseen, "registration"),
        event(kVisitCalled, "consultation"),
        event(kVisitConsultationStarted, "consultation"),
        event(kVisitConsulted, "consultation"),
        event(kVisitDispensed, "pharmacy"),
        event(kLabSampleCollected, "pharmacy"),
        event(kLabResulted, "pharmacy"),
        event(kStockReceived, "pharmacy"),
        event(kStockAdjusted, "pharmacy"),
        event(kStockLow, "pharmacy"),
        event(kVisitDischarged, "discharge"),
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
            QStringLiteral("discharge"),    QStringLiteral("admin")};
}

} // namespace openopd::protocol
