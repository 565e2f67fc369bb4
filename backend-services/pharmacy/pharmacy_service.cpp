#include "pharmacy/pharmacy_service.h"

#include "pharmacy/demo_seed.h"
#include "pharmacy/pharmacy_schema.h"
#include "protocol/catalog.h"
#include "protocol/events.h"

#include <QDebug>

namespace openopd::pharmacy {

PharmacyService::PharmacyService(host::ServiceHost& host) : m_host(host) {}

QString PharmacyService::demoDataDescription()
{
    return QCoreApplication::translate("openopd::pharmacy",
                                       "Load the demo drug formulary with stock (idempotent: "
                                       "existing batches are kept).");
}

void PharmacyService::addMigrations(host::Migrations& migrations)
{
    pharmacy::addMigrations(migrations);
}

template <class Req, class Rep>
void PharmacyService::serve(const bus::Endpoint<Req, Rep>& endpoint,
                            void (PharmacyService::*handler)(const Req&, bus::Replier<Rep>))
{
    m_host.micro().addEndpoint(protocol::serviceEndpointName(endpoint.subject), endpoint,
                               [this, handler](const Req& request, bus::Replier<Rep> replier) {
                                   (this->*handler)(request, std::move(replier));
                               });
}

bool PharmacyService::start()
{
    if (m_host.seedDemoRequested()) {
        QString error;
        int batches = 0;
        if (!seedDemo(m_host, &batches, &error)) {
            qCritical().noquote() << "cannot load the demo formulary:" << error;
            return false;
        }
        qInfo().noquote() << "demo formulary loaded:" << batches << "new batches";
    }
    serve(protocol::kPendingPrescriptions, &PharmacyService::pendingPrescriptions);
    serve(protocol::kGetPrescription, &PharmacyService::getPrescription);
    serve(protocol::kDispense, &PharmacyService::dispense);
    serve(protocol::kStockList, &PharmacyService::stockList);
    serve(protocol::kReceiveStock, &PharmacyService::receiveStock);
    serve(protocol::kAdjustStock, &PharmacyService::adjustStock);
    serve(protocol::kPendingLabOrders, &PharmacyService::pendingLabOrders);
    serve(protocol::kCollectSample, &PharmacyService::collectSample);
    serve(protocol::kEnterLabResult, &PharmacyService::enterLabResult);

    host::EventConsumerOptions orders;
    orders.durable = QByteArray(kOrdersConsumer);
    orders.filterSubject = protocol::kVisitConsulted.subjectBytes();
    m_host.addConsumer(orders, [this](const bus::JsMessage& message, host::Database& db) {
        return onConsulted(message, db);
    });
    host::EventConsumerOptions discharges;
    discharges.durable = QByteArray(kDischargesConsumer);
    discharges.filterSubject = protocol::kVisitDischarged.subjectBytes();
    m_host.addConsumer(discharges, [this](const bus::JsMessage& message, host::Database& db) {
        return onDischarged(message, db);
    });
    return true;
}

bool PharmacyService::checkLow(const QString& drugCode, const protocol::StaffRef& actor,
                               const QDateTime& now, QString* error)
{
    std::optional<protocol::StockLow> crossed;
    if (!stock().updateLowState(drugCode, clinicToday(), now, &crossed, error))
        return false;
    if (!crossed)
        return true;
    return enqueue(m_host.database(), protocol::kStockLow,
                   protocol::makeEvent(protocol::kStockLow, *crossed, actor, now), error);
}

void PharmacyService::pendingPrescriptions(
    const protocol::PendingPrescriptionsRequest& request,
    bus::Replier<protocol::PendingPrescriptionsReply> replier)
{
    protocol::PendingPrescriptionsReply reply;
    QString error;
    if (!prescriptions().pending(request.limit, &reply, &error))
        return replier.fail(503, unavailableText(error));
    replier.reply(reply);
}

} // namespace openopd::pharmacy
