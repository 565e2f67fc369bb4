#pragma once

// Requests and replies of the pharmacy service (opd.pharmacy.>).

#include "protocol/pharmacy.h"

namespace openopd::protocol {

// opd.pharmacy.prescription.pending: limit 1..200 (default 50), oldest first.
struct PendingPrescriptionsRequest
{
    int limit = 50;

    bool operator==(const PendingPrescriptionsRequest&) const = default;
    QJsonObject toJson() const;
    static PendingPrescriptionsRequest read(json::Reader& reader);
    static bus::Result<PendingPrescriptionsRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PendingPrescriptionsRequest>(object);
    }
};

// {"prescriptions": [PendingPrescription] (0..200), "truncated": bool}
struct PendingPrescriptionsReply
{
    QList<PendingPrescription> prescriptions;
    bool truncated = false;

    bool operator==(const PendingPrescriptionsReply&) const = default;
    QJsonObject toJson() const;
    static PendingPrescriptionsReply read(json::Reader& reader);
    static bus::Result<PendingPrescriptionsReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PendingPrescriptionsReply>(object);
    }
};

// One line to dispense: {"line": 1..50, "quantity": 1..1000000}.
struct DispenseRequestLine
{
    int line = 1;
    int quantity = 1;

    bool operator==(const DispenseRequestLine&) const = default;
    QJsonObject toJson() const;
    static DispenseRequestLine read(json::Reader& reader);
    static bus::Result<DispenseRequestLine> fromJson(const QJsonObject& object)
    {
        return json::decodeObject<DispenseRequestLine>(object);
    }
};

// opd.pharmacy.dispense: staff; consultation_id; lines 1..50 DispenseRequestLine (each line
// number at most once); notes optional up to 1000. Batches are chosen first-expiry-first-out
// among unexpired stock. 409 (field lines[i].quantity) when stock is short or the quantity
// exceeds what remains prescribed; nothing is dispensed then.
struct DispenseRequest
{
    StaffRef staff;
    QString consultationId;
    QList<DispenseRequestLine> lines;
    QString notes;

    bool operator==(const DispenseRequest&) const = default;
    QJsonObject toJson() const;
    static DispenseRequest read(json::Reader& reader);
    static bus::Result<DispenseRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<DispenseRequest>(object);
    }
};

// {"dispense": Dispense}
struct DispenseReply
{
    Dispense dispense;

    bool operator==(const DispenseReply&) const = default;
    QJsonObject toJson() const;
    static DispenseReply read(json::Reader& reader);
    static bus::Result<DispenseReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<DispenseReply>(object);
    }
};

// Where a prescription stands: open (something left to dispense), complete (every line
// dispensed in full), closed (its visit ended first: nothing more is dispensed).
enum class PrescriptionState { Open, Complete, Closed };

template <> struct EnumTraits<PrescriptionState>
{
    static constexpr std::array kEntries{
        EnumEntry<PrescriptionState>{PrescriptionState::Open, "open"},
        EnumEntry<PrescriptionState>{PrescriptionState::Complete, "complete"},
        EnumEntry<PrescriptionState>{PrescriptionState::Closed, "closed"}};
};

// opd.pharmacy.prescription.get: consultation_id. One prescription whatever its state: the
// read that shows whether a dispense took effect.
struct GetPrescriptionRequest
{
    QString consultationId;

    bool operator==(const GetPrescriptionRequest&) const = default;
    QJsonObject toJson() const;
    static GetPrescriptionRequest read(json::Reader& reader);
    static bus::Result<GetPrescriptionRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<GetPrescriptionRequest>(object);
    }
};

// {"prescription": PendingPrescription (every line with what is dispensed so far),
//  "state": open | complete | closed, "dispenses": [Dispense] (0..200, oldest first, each of
//  this consultation)}
struct PrescriptionReply
{
    PendingPrescription prescription;
    PrescriptionState state = PrescriptionState::Open;
    QList<Dispense> dispenses;

    bool operator==(const PrescriptionReply&) const = default;
    QJsonObject toJson() const;
    static PrescriptionReply read(json::Reader& reader);
    static bus::Result<PrescriptionReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<PrescriptionReply>(object);
    }
};
inline constexpr qsizetype kMaxDispensesPerPrescription = 200;

// opd.pharmacy.stock.list: query optional up to 100 (drug code or name prefix);
// low_only (default false): only drugs at or below their reorder level;
// include_empty (default false): also batches with quantity 0; limit 1..1000 (default 200).
struct StockListRequest
{
    QString query;
    bool lowOnly = false;
    bool includeEmpty = false;
    int limit = 200;

    bool operator==(const StockListRequest&) const = default;
    QJsonObject toJson() const;
    static StockListRequest read(json::Reader& reader);
    static bus::Result<StockListRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StockListRequest>(object);
    }
};

// {"items": [StockItem] (by drug name, then expiry), "truncated": bool}
struct StockListReply
{
    QList<StockItem> items;
    bool truncated = false;

    bool operator==(const StockListReply&) const = default;
    QJsonObject toJson() const;
    static StockListReply read(json::Reader& reader);
    static bus::Result<StockListReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StockListReply>(object);
    }
};

// opd.pharmacy.stock.receive: staff; drug_code; drug_name; unit optional; batch; expiry;
// quantity 1..1000000; reorder_level optional 0..1000000 (sets the drug's); note optional.
// Adds to the batch (created if new). 409 when the batch exists with another expiry.
struct ReceiveStockRequest
{
    StaffRef staff;
    QString drugCode;
    QString drugName;
    QString unit;
    QString batch;
    QDate expiry;
    int quantity = 1;
    std::optional<int> reorderLevel;
    QString note;

    bool operator==(const ReceiveStockRequest&) const = default;
    QJsonObject toJson() const;
    static ReceiveStockRequest read(json::Reader& reader);
    static bus::Result<ReceiveStockRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<ReceiveStockRequest>(object);
    }
};

// opd.pharmacy.stock.adjust: staff; drug_code; batch; delta -1000000..1000000 (default 0);
// reorder_level optional 0..1000000; reason count_correction | damaged | expired | returned |
// other (not received/dispensed); note up to 1000, required when reason is other.
// At least one of a non-zero delta or reorder_level. 409 when the batch would go below 0.
struct AdjustStockRequest
{
    StaffRef staff;
    QString drugCode;
    QString batch;
    int delta = 0;
    std::optional<int> reorderLevel;
    StockReason reason = StockReason::CountCorrection;
    QString note;

    bool operator==(const AdjustStockRequest&) const = default;
    QJsonObject toJson() const;
    static AdjustStockRequest read(json::Reader& reader);
    static bus::Result<AdjustStockRequest> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<AdjustStockRequest>(object);
    }
};

// {"item": StockItem} — the batch after the change.
struct StockItemReply
{
    StockItem item;

    bool operator==(const StockItemReply&) const = default;
    QJsonObject toJson() const;
    static StockItemReply read(json::Reader& reader);
    static bus::Result<StockItemReply> fromJson(const QJsonObject& object)
    {
        return json::decodeMessage<StockItemReply>(object);
    }
};

} // namespace openopd::protocol
