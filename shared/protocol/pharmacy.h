#pragma once

#include "protocol/clinical.h"
#include "protocol/staff.h"

namespace openopd::protocol {

// How much of one batch went into a dispensed line: {"batch": code 1..40, "expiry": date,
// "quantity": 1..1000000}.
struct BatchQuantity
{
    QString batch;
    QDate expiry;
    int quantity = 1;

    bool operator==(const BatchQuantity&) const = default;
    QJsonObject toJson() const;
    static BatchQuantity read(json::Reader& reader);
    static bus::Result<BatchQuantity> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<BatchQuantity>(object);
    }
};

// One prescription line as dispensed.
//   line 1..50 (the prescription line)   drug_code, drug_name   quantity 1..1000000
//   batches 1..20 BatchQuantity, first-expiry-first-out; their quantities add up to quantity
struct DispensedLine
{
    int line = 1;
    QString drugCode;
    QString drugName;
    int quantity = 1;
    QList<BatchQuantity> batches;

    bool operator==(const DispensedLine&) const = default;
    QJsonObject toJson() const;
    static DispensedLine read(json::Reader& reader);
    static bus::Result<DispensedLine> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<DispensedLine>(object);
    }
};

// A dispense (the record and the visit.dispensed payload).
//   id, consultation_id, visit_id, patient_id   UUIDs
//   dispensed_at, dispensed_by (StaffRef)      lines 1..50 DispensedLine
//   partial   true when, after this dispense, some prescribed quantity is still missing
//   notes     optional, up to 1000
struct Dispense
{
    QString id;
    QString consultationId;
    QString visitId;
    QString patientId;
    QDateTime dispensedAt;
    StaffRef dispensedBy;
    QList<DispensedLine> lines;
    bool partial = false;
    QString notes;

    bool operator==(const Dispense&) const = default;
    QJsonObject toJson() const;
    static Dispense read(json::Reader& reader);
    static bus::Result<Dispense> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<Dispense>(object);
    }
};

// One batch of one drug in stock.
//   drug_code 1..32   drug_name 1..200   unit optional up to 32 ("tablet")
//   batch 1..40       expiry date        quantity 0..1000000   reorder_level 0..1000000
//   (reorder_level belongs to the drug and is repeated on each batch)
//   updated_at optional timestamp
struct StockItem
{
    QString drugCode;
    QString drugName;
    QString unit;
    QString batch;
    QDate expiry;
    int quantity = 0;
    int reorderLevel = 0;
    QDateTime updatedAt;

    bool operator==(const StockItem&) const = default;
    QJsonObject toJson() const;
    static StockItem read(json::Reader& reader);
    static bus::Result<StockItem> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StockItem>(object);
    }
};

// A stock change (stock.received and stock.adjusted payload).
//   drug_code, drug_name, batch, expiry
//   delta            -1000000..1000000 (0 when only the reorder level changed)
//   quantity_after   0..1000000 (the batch after the change)
//   reorder_level    0..1000000 (the drug's, after the change)
//   reason           received | dispensed | count_correction | damaged | expired | returned | other
//   note optional up to 1000;  at timestamp
struct StockMovement
{
    QString drugCode;
    QString drugName;
    QString batch;
    QDate expiry;
    int delta = 0;
    int quantityAfter = 0;
    int reorderLevel = 0;
    StockReason reason = StockReason::Received;
    QString note;
    QDateTime at;

    bool operator==(const StockMovement&) const = default;
    QJsonObject toJson() const;
    static StockMovement read(json::Reader& reader);
    static bus::Result<StockMovement> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StockMovement>(object);
    }
};

// stock.low payload: a drug's total (all unexpired batches) fell to or below its reorder
// level. {drug_code, drug_name, total_quantity 0..100000000, reorder_level, at}
struct StockLow
{
    QString drugCode;
    QString drugName;
    int totalQuantity = 0;
    int reorderLevel = 0;
    QDateTime at;

    bool operator==(const StockLow&) const = default;
    QJsonObject toJson() const;
    static StockLow read(json::Reader& reader);
    static bus::Result<StockLow> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<StockLow>(object);
    }
};

// A prescription line still to dispense: the PrescriptionLine fields flattened, plus
// line (1..50) and dispensed_quantity (0..1000000, what earlier partial dispenses gave).
struct PendingPrescriptionLine
{
    int line = 1;
    PrescriptionLine prescription;
    int dispensedQuantity = 0;

    bool operator==(const PendingPrescriptionLine&) const = default;
    QJsonObject toJson() const;
    static PendingPrescriptionLine read(json::Reader& reader);
    static bus::Result<PendingPrescriptionLine> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PendingPrescriptionLine>(object);
    }
};

// A consultation's prescription waiting at the pharmacy.
//   consultation_id, visit_id, patient_id   patient_name
//   prescribed_by (StaffRef), prescribed_at  lines 1..50 PendingPrescriptionLine
struct PendingPrescription
{
    QString consultationId;
    QString visitId;
    QString patientId;
    QString patientName;
    StaffRef prescribedBy;
    QDateTime prescribedAt;
    QList<PendingPrescriptionLine> lines;

    bool operator==(const PendingPrescription&) const = default;
    QJsonObject toJson() const;
    static PendingPrescription read(json::Reader& reader);
    static bus::Result<PendingPrescription> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<PendingPrescription>(object);
    }
};

// Reader of a stock batch number, shared with the pharmacy requests.
QString readBatch(json::Reader& reader, const QString& name, bool required);

} // namespace openopd::protocol
