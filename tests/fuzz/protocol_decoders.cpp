#include "protocol_decoders.h"

#include "protocol/catalog.h"
#include "protocol/endpoints.h"
#include "protocol/events.h"

#include <QSet>
#include <concepts>
#include <cstdio>
#include <cstdlib>

namespace openopd::fuzz {
namespace {

[[noreturn]] void broken(const char* what, QByteArrayView input, const QByteArray& encoded)
{
    std::fprintf(stderr, "fuzz_protocol: %s\n  input:   %s\n  encoded: %s\n", what,
                 input.toByteArray().toPercentEncoding(" {}[]\":,").constData(),
                 encoded.constData());
    std::abort();
}

template <class T> bool roundTrip(QByteArrayView body)
{
    const bus::Result<T> decoded = bus::Codec<T>::decode(body);
    if (!decoded) {
        const bus::BusError& error = decoded.error();
        if (error.kind != bus::BusError::Kind::DecodeError || error.message.isEmpty())
            broken("a refusal that is not a DecodeError with a message", body, {});
        return false;
    }
    const QByteArray encoded = bus::Codec<T>::encode(decoded.value());
    const bus::Result<T> again = bus::Codec<T>::decode(encoded);
    if (!again)
        broken(
            qPrintable(QStringLiteral("its own encoding is refused: ") + again.error().toString()),
            body, encoded);
    if constexpr (std::equality_comparable<T>)
        if (!(again.value() == decoded.value()))
            broken("decode(encode(decoded)) differs from decoded", body, encoded);
    return true;
}

struct Table
{
    QList<DecoderEntry> entries;

    template <class Req, class Rep> void add(const bus::Endpoint<Req, Rep>& endpoint)
    {
        entries.append({endpoint.subjectBytes(), "request", &roundTrip<Req>});
        entries.append({endpoint.subjectBytes(), "reply", &roundTrip<Rep>});
    }
    template <class P> void add(const bus::Event<P>& event)
    {
        entries.append({event.subjectBytes(), "event", &roundTrip<P>});
    }
};

Table build()
{
    using namespace protocol;
    Table t;
    // endpoints.h, in its order
    t.add(kCreatePatient), t.add(kUpdatePatient), t.add(kGetPatient), t.add(kSearchPatients);
    t.add(kOpenVisit), t.add(kGetVisit), t.add(kCancelVisit), t.add(kMarkLeftUnseen);
    t.add(kWaitingList);
    t.add(kDoctorQueue), t.add(kCallNext), t.add(kCallVisit), t.add(kStartConsultation);
    t.add(kSaveConsultation), t.add(kPatientHistory), t.add(kResultsToReview);
    t.add(kMarkResultReviewed);
    t.add(kPendingPrescriptions), t.add(kGetPrescription), t.add(kDispense), t.add(kStockList);
    t.add(kReceiveStock), t.add(kAdjustStock);
    t.add(kPendingLabOrders), t.add(kCollectSample), t.add(kEnterLabResult);
    t.add(kPendingReleases), t.add(kGetRelease), t.add(kRecordDischarge);
    t.add(kAuditQuery), t.add(kAuditVerify);
    t.add(kSignIn), t.add(kRenewSession), t.add(kSignOut), t.add(kChangePassword);
    t.add(kNatsUsers), t.add(kStaffList), t.add(kCreateStaff), t.add(kDisableStaff);
    t.add(kEnableStaff), t.add(kResetStaffPassword), t.add(kSetStaffRoles);
    // events.h, in its order
    t.add(kPatientRegistered), t.add(kPatientUpdated), t.add(kPatientRecordViewed);
    t.add(kPatientHistoryViewed);
    t.add(kVisitRegistered), t.add(kVisitCancelled), t.add(kVisitLeftUnseen), t.add(kVisitCalled);
    t.add(kVisitConsultationStarted), t.add(kVisitConsulted), t.add(kVisitDispensed);
    t.add(kVisitDischarged), t.add(kVisitResultsIn);
    t.add(kLabSampleCollected), t.add(kLabResulted);
    t.add(kStockReceived), t.add(kStockAdjusted), t.add(kStockLow);
    t.add(kQueueListChanged), t.add(kPrescriptionListChanged), t.add(kLabOrderListChanged);
    t.add(kReleaseListChanged), t.add(kResultListChanged);
    t.add(kStaffCreated), t.add(kStaffDisabled), t.add(kStaffEnabled), t.add(kStaffRolesChanged);
    t.add(kStaffPasswordReset), t.add(kStaffPasswordChanged), t.add(kStaffSignedIn);
    t.add(kStaffSignedOut), t.add(kStaffSignInFailed);
    t.add(kAnyEvent); // every event as the audit log reads it
    return t;
}

} // namespace

const QList<DecoderEntry>& protocolDecoders()
{
    static const QList<DecoderEntry> table = build().entries;
    return table;
}

QStringList coverageProblems()
{
    QSet<QByteArray> have;
    for (const DecoderEntry& entry : protocolDecoders())
        have.insert(entry.subject + ' ' + entry.kind);
    QSet<QByteArray> want{QByteArray(protocol::kAnyEvent.subject) + " event"};
    for (const protocol::EndpointInfo& info : protocol::endpointCatalog())
        want << info.subject + " request" << info.subject + " reply";
    for (const protocol::EventInfo& info : protocol::eventCatalog())
        want << info.subject + " event";
    QStringList problems;
    for (const QByteArray& key : want - have)
        problems << QStringLiteral("not fuzzed: ") + QString::fromUtf8(key);
    for (const QByteArray& key : have - want)
        problems << QStringLiteral("not in the catalog: ") + QString::fromUtf8(key);
    return problems;
}

} // namespace openopd::fuzz
