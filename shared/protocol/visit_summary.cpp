#include "protocol/visit_summary.h"

#include "protocol/limits.h"

namespace openopd::protocol {

QJsonObject VisitSummary::toJson() const
{
    QJsonObject object;
    if (consultation)
        object.insert(QStringLiteral("consultation"), consultation->toJson());
    object.insert(QStringLiteral("dispenses"), json::toArray(dispenses));
    object.insert(QStringLiteral("lab_results"), json::toArray(labResults));
    return object;
}

VisitSummary VisitSummary::read(json::Reader& reader)
{
    VisitSummary summary;
    summary.consultation = reader.optionalObject<Consultation>(QStringLiteral("consultation"));
    summary.dispenses = reader.list<Dispense>(QStringLiteral("dispenses"), kMaxDispenses, false);
    summary.labResults =
        reader.list<LabResult>(QStringLiteral("lab_results"), limits::kMaxLabOrders, false);
    return summary;
}

QString VisitSummary::foreignItem(const QString& visitId) const
{
    if (consultation && consultation->visitId != visitId)
        return QStringLiteral("consultation.visit_id");
    for (qsizetype i = 0; i < dispenses.size(); ++i)
        if (dispenses.at(i).visitId != visitId)
            return QStringLiteral("dispenses[%1].visit_id").arg(i);
    for (qsizetype i = 0; i < labResults.size(); ++i)
        if (labResults.at(i).visitId != visitId)
            return QStringLiteral("lab_results[%1].visit_id").arg(i);
    return {};
}

} // namespace openopd::protocol
