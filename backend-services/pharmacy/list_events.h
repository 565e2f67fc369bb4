#pragma once

// list.prescriptions_changed and list.lab_orders_changed: the pending prescriptions
// (opd.pharmacy.prescription.pending) or pending lab orders (opd.lab.order.pending) of one
// visit changed. Enqueued in the outbox inside the transaction that made the change, after
// the change's own event. The rows are read back from the store, so they are exactly what
// the list endpoint now returns for the visit; none left means "removed".

#include "host/database.h"
#include "protocol/list_change.h"

namespace openopd::pharmacy {

// kind: added or updated, used when the visit still has rows.
bool announcePrescriptions(host::Database& db, const QString& visitId, const QString& patientId,
                           protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                           const QDateTime& at, QString* error);
bool announceLabOrders(host::Database& db, const QString& visitId, const QString& patientId,
                       protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                       const QDateTime& at, QString* error);

// Whether the visit has rows on either list now (to announce a removal only when it had).
bool hasPendingPrescriptions(host::Database& db, const QString& visitId, bool* any, QString* error);
bool hasPendingLabOrders(host::Database& db, const QString& visitId, bool* any, QString* error);

} // namespace openopd::pharmacy
