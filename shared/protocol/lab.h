#pragma once

#include "protocol/clinical.h"
#include "protocol/staff.h"

namespace openopd::protocol {

// A lab test to do, created by the lab from a consultation's lab order line.
//   id                          UUID assigned by the lab service
//   consultation_id, line       the order line it comes from (line 1..50)
//   visit_id, patient_id        UUIDs;  patient_name 1..200
//   + the LabOrderLine fields (test_code, test_name, specimen?, urgent, notes?)
//   ordered_at, ordered_by      from the consultation
//   state                       ordered | collected | resulted | cancelled
//   collected_at?, collected_by?, sample_id? (code 1..40)   once collected
struct LabOrder
{
    QString id;
    QString consultationId;
    int line = 1;
    QString visitId;
    QString patientId;
    QString patientName;
    LabOrderLine test;
    QDateTime orderedAt;
    StaffRef orderedBy;
    LabOrderState state = LabOrderState::Ordered;
    QDateTime collectedAt;
    std::optional<StaffRef> collectedBy;
    QString sampleId;

    bool operator==(const LabOrder&) const = default;
    QJsonObject toJson() const;
    static LabOrder read(json::Reader& reader);
    static bus::Result<LabOrder> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<LabOrder>(object);
    }
};

// What the lab technician enters for an order (sent as "result" in EnterLabResultRequest).
//   value 1..4000 (number or text: "5.4", "positive")   unit optional up to 32
//   reference_range optional up to 100                   flag normal | abnormal | critical
//   notes optional up to 4000
struct LabResultEntry
{
    QString value;
    QString unit;
    QString referenceRange;
    LabFlag flag = LabFlag::Normal;
    QString notes;

    bool operator==(const LabResultEntry&) const = default;
    void write(QJsonObject& object) const;
    QJsonObject toJson() const;
    static LabResultEntry read(json::Reader& reader);
    static bus::Result<LabResultEntry> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<LabResultEntry>(object);
    }
};

// A resulted lab test (the record and the lab.resulted payload).
//   order_id, consultation_id, visit_id, patient_id   UUIDs;  line 1..50
//   test_code, test_name    + every LabResultEntry field
//   resulted_at, resulted_by (StaffRef)
struct LabResult
{
    QString orderId;
    QString consultationId;
    int line = 1;
    QString visitId;
    QString patientId;
    QString testCode;
    QString testName;
    LabResultEntry entry;
    QDateTime resultedAt;
    StaffRef resultedBy;

    bool operator==(const LabResult&) const = default;
    QJsonObject toJson() const;
    static LabResult read(json::Reader& reader);
    static bus::Result<LabResult> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<LabResult>(object);
    }
};

// A lab result waiting for (or given) the ordering doctor's review: a row of
// opd.consultation.results.to_review and of list.results_changed.
//   order_id, visit_id, patient_id, consultation_id  UUIDs (= the result's)
//   patient_name 1..200;  ordered_by  StaffRef (the doctor who saved the consultation)
//   result       LabResult (the latest entered for the order)
//   reviewed_at?, reviewed_by? (StaffRef): set once the doctor marked it reviewed
struct ResultToReview
{
    QString orderId;
    QString visitId;
    QString patientId;
    QString consultationId;
    QString patientName;
    StaffRef orderedBy;
    LabResult result;
    QDateTime reviewedAt;
    std::optional<StaffRef> reviewedBy;

    bool operator==(const ResultToReview&) const = default;
    QJsonObject toJson() const;
    static ResultToReview read(json::Reader& reader);
    static bus::Result<ResultToReview> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<ResultToReview>(object);
    }
};

} // namespace openopd::protocol
