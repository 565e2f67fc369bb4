#pragma once

// The visit summary the discharge service keeps (opd.discharge.release.get "summary"): the
// bodies of visit.consulted, visit.dispensed and lab.resulted as they arrive, so that whoever
// releases the patient sees the visit without reading the patient's history.
//   release_consultations  (visit_id) the latest consultation of the visit, its JSON
//   release_dispenses      (dispense_id) each dispense of the visit, its JSON
//   release_lab_reports    (consultation_id, line) each lab result, its JSON

#include "bus/js_message.h"
#include "host/event_consumer.h"
#include "host/migrations.h"
#include "protocol/visit_summary.h"

namespace openopd::discharge::summary {

// Migration 11: the three tables (events consumed before it are not in any summary).
void addMigrations(host::Migrations& migrations);

// Stores the body of a visit.consulted, visit.dispensed or lab.resulted event (in the
// consumer's transaction); any other subject, or an event that does not decode (the main
// handler refuses it), is left alone. retry() when the database fails.
host::HandlerResult remember(const bus::JsMessage& message, host::Database& db);

// The summary of one visit: the consultation, dispenses (oldest first), lab results of the
// visit's current consultation (by line).
bool load(host::Database& db, const QString& visitId, protocol::VisitSummary* summary,
          QString* error);

} // namespace openopd::discharge::summary
