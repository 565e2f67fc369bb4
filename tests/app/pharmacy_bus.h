#pragma once

// What the other desks do straight on the bus, for the pharmacy GUI tests: a visit that a
// doctor consulted with prescription lines (reception registers and opens it, dr.silva calls,
// starts and saves it with disposition to_pharmacy), and stock received as a pharmacist.

#include "flow_support.h"
#include "protocol/endpoints.h"
#include "reception_bus.h"

#include <QDate>

namespace openopd::testing {

struct PrescribedVisit
{
    protocol::Patient patient;
    protocol::Visit visit;
    protocol::Consultation consultation;
};

// A prescription line of drugCode for quantity units.
inline protocol::PrescriptionLine prescriptionLine(const QString& drugCode, const QString& drugName,
                                                   int quantity)
{
    protocol::PrescriptionLine line;
    line.drugCode = drugCode;
    line.drugName = drugName;
    line.dose = QStringLiteral("1 tablet");
    line.route = QStringLiteral("oral");
    line.frequency = QStringLiteral("twice a day");
    line.durationDays = 5;
    line.quantity = quantity;
    return line;
}

// queue: a queue nobody else uses in the test, so call_next gets this visit.
inline PrescribedVisit prescribeOnBus(bus::Connection& reception, bus::Connection& doctor,
                                      const QString& patientName, const QString& queue,
                                      const QList<protocol::PrescriptionLine>& lines)
{
    PrescribedVisit made;
    made.patient = registerPatientOnBus(reception, patientName);
    protocol::OpenVisitRequest open;
    open.staff = flow::reception();
    open.patientId = made.patient.id;
    open.queue = queue;
    open.complaint = QStringLiteral("Cough for a week");
    auto opened = flow::call(reception, protocol::kOpenVisit, open);
    if (!opened)
        qFatal("visit.open failed: %s", qPrintable(opened.error().toString()));
    made.visit = opened->visit;

    // The doctor's queue learns of the visit a moment later.
    protocol::CallNextRequest next;
    next.staff = flow::doctor();
    next.queue = queue;
    std::optional<protocol::QueueEntry> called;
    flow::poll(
        [&] {
            auto reply = flow::call(doctor, protocol::kCallNext, next);
            if (reply && reply->entry)
                called = reply->entry;
            return called.has_value();
        },
        30000, 200);
    if (!called || called->visitId != made.visit.id)
        qFatal("call_next in %s did not call the visit", qPrintable(queue));
    auto started = flow::call(doctor, protocol::kStartConsultation,
                              protocol::StartConsultationRequest{flow::doctor(), made.visit.id});
    if (!started)
        qFatal("visit.start failed: %s", qPrintable(started.error().toString()));
    protocol::SaveConsultationRequest save;
    save.staff = flow::doctor();
    save.visitId = made.visit.id;
    save.consultation.complaint = open.complaint;
    save.consultation.diagnoses = {
        protocol::Diagnosis{QStringLiteral("Acute bronchitis"), QStringLiteral("J20.9")}};
    save.consultation.prescriptions = lines;
    save.consultation.disposition = protocol::Disposition::ToPharmacy;
    auto saved = flow::call(doctor, protocol::kSaveConsultation, save);
    if (!saved)
        qFatal("record.save failed: %s", qPrintable(saved.error().toString()));
    made.consultation = saved->consultation;
    return made;
}

inline protocol::StockItem receiveOnBus(bus::Connection& pharmacist, const QString& drugCode,
                                        const QString& drugName, const QString& batch, QDate expiry,
                                        int quantity,
                                        std::optional<int> reorderLevel = std::nullopt)
{
    protocol::ReceiveStockRequest request;
    request.staff = flow::pharmacist();
    request.drugCode = drugCode;
    request.drugName = drugName;
    request.unit = QStringLiteral("tablet");
    request.batch = batch;
    request.expiry = expiry;
    request.quantity = quantity;
    request.reorderLevel = reorderLevel;
    auto reply = flow::call(pharmacist, protocol::kReceiveStock, request);
    if (!reply)
        qFatal("stock.receive failed: %s", qPrintable(reply.error().toString()));
    return reply->item;
}

inline protocol::PrescriptionReply prescriptionOnBus(bus::Connection& pharmacist,
                                                     const QString& consultationId)
{
    auto reply = flow::call(pharmacist, protocol::kGetPrescription,
                            protocol::GetPrescriptionRequest{consultationId});
    if (!reply)
        qFatal("prescription.get failed: %s", qPrintable(reply.error().toString()));
    return *reply;
}

} // namespace openopd::testing
