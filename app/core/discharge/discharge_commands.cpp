#include "core/discharge/discharge_commands.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"
#include "protocol/limits.h"

#include <QCoreApplication>

namespace openopd::app {

namespace {

struct DischargeCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(DischargeCommands)
};

} // namespace

QString outcomeText(protocol::DischargeOutcome outcome)
{
    switch (outcome) {
    case protocol::DischargeOutcome::Discharged:
        return DischargeCommandsText::tr("Discharged home");
    case protocol::DischargeOutcome::Admitted:
        return DischargeCommandsText::tr("Admitted");
    case protocol::DischargeOutcome::Referred:
        return DischargeCommandsText::tr("Referred");
    }
    return {};
}

Command* recordDischargeCommand(bus::Connection& connection,
                                const protocol::RecordDischargeRequest& request,
                                const QString& patientName, QObject* parent)
{
    const QString visitId = request.visitId;
    OutcomeReader reader = [visitId, patientName](bus::Connection& readOn, QObject* context,
                                                  std::function<void(OutcomeCheck)> done) {
        bus::sendRequest(
            readOn, protocol::kGetRelease, protocol::GetReleaseRequest{visitId}, context,
            [done, patientName](bus::Result<protocol::ReleaseStatusReply> reply) {
                using Verdict = OutcomeCheck::Verdict;
                if (!reply)
                    return done(
                        {Verdict::Unknown,
                         DischargeCommandsText::tr("Could not find out whether it was done: %1")
                             .arg(userText(reply.error())),
                         {}});
                if (reply->discharge)
                    return done(
                        {Verdict::Done,
                         DischargeCommandsText::tr("%1: %2 by %3.")
                             .arg(patientName, outcomeText(reply->discharge->details.outcome),
                                  reply->discharge->recordedBy.name),
                         bus::Codec<protocol::DischargeReply>::encode(
                             protocol::DischargeReply{*reply->discharge})});
                if (protocol::isFinalState(reply->state))
                    return done({Verdict::Done,
                                 DischargeCommandsText::tr("The visit of %1 is already closed.")
                                     .arg(patientName),
                                 {}});
                return done(
                    {Verdict::NotDone,
                     DischargeCommandsText::tr("The visit of %1 is still open.").arg(patientName),
                     {}});
            });
    };
    return new Command(connection, protocol::kRecordDischarge.subjectBytes(),
                       bus::Codec<protocol::RecordDischargeRequest>::encode(request),
                       std::move(reader), parent);
}

std::optional<protocol::Discharge> dischargeFromReply(const QByteArray& body)
{
    auto reply = bus::Codec<protocol::DischargeReply>::decode(body);
    if (!reply)
        return std::nullopt;
    return reply->discharge;
}

QHash<QString, QString> dischargeProblems(const protocol::DischargeDetails& details, QDate today)
{
    namespace limits = protocol::limits;
    QHash<QString, QString> problems;
    const QString destination = details.destination.trimmed();
    if (details.outcome == protocol::DischargeOutcome::Admitted && destination.isEmpty())
        problems.insert(QStringLiteral("destination"),
                        DischargeCommandsText::tr("Enter the ward the patient is admitted to."));
    else if (details.outcome == protocol::DischargeOutcome::Referred && destination.isEmpty())
        problems.insert(
            QStringLiteral("destination"),
            DischargeCommandsText::tr("Enter the facility the patient is referred to."));
    else if (destination.size() > limits::kName)
        problems.insert(
            QStringLiteral("destination"),
            DischargeCommandsText::tr("At most %n characters.", nullptr, int(limits::kName)));
    if (details.notes.size() > limits::kNote)
        problems.insert(
            QStringLiteral("notes"),
            DischargeCommandsText::tr("At most %n characters.", nullptr, int(limits::kNote)));
    if (details.nextVisit.isValid() && details.nextVisit < today)
        problems.insert(QStringLiteral("next_visit"),
                        DischargeCommandsText::tr("The next visit cannot be in the past."));
    return problems;
}

} // namespace openopd::app
