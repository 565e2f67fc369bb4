#pragma once

// The doctor's commands as app::Command objects (core/command.h): each is sent once with its
// request id; when its outcome is unknown the command reads what docs/protocol.md says
// ("Which read shows a command's outcome") before anything may be repeated:
// - call next: opd.consultation.queue.list (include_called): a visit called by this doctor;
// - call this one: the same list: that visit called by this doctor;
// - start: the same list: the visit in consultation;
// - save: opd.consultation.patient.history: a consultation of this visit (other than
//   earlierId: the first round of a visit back from the lab, QueueEntry::reviewOf).
// A Done check carries the lost answer's shape in readBody (CallNextReply, QueueEntryReply,
// ConsultationReply).

#include "core/command.h"
#include "protocol/consultation_api.h"

#include <optional>

namespace openopd::app {

// The subject of "call this one" (the backend's call of a chosen visit, issue 11).
QByteArray callVisitSubject();

Command* callNextCommand(bus::Connection& connection, const protocol::CallNextRequest& request,
                         QObject* parent);
// opd.consultation.queue.call -> {"entry": QueueEntry}; 409 when someone called it first.
Command* callVisitCommand(bus::Connection& connection, const protocol::StaffRef& staff,
                          const QString& visitId, QObject* parent);
Command* startConsultationCommand(bus::Connection& connection,
                                  const protocol::StartConsultationRequest& request,
                                  QObject* parent);
Command* saveConsultationCommand(bus::Connection& connection,
                                 const protocol::SaveConsultationRequest& request,
                                 const QString& patientId, const QString& earlierId,
                                 QObject* parent);

// The called entry of a call next / call this one / start answer (or a Done readBody):
// nullopt when nobody was called.
std::optional<protocol::QueueEntry> calledEntryFromReply(const QByteArray& body);
std::optional<protocol::Consultation> consultationFromReply(const QByteArray& body);

// One translated sentence for the doctor; a 409 keeps the service's words (it names who).
QString doctorErrorText(const bus::BusError& error);

} // namespace openopd::app
