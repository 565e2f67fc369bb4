#pragma once

// The reception desk's visit commands (open, cancel, left unseen) as app::Command objects:
// each is sent once with its request id; when its outcome is unknown the command reads the
// state as docs/protocol.md says ("Which read shows a command's outcome") before anything
// may be repeated:
// - open: opd.registration.visit.waiting of the queue, the patient's open visit of the day;
// - cancel, left unseen: opd.registration.visit.get, the visit's state.
// A Done check carries {"visit": Visit} (VisitReply) in readBody, as the lost answer would.

#include "core/command.h"
#include "protocol/patient.h"
#include "protocol/registration_api.h"

#include <optional>

namespace openopd::app {

// The staff member the requests name (the service replaces it with the verified one).
Command* openVisitCommand(bus::Connection& connection, const protocol::OpenVisitRequest& request,
                          const QString& patientName, QObject* parent);
Command* cancelVisitCommand(bus::Connection& connection,
                            const protocol::CancelVisitRequest& request,
                            const protocol::Visit& visit, QObject* parent);
Command* leftUnseenCommand(bus::Connection& connection, const protocol::LeftUnseenRequest& request,
                           const protocol::Visit& visit, QObject* parent);

// The visit in a command's answer or in a Done check's readBody.
std::optional<protocol::Visit> visitFromReply(const QByteArray& body);

// One translated sentence for the person at the desk (core/error_text.h).
QString visitErrorText(const bus::BusError& error);

} // namespace openopd::app
