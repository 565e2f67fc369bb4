#pragma once

#include <QtGlobal>

// Field limits of the wire protocol (characters for strings, items for arrays). Decoders
// refuse anything longer with a 400 naming the field. docs/protocol.md lists them per field.

namespace openopd::protocol::limits {

inline constexpr qsizetype kName = 200;       // person, drug, test, ward and facility names
inline constexpr qsizetype kNote = 4000;      // free-text notes, remarks, lab result values
inline constexpr qsizetype kComplaint = 2000; // presenting complaint
inline constexpr qsizetype kReason = 1000;    // reasons, short instructions
inline constexpr qsizetype kAddress = 500;
inline constexpr qsizetype kDiagnosis = 500;
inline constexpr qsizetype kCode = 32;    // MRN, national id, drug and test codes
inline constexpr qsizetype kBatch = 40;   // stock batch / lot numbers, sample ids
inline constexpr qsizetype kStaffId = 64; // staff user ids (login names)
inline constexpr qsizetype kQueue = 32;   // queue names
inline constexpr qsizetype kRoom = 50;    // consulting room / counter
inline constexpr qsizetype kPhone = 32;
inline constexpr qsizetype kDose = 100;    // dose, route, frequency texts
inline constexpr qsizetype kUnit = 32;     // dispensing or measurement unit
inline constexpr qsizetype kRange = 100;   // lab reference range
inline constexpr qsizetype kQuery = 100;   // search text
inline constexpr qsizetype kSubject = 200; // NATS subject in audit records

inline constexpr qsizetype kMaxAllergies = 50;
inline constexpr qsizetype kMaxDiagnoses = 20;
inline constexpr qsizetype kMaxPrescriptionLines = 50;
inline constexpr qsizetype kMaxLabOrders = 30;
inline constexpr qsizetype kMaxBatchesPerLine = 20;
inline constexpr qsizetype kMaxVisitHistory = 64;
inline constexpr qsizetype kMaxListItems = 1000; // any list in a reply

inline constexpr int kMaxToken = 9999;       // per day and queue
inline constexpr int kMaxQuantity = 1000000; // units of a drug in one line, batch or movement
inline constexpr int kMaxDurationDays = 365;
inline constexpr int kMaxLine = 50; // prescription / lab order line numbers are 1..50

} // namespace openopd::protocol::limits
