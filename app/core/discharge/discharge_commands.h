#pragma once

// Recording how a visit ends (issue 11) as an app::Command: sent once with its request id;
// when the outcome is unknown it reads opd.discharge.release.get before anything may be
// repeated (docs/protocol.md, "Which read shows a command's outcome"): done when the visit
// has a discharge (its readBody is {"discharge": Discharge}, as the lost answer would be),
// not done while it is still open. And the client-side rules of the discharge form.

#include "core/command.h"
#include "protocol/discharge_api.h"

#include <QHash>

namespace openopd::app {

Command* recordDischargeCommand(bus::Connection& connection,
                                const protocol::RecordDischargeRequest& request,
                                const QString& patientName, QObject* parent);

// The discharge in a command's answer or in a Done check's readBody.
std::optional<protocol::Discharge> dischargeFromReply(const QByteArray& body);

// Field (wire name: destination, notes, next_visit) -> translated problem; empty: may send.
// today: the clinic's date (a next visit must not be before it, as the service says).
QHash<QString, QString> dischargeProblems(const protocol::DischargeDetails& details, QDate today);

QString outcomeText(protocol::DischargeOutcome outcome);

} // namespace openopd::app
