#pragma once

// A lab result back to the ordering doctor (issue 11): the doctor's "results to review" row,
// list.results_changed, and once every lab order of the consultation has its result,
// visit.results_in — with the visit back in that doctor's queue when the disposition was
// to_lab ("come back with the results"). Runs in the consultation-lab consumer's
// transaction, after the result was stored; repeats and late events change nothing.

#include "consultation/consultation_store.h"
#include "host/event_consumer.h"
#include "protocol/event_envelope.h"

namespace openopd::consultation {

host::HandlerResult followLabResult(host::Database& db,
                                    const protocol::EventEnvelope<protocol::LabResult>& event);

// list.results_changed for the visit: its results not yet reviewed (none: removed).
bool announceResultsChange(host::Database& db, const QString& visitId, const QString& patientId,
                           const protocol::StaffRef& actor, const QDateTime& at, QString* error);

} // namespace openopd::consultation
