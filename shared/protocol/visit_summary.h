#pragma once

// What happened in one visit, as the discharge service keeps it for the visit summary
// (opd.discharge.release.get "summary"): staff who release a patient (doctor, pharmacist)
// see it without reading the patient's whole history.
//   consultation  Consultation (opt: once consulted; the latest saved)
//   dispenses     [Dispense] 0..50, oldest first
//   lab_results   [LabResult] 0..30, by consultation line
// Every item belongs to the visit of the reply (checked by ReleaseStatusReply::read).

#include "protocol/consultation.h"
#include "protocol/lab.h"
#include "protocol/pharmacy.h"

namespace openopd::protocol {

struct VisitSummary
{
    std::optional<Consultation> consultation;
    QList<Dispense> dispenses;
    QList<LabResult> labResults;

    static constexpr qsizetype kMaxDispenses = 50;

    bool isEmpty() const { return !consultation && dispenses.isEmpty() && labResults.isEmpty(); }
    bool operator==(const VisitSummary&) const = default;
    QJsonObject toJson() const;
    static VisitSummary read(json::Reader& reader);
    static bus::Result<VisitSummary> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<VisitSummary>(object);
    }
    // The field path of the first item whose visit_id is not visitId ("" when all match).
    QString foreignItem(const QString& visitId) const;
};

} // namespace openopd::protocol
