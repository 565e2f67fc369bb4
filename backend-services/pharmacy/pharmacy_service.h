#pragma once

// openopd-pharmacy: the book's "treatment" step. Serves opd.pharmacy.* (pending prescriptions,
// dispense, stock) and opd.lab.* (pending lab orders, sample collection, results) on the
// service host; builds its work lists from visit.consulted and closes them on
// visit.discharged. See docs/architecture.md, "Service: pharmacy".

#include "host/service_host.h"
#include "pharmacy/lab_store.h"
#include "pharmacy/prescription_store.h"
#include "pharmacy/stock_store.h"
#include "protocol/endpoints.h"

namespace openopd::pharmacy {

inline constexpr char kOrdersConsumer[] = "pharmacy-orders";         // visit.consulted
inline constexpr char kDischargesConsumer[] = "pharmacy-discharges"; // visit.discharged

class PharmacyService
{
public:
    explicit PharmacyService(host::ServiceHost& host);

    static QString demoDataDescription(); // what --seed-demo loads, for --help
    static void addMigrations(host::Migrations& migrations);
    // Loads the demo formulary when asked, then registers the endpoints and consumers.
    bool start();

    // Handlers (each answers through its replier, after its transaction).
    void pendingPrescriptions(const protocol::PendingPrescriptionsRequest& request,
                              bus::Replier<protocol::PendingPrescriptionsReply> replier);
    void getPrescription(const protocol::GetPrescriptionRequest& request,
                         bus::Replier<protocol::PrescriptionReply> replier);
    void dispense(const protocol::DispenseRequest& request,
                  bus::Replier<protocol::DispenseReply> replier);
    void stockList(const protocol::StockListRequest& request,
                   bus::Replier<protocol::StockListReply> replier);
    void receiveStock(const protocol::ReceiveStockRequest& request,
                      bus::Replier<protocol::StockItemReply> replier);
    void adjustStock(const protocol::AdjustStockRequest& request,
                     bus::Replier<protocol::StockItemReply> replier);
    void pendingLabOrders(const protocol::PendingLabOrdersRequest& request,
                          bus::Replier<protocol::LabOrderListReply> replier);
    void collectSample(const protocol::CollectSampleRequest& request,
                       bus::Replier<protocol::LabOrderReply> replier);
    void enterLabResult(const protocol::EnterLabResultRequest& request,
                        bus::Replier<protocol::LabResultReply> replier);

    // Consumers (inside the consumer's transaction).
    host::HandlerResult onConsulted(const bus::JsMessage& message, host::Database& db);
    host::HandlerResult onDischarged(const bus::JsMessage& message, host::Database& db);

private:
    template <class Req, class Rep>
    void serve(const bus::Endpoint<Req, Rep>& endpoint,
               void (PharmacyService::*handler)(const Req&, bus::Replier<Rep>));
    template <class Request>
    using StoreChange = bool (StockStore::*)(const Request&, const QDateTime&,
                                             protocol::StockMovement*, Failure*, QString*);
    template <class Request>
    void changeStock(const Request& request,
                     const bus::Event<protocol::EventEnvelope<protocol::StockMovement>>& event,
                     StoreChange<Request> change, bus::Replier<protocol::StockItemReply> replier);
    bool dispenseIn(const protocol::DispenseRequest& request, const QDateTime& now,
                    protocol::Dispense* dispense, Failure* failure, QString* error);
    // Enqueues stock.low for the drug when its stock has just crossed its reorder level.
    bool checkLow(const QString& drugCode, const protocol::StaffRef& actor, const QDateTime& now,
                  QString* error);

    // The stores work on the host's database, which opens in ServiceHost::run().
    StockStore stock() { return StockStore(m_host.database()); }
    PrescriptionStore prescriptions() { return PrescriptionStore(m_host.database()); }
    LabStore lab() { return LabStore(m_host.database()); }

    host::ServiceHost& m_host;
};

} // namespace openopd::pharmacy
