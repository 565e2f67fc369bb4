#pragma once

// The lab's commands (issue 11) as app::Command objects, each sent once with its request id.
// When the outcome is unknown the command reads opd.lab.order.pending before anything may be
// repeated (docs/protocol.md, "Which read shows a command's outcome"):
// - sample.collect: done when the order is listed as collected (or has left the list);
//   not done while it is still "ordered";
// - result.enter: done when the order has left the pending list; not done while listed.
// A truncated list that does not show the order cannot tell (Unknown).
//
// And the client-side rules of the result form (the service's limits, said per field).

#include "core/command.h"
#include "protocol/lab_api.h"

#include <QHash>

namespace openopd::app {

Command* collectSampleCommand(bus::Connection& connection,
                              const protocol::CollectSampleRequest& request,
                              const protocol::LabOrder& order, QObject* parent);
Command* enterLabResultCommand(bus::Connection& connection,
                               const protocol::EnterLabResultRequest& request,
                               const protocol::LabOrder& order, QObject* parent);

// Field -> translated message for what the service would refuse; keys are the wire names
// (value, unit, reference_range, notes). Empty: the entry may be sent.
QHash<QString, QString> labResultProblems(const protocol::LabResultEntry& entry);
// The sample id (tube label): optional; letters, digits, '-', '_', '.', '/' up to 40.
QString sampleIdProblem(const QString& sampleId);
// A service's field error ("result.value") as the form's field name ("value").
QString labResultField(const QString& wireField);

} // namespace openopd::app
