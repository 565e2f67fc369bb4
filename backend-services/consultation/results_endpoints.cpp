// The ordering doctor's lab results: opd.consultation.results.to_review (read) and
// opd.consultation.results.reviewed (mark one reviewed; list.results_changed).

#include "consultation/consultation_service.h"
#include "consultation/consultation_text.h"
#include "consultation/lab_progress.h"
#include "consultation/queue_events.h"
#include "protocol/errors.h"
#include "protocol/limits.h"

namespace openopd::consultation {

namespace errors = protocol::errors;

void ConsultationService::resultsToReview(const protocol::ResultsToReviewRequest& request,
                                          bus::Replier<protocol::ResultsToReviewReply> replier)
{
    // "Reviewed" ones shown with include_reviewed: those reviewed since the clinic day began.
    const QDateTime dayStart = clinicDay().startOfDay().toUTC();
    const int limit = static_cast<int>(protocol::limits::kMaxListItems);
    protocol::ResultsToReviewReply reply;
    QString error;
    if (!store().resultsOfDoctor(request.staff.id, request.includeReviewed, dayStart, limit + 1,
                                 &reply.results, &error))
        return replier.fail(errors::kUnavailable, unavailable(error));
    reply.truncated = reply.results.size() > limit;
    if (reply.truncated)
        reply.results.resize(limit);
    replier.reply(reply);
}

void ConsultationService::markResultReviewed(const protocol::MarkResultReviewedRequest& request,
                                             bus::Replier<protocol::ResultToReviewReply> replier)
{
    const QDateTime now = protocol::nowUtc();
    Refusal refusal;
    std::optional<protocol::ResultToReview> row;
    QString error;
    const bool ok = m_host.commit(
        [&](QSqlDatabase&, QString* workError) {
            if (!store().findResultToReview(request.orderId, &row, workError))
                return false;
            if (!row) {
                refusal = {errors::kNotFound,
                           Text::tr("no lab result of this order has reached the doctor"),
                           QStringLiteral("order_id")};
                return false;
            }
            if (row->orderedBy.id != request.staff.id) {
                refusal = {errors::kConflict,
                           Text::tr("this result goes to %1, who ordered it")
                               .arg(staffName(row->orderedBy)),
                           {}};
                return false;
            }
            bool changed = false;
            if (!store().markReviewed(request.orderId, request.staff, now, &changed, workError) ||
                !store().findResultToReview(request.orderId, &row, workError) || !row)
                return false;
            return !changed || announceResultsChange(m_host.database(), row->visitId,
                                                     row->patientId, request.staff, now, workError);
        },
        &error);
    if (refusal.code != 0)
        return replier.fail(refusal.code, refusal.message, refusal.field);
    if (!ok)
        return replier.fail(errors::kUnavailable, unavailable(error));
    replier.reply({*row});
}

} // namespace openopd::consultation
