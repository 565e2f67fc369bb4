// The patient history endpoint of ConsultationService: past consultations newest first, each
// with the lab results that came back for it (from lab.resulted), within the reply size cap.

#include "consultation/consultation_service.h"
#include "consultation/consultation_text.h"
#include "host/outbox.h"
#include "protocol/catalog.h"
#include "protocol/errors.h"
#include "protocol/events.h"
#include "protocol/limits.h"

#include <QDebug>

namespace openopd::consultation {

namespace {

// Replies stay below NATS's 1 MiB payload: entries stop (truncated) before this many bytes.
constexpr qsizetype kReplyBudget = 900 * 1024;

qsizetype encodedSize(const QJsonObject& object)
{
    return bus::Codec<QJsonObject>::encode(object).size();
}

} // namespace

// Reads are audited: the view is committed to the outbox before the history is shown (no
// verified reader under --insecure-no-auth: nothing to record).
bool ConsultationService::recordHistoryView(const host::Caller& caller, const QString& patientId,
                                            QString* error)
{
    if (!caller.staff)
        return true;
    const protocol::StaffRef viewer =
        caller.staff->actingAs(protocol::findEndpoint(protocol::kPatientHistory.subject)->roles);
    const auto envelope = protocol::makeEvent(protocol::kPatientHistoryViewed,
                                              protocol::PatientViewed{patientId}, viewer);
    return m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            return host::enqueueEvent(
                m_host.database(),
                {envelope.id, protocol::kPatientHistoryViewed.subjectBytes(),
                 bus::Codec<protocol::EventEnvelope<protocol::PatientViewed>>::encode(envelope)},
                workError);
        },
        error);
}

void ConsultationService::patientHistory(const protocol::PatientHistoryRequest& request,
                                         const host::Caller& caller,
                                         bus::Replier<protocol::PatientHistoryReply> replier)
{
    protocol::PatientHistoryReply reply;
    reply.patientId = request.patientId;
    QList<StoredConsultation> rows;
    QString error;
    if (!store().listConsultations(request.patientId, request.before, request.limit + 1, &rows,
                                   &error))
        return replier.fail(protocol::errors::kUnavailable, unavailable(error));
    reply.truncated = rows.size() > request.limit;
    if (reply.truncated)
        rows.removeLast();

    qsizetype used = 0;
    for (const StoredConsultation& row : std::as_const(rows)) {
        auto consultation = bus::Codec<protocol::Consultation>::decode(row.body);
        if (!consultation) {
            qWarning().noquote() << "stored consultation" << row.id
                                 << "is unreadable:" << consultation.error().toString();
            return replier.fail(protocol::errors::kInternal,
                                Text::tr("a stored consultation is unreadable"));
        }
        protocol::HistoryEntry entry{*consultation, {}};
        qsizetype size = encodedSize(entry.toJson());
        if (used + size > kReplyBudget && !reply.entries.isEmpty()) {
            reply.truncated = true;
            break;
        }
        QList<protocol::LabResult> results;
        if (!store().labResultsOf(row.id, static_cast<int>(protocol::limits::kMaxLabOrders),
                                  &results, &error))
            return replier.fail(protocol::errors::kUnavailable, unavailable(error));
        for (const protocol::LabResult& result : std::as_const(results)) {
            const qsizetype resultSize = encodedSize(result.toJson()) + 1;
            if (used + size + resultSize > kReplyBudget) {
                reply.truncated = true;
                break;
            }
            entry.labResults.append(result);
            size += resultSize;
        }
        used += size + 1;
        reply.entries.append(std::move(entry));
        if (reply.truncated)
            break;
    }
    if (!recordHistoryView(caller, request.patientId, &error))
        return replier.fail(protocol::errors::kUnavailable, unavailable(error));
    replier.reply(reply);
}

} // namespace openopd::consultation
