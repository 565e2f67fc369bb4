#include "pharmacy/list_events.h"

#include "pharmacy/lab_store.h"
#include "pharmacy/prescription_store.h"
#include "protocol/events.h"

namespace openopd::pharmacy {
namespace {

template <class Row>
bool announce(host::Database& db,
              const bus::Event<protocol::EventEnvelope<protocol::ListChange<Row>>>& event,
              const QString& visitId, const QString& patientId, QList<Row> rows,
              protocol::ListChangeKind kind, const protocol::StaffRef& actor, const QDateTime& at,
              QString* error)
{
    protocol::ListChange<Row> change;
    change.visitId = visitId;
    change.patientId = patientId;
    change.change = rows.isEmpty() ? protocol::ListChangeKind::Removed : kind;
    change.rows = std::move(rows);
    return enqueue(db, event, protocol::makeEvent(event, std::move(change), actor, at), error);
}

} // namespace

bool announcePrescriptions(host::Database& db, const QString& visitId, const QString& patientId,
                           protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                           const QDateTime& at, QString* error)
{
    QList<protocol::PendingPrescription> rows;
    return PrescriptionStore(db).openOfVisit(visitId, &rows, error) &&
           announce(db, protocol::kPrescriptionListChanged, visitId, patientId, std::move(rows),
                    kind, actor, at, error);
}

bool announceLabOrders(host::Database& db, const QString& visitId, const QString& patientId,
                       protocol::ListChangeKind kind, const protocol::StaffRef& actor,
                       const QDateTime& at, QString* error)
{
    QList<protocol::LabOrder> rows;
    return LabStore(db).pendingOfVisit(visitId, &rows, error) &&
           announce(db, protocol::kLabOrderListChanged, visitId, patientId, std::move(rows), kind,
                    actor, at, error);
}

bool hasPendingPrescriptions(host::Database& db, const QString& visitId, bool* any, QString* error)
{
    QList<protocol::PendingPrescription> rows;
    if (!PrescriptionStore(db).openOfVisit(visitId, &rows, error))
        return false;
    *any = !rows.isEmpty();
    return true;
}

bool hasPendingLabOrders(host::Database& db, const QString& visitId, bool* any, QString* error)
{
    QList<protocol::LabOrder> rows;
    if (!LabStore(db).pendingOfVisit(visitId, &rows, error))
        return false;
    *any = !rows.isEmpty();
    return true;
}

} // namespace openopd::pharmacy
