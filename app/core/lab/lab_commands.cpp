#include "core/lab/lab_commands.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "core/lab/lab_orders_model.h"
#include "protocol/endpoints.h"
#include "protocol/limits.h"
#include "protocol/validation.h"

#include <QCoreApplication>

namespace openopd::app {

namespace {

struct LabCommandsText
{
    Q_DECLARE_TR_FUNCTIONS(LabCommands)
};

OutcomeCheck couldNotRead(const bus::BusError& error)
{
    return {OutcomeCheck::Verdict::Unknown,
            LabCommandsText::tr("Could not find out whether it was done: %1").arg(userText(error)),
            {}};
}

// Reads the pending orders and lets judge decide from the order's row (nullopt: not listed).
OutcomeReader
pendingReader(const QString& orderId,
              std::function<OutcomeCheck(const std::optional<protocol::LabOrder>&)> judge)
{
    return [orderId, judge](bus::Connection& connection, QObject* context,
                            std::function<void(OutcomeCheck)> done) {
        protocol::PendingLabOrdersRequest request;
        request.limit = 200;
        bus::sendRequest(
            connection, protocol::kPendingLabOrders, request, context,
            [done, judge, orderId](bus::Result<protocol::LabOrderListReply> reply) {
                if (!reply)
                    return done(couldNotRead(reply.error()));
                for (const protocol::LabOrder& order : reply->orders)
                    if (order.id == orderId)
                        return done(judge(order));
                if (reply->truncated)
                    return done({OutcomeCheck::Verdict::Unknown,
                                 LabCommandsText::tr("The list of pending orders is too long to "
                                                     "tell whether it was done."),
                                 {}});
                return done(judge(std::nullopt));
            });
    };
}

QString tooLong(qsizetype limit)
{
    return LabCommandsText::tr("At most %n characters.", nullptr, int(limit));
}

} // namespace

Command* collectSampleCommand(bus::Connection& connection,
                              const protocol::CollectSampleRequest& request,
                              const protocol::LabOrder& order, QObject* parent)
{
    const QString test = order.test.testName;
    auto judge = [test](const std::optional<protocol::LabOrder>& now) -> OutcomeCheck {
        if (now && now->state == protocol::LabOrderState::Ordered)
            return {OutcomeCheck::Verdict::NotDone,
                    LabCommandsText::tr("The sample for %1 is still to be collected.").arg(test),
                    {}};
        return {OutcomeCheck::Verdict::Done,
                now ? LabCommandsText::tr("The sample for %1 is collected.").arg(test)
                    : LabCommandsText::tr("%1 is no longer pending.").arg(test),
                {}};
    };
    return new Command(connection, protocol::kCollectSample.subjectBytes(),
                       bus::Codec<protocol::CollectSampleRequest>::encode(request),
                       pendingReader(order.id, judge), parent);
}

Command* enterLabResultCommand(bus::Connection& connection,
                               const protocol::EnterLabResultRequest& request,
                               const protocol::LabOrder& order, QObject* parent)
{
    const QString test = order.test.testName;
    auto judge = [test](const std::optional<protocol::LabOrder>& now) -> OutcomeCheck {
        if (now)
            return {OutcomeCheck::Verdict::NotDone,
                    LabCommandsText::tr("%1 is still waiting for its result.").arg(test),
                    {}};
        return {OutcomeCheck::Verdict::Done,
                LabCommandsText::tr("The result of %1 is recorded.").arg(test),
                {}};
    };
    return new Command(connection, protocol::kEnterLabResult.subjectBytes(),
                       bus::Codec<protocol::EnterLabResultRequest>::encode(request),
                       pendingReader(order.id, judge), parent);
}

QHash<QString, QString> labResultProblems(const protocol::LabResultEntry& entry)
{
    namespace limits = protocol::limits;
    QHash<QString, QString> problems;
    if (entry.value.trimmed().isEmpty())
        problems.insert(QStringLiteral("value"),
                        LabCommandsText::tr("Enter the result (a number or a word)."));
    else if (entry.value.size() > limits::kNote)
        problems.insert(QStringLiteral("value"), tooLong(limits::kNote));
    if (entry.unit.size() > limits::kUnit)
        problems.insert(QStringLiteral("unit"), tooLong(limits::kUnit));
    if (entry.referenceRange.size() > limits::kRange)
        problems.insert(QStringLiteral("reference_range"), tooLong(limits::kRange));
    if (entry.notes.size() > limits::kNote)
        problems.insert(QStringLiteral("notes"), tooLong(limits::kNote));
    return problems;
}

QString sampleIdProblem(const QString& sampleId)
{
    if (sampleId.isEmpty())
        return {};
    if (sampleId.size() > protocol::limits::kBatch)
        return tooLong(protocol::limits::kBatch);
    if (!protocol::isValidCode(sampleId))
        return LabCommandsText::tr(
            "Letters, digits and . _ / - only, starting with a letter or digit; no spaces.");
    return {};
}

QString labResultField(const QString& wireField)
{
    QString field = wireField;
    if (field.startsWith(QStringLiteral("result.")))
        field = field.mid(7);
    return field;
}

} // namespace openopd::app
