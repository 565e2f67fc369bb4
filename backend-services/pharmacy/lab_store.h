#pragma once

// Lab orders taken from visit.consulted and their results (tables lab_orders, lab_results).
// Write methods run inside the caller's transaction.

#include "pharmacy/sql_values.h"
#include "protocol/consultation.h"
#include "protocol/discharge.h"
#include "protocol/lab_api.h"

#include <optional>

namespace openopd::pharmacy {

class LabStore
{
public:
    explicit LabStore(host::Database& db) : m_db(db) {}

    // One order per lab order line (line = position + 1), each with a new id; lines already
    // known (same consultation and line) are left alone, so a repeated event adds nothing.
    // cancelled: the visit was already discharged, so the orders are stored cancelled.
    bool addFromConsultation(const protocol::Consultation& consultation, const QString& eventId,
                             const QDateTime& now, bool cancelled, int* added, QString* error);
    bool pending(const protocol::PendingLabOrdersRequest& request,
                 protocol::LabOrderListReply* reply, QString* error);
    bool load(const QString& orderId, std::optional<protocol::LabOrder>* order, QString* error);
    // The visit's orders still pending (ordered or collected), in the pending list's order.
    bool pendingOfVisit(const QString& visitId, QList<protocol::LabOrder>* orders, QString* error);

    // ordered -> collected; *applied false when the order was no longer "ordered".
    bool collect(const protocol::CollectSampleRequest& request, const QDateTime& now, bool* applied,
                 QString* error);
    // collected -> resulted, with its result row; *applied false when no longer "collected".
    bool enterResult(const protocol::LabResult& result, bool* applied, QString* error);

    // visit.discharged: orders whose sample was never taken are cancelled; collected ones
    // stay so that their results can still be entered.
    bool cancelUncollected(const protocol::Discharge& discharge, const QDateTime& now,
                           QString* error);

private:
    host::Database& m_db;
};

} // namespace openopd::pharmacy
