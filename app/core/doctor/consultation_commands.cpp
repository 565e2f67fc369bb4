#include "core/doctor/consultation_commands.h"

#include "bus/codec.h"
#include "bus/request_handle.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"

#include <QCoreApplication>

namespace openopd::app {

using protocol::QueueEntry;
using protocol::VisitState;

namespace {

struct DoctorCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(DoctorCommands)
};

OutcomeCheck couldNotRead(const bus::BusError& error)
{
    return {OutcomeCheck::Verdict::Unknown,
            DoctorCommandsText::tr("Could not find out whether it was done: %1")
                .arg(doctorErrorText(error)),
            {}};
}

QByteArray entryBody(const QueueEntry& entry)
{
    return bus::Codec<protocol::QueueEntryReply>::encode(protocol::QueueEntryReply{entry});
}

// Reads the doctor's queue and lets verdict decide from its entries.
OutcomeReader queueReader(std::function<OutcomeCheck(const QList<QueueEntry>&)> verdict)
{
    return [verdict](bus::Connection& connection, QObject* context,
                     std::function<void(OutcomeCheck)> done) {
        protocol::DoctorQueueRequest read;
        read.includeCalled = true;
        bus::sendRequest(connection, protocol::kDoctorQueue, read, context,
                         [done, verdict](bus::Result<protocol::DoctorQueueReply> reply) {
                             if (!reply)
                                 return done(couldNotRead(reply.error()));
                             return done(verdict(reply->entries));
                         });
    };
}

bool calledBy(const QueueEntry& entry, const QString& staffId)
{
    return entry.state == VisitState::Called && entry.calledBy && entry.calledBy->id == staffId;
}

} // namespace

QByteArray callVisitSubject()
{
    return protocol::kCallVisit.subjectBytes();
}

Command* callNextCommand(bus::Connection& connection, const protocol::CallNextRequest& request,
                         QObject* parent)
{
    const QString me = request.staff.id;
    auto reader = queueReader([me](const QList<QueueEntry>& entries) -> OutcomeCheck {
        for (const QueueEntry& entry : entries)
            if (calledBy(entry, me))
                return {OutcomeCheck::Verdict::Done,
                        DoctorCommandsText::tr("Token %1 (%2) was called.")
                            .arg(entry.token)
                            .arg(entry.patientName),
                        entryBody(entry)};
        return {OutcomeCheck::Verdict::NotDone, DoctorCommandsText::tr("Nobody was called."), {}};
    });
    return new Command(connection, protocol::kCallNext.subjectBytes(),
                       bus::Codec<protocol::CallNextRequest>::encode(request), std::move(reader),
                       parent);
}

Command* callVisitCommand(bus::Connection& connection, const protocol::StaffRef& staff,
                          const QString& visitId, QObject* parent)
{
    protocol::CallVisitRequest request;
    request.staff = staff;
    request.visitId = visitId;
    const QString me = staff.id;
    auto reader = queueReader([me, visitId](const QList<QueueEntry>& entries) -> OutcomeCheck {
        for (const QueueEntry& entry : entries) {
            if (entry.visitId != visitId)
                continue;
            if (calledBy(entry, me))
                return {OutcomeCheck::Verdict::Done,
                        DoctorCommandsText::tr("Token %1 (%2) was called.")
                            .arg(entry.token)
                            .arg(entry.patientName),
                        entryBody(entry)};
            if (entry.state == VisitState::Registered)
                return {OutcomeCheck::Verdict::NotDone,
                        DoctorCommandsText::tr("%1 was not called.").arg(entry.patientName),
                        {}};
            return {OutcomeCheck::Verdict::Done,
                    DoctorCommandsText::tr("%1 is already in another doctor's hands.")
                        .arg(entry.patientName),
                    {}};
        }
        return {OutcomeCheck::Verdict::Done,
                DoctorCommandsText::tr("The visit is no longer in the queue."),
                {}};
    });
    return new Command(connection, callVisitSubject(),
                       bus::Codec<protocol::CallVisitRequest>::encode(request), std::move(reader),
                       parent);
}

Command* startConsultationCommand(bus::Connection& connection,
                                  const protocol::StartConsultationRequest& request,
                                  QObject* parent)
{
    const QString visitId = request.visitId;
    auto reader = queueReader([visitId](const QList<QueueEntry>& entries) -> OutcomeCheck {
        for (const QueueEntry& entry : entries) {
            if (entry.visitId != visitId)
                continue;
            if (entry.state == VisitState::InConsultation)
                return {OutcomeCheck::Verdict::Done,
                        DoctorCommandsText::tr("The consultation has started."), entryBody(entry)};
            return {OutcomeCheck::Verdict::NotDone,
                    DoctorCommandsText::tr("The consultation has not started."),
                    {}};
        }
        return {OutcomeCheck::Verdict::Done,
                DoctorCommandsText::tr("The visit is no longer in the queue."),
                {}};
    });
    return new Command(connection, protocol::kStartConsultation.subjectBytes(),
                       bus::Codec<protocol::StartConsultationRequest>::encode(request),
                       std::move(reader), parent);
}

Command* saveConsultationCommand(bus::Connection& connection,
                                 const protocol::SaveConsultationRequest& request,
                                 const QString& patientId, const QString& earlierId,
                                 QObject* parent)
{
    const QString visitId = request.visitId;
    OutcomeReader reader = [visitId, patientId, earlierId](bus::Connection& readOn,
                                                           QObject* context,
                                                           std::function<void(OutcomeCheck)> done) {
        protocol::PatientHistoryRequest read;
        read.patientId = patientId;
        read.limit = 5;
        bus::sendRequest(
            readOn, protocol::kPatientHistory, read, context,
            [done, visitId, earlierId](bus::Result<protocol::PatientHistoryReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                for (const protocol::HistoryEntry& entry : reply->entries)
                    if (entry.consultation.visitId == visitId && entry.consultation.id != earlierId)
                        return done({OutcomeCheck::Verdict::Done,
                                     DoctorCommandsText::tr("The consultation was saved."),
                                     bus::Codec<protocol::ConsultationReply>::encode(
                                         protocol::ConsultationReply{entry.consultation})});
                return done({OutcomeCheck::Verdict::NotDone,
                             DoctorCommandsText::tr("The consultation was not saved."),
                             {}});
            });
    };
    return new Command(connection, protocol::kSaveConsultation.subjectBytes(),
                       bus::Codec<protocol::SaveConsultationRequest>::encode(request),
                       std::move(reader), parent);
}

std::optional<QueueEntry> calledEntryFromReply(const QByteArray& body)
{
    // Call next answers {"entry"?}; call this one and start answer {"entry"}.
    if (auto reply = bus::Codec<protocol::CallNextReply>::decode(body))
        return reply->entry;
    return std::nullopt;
}

std::optional<protocol::Consultation> consultationFromReply(const QByteArray& body)
{
    auto reply = bus::Codec<protocol::ConsultationReply>::decode(body);
    if (!reply)
        return std::nullopt;
    return reply->consultation;
}

QString doctorErrorText(const bus::BusError& error)
{
    if (error.kind == bus::BusError::Kind::ServiceError && error.code == 409 &&
        !error.message.isEmpty())
        return error.message;
    return userText(error);
}

} // namespace openopd::app
