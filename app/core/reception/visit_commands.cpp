#include "core/reception/visit_commands.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "core/reception/waiting_list_model.h"
#include "protocol/endpoints.h"
#include "protocol/limits.h"

#include <QCoreApplication>

namespace openopd::app {

namespace {

// The translation context of this file's strings (lupdate reads VisitCommandsText::tr).
struct VisitCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(VisitCommands)
};

QByteArray visitBody(const protocol::Visit& visit)
{
    return bus::Codec<protocol::VisitReply>::encode(protocol::VisitReply{visit});
}

OutcomeCheck couldNotRead(const bus::BusError& error)
{
    return {OutcomeCheck::Verdict::Unknown,
            VisitCommandsText::tr("Could not find out whether it was done: %1")
                .arg(visitErrorText(error)),
            {}};
}

// Cancel and left unseen: the visit's state says it.
OutcomeReader stateReader(const QString& visitId, protocol::VisitState target)
{
    return [visitId, target](bus::Connection& connection, QObject* context,
                             std::function<void(OutcomeCheck)> done) {
        bus::sendRequest(
            connection, protocol::kGetVisit, protocol::GetVisitRequest{visitId}, context,
            [done, target](bus::Result<protocol::VisitReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                const protocol::Visit& visit = reply->visit;
                const QString token = QString::number(visit.token);
                const QString state = WaitingListModel::stateText(visit.state);
                if (visit.state == target)
                    return done({OutcomeCheck::Verdict::Done,
                                 VisitCommandsText::tr("It was done: token %1 is now: %2.")
                                     .arg(token, state),
                                 visitBody(visit)});
                if (protocol::isTransitionAllowed(visit.state, target))
                    return done({OutcomeCheck::Verdict::NotDone,
                                 VisitCommandsText::tr("It was not done: token %1 is still: %2.")
                                     .arg(token, state),
                                 {}});
                // Closed otherwise meanwhile: nothing left to repeat.
                return done(
                    {OutcomeCheck::Verdict::Done,
                     VisitCommandsText::tr("Token %1 is already closed: %2.").arg(token, state),
                     visitBody(visit)});
            });
    };
}

} // namespace

Command* openVisitCommand(bus::Connection& connection, const protocol::OpenVisitRequest& request,
                          const QString& patientName, QObject* parent)
{
    // The patient's open visit of the day in that queue (one open visit per patient a day).
    OutcomeReader reader = [request, patientName](bus::Connection& readOn, QObject* context,
                                                  std::function<void(OutcomeCheck)> done) {
        protocol::WaitingListRequest read;
        read.queue = request.queue;
        bus::sendRequest(
            readOn, protocol::kWaitingList, read, context,
            [done, request, patientName](bus::Result<protocol::VisitListReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                for (const protocol::Visit& visit : reply->visits)
                    if (visit.patientId == request.patientId)
                        return done({OutcomeCheck::Verdict::Done,
                                     VisitCommandsText::tr("The visit was opened: token %1 for %2.")
                                         .arg(visit.token)
                                         .arg(visit.patientName),
                                     visitBody(visit)});
                // A full list may have left the visit out: then nobody can tell.
                if (reply->visits.size() >= protocol::limits::kMaxListItems)
                    return done({OutcomeCheck::Verdict::Unknown,
                                 VisitCommandsText::tr(
                                     "The waiting list is too long to tell whether the visit "
                                     "was opened."),
                                 {}});
                return done({OutcomeCheck::Verdict::NotDone,
                             VisitCommandsText::tr("No visit was opened for %1.").arg(patientName),
                             {}});
            });
    };
    return new Command(connection, protocol::kOpenVisit.subjectBytes(),
                       bus::Codec<protocol::OpenVisitRequest>::encode(request), std::move(reader),
                       parent);
}

Command* cancelVisitCommand(bus::Connection& connection,
                            const protocol::CancelVisitRequest& request,
                            const protocol::Visit& visit, QObject* parent)
{
    return new Command(connection, protocol::kCancelVisit.subjectBytes(),
                       bus::Codec<protocol::CancelVisitRequest>::encode(request),
                       stateReader(visit.id, protocol::VisitState::Cancelled), parent);
}

Command* leftUnseenCommand(bus::Connection& connection, const protocol::LeftUnseenRequest& request,
                           const protocol::Visit& visit, QObject* parent)
{
    return new Command(connection, protocol::kMarkLeftUnseen.subjectBytes(),
                       bus::Codec<protocol::LeftUnseenRequest>::encode(request),
                       stateReader(visit.id, protocol::VisitState::LeftUnseen), parent);
}

std::optional<protocol::Visit> visitFromReply(const QByteArray& body)
{
    auto reply = bus::Codec<protocol::VisitReply>::decode(body);
    if (!reply)
        return std::nullopt;
    return reply->visit;
}

QString visitErrorText(const bus::BusError& error)
{
    return userText(error);
}

} // namespace openopd::app
