#pragma once

// A consulted visit made straight on the bus, for the lab and discharge GUI tests: reception
// registers the patient and opens a visit in its own queue, the doctor calls it, starts and
// saves the consultation (with lab orders / a prescription), the pharmacist dispenses. Each
// step as the demo staff member of its role (StaffDesk on a secured OpdCluster). qFatal on
// failure: the GUI steps after it would only fail less clearly.

#include "reception_bus.h"
#include "staff_desk.h"

namespace openopd::testing {

struct BusVisit
{
    protocol::Patient patient;
    protocol::Visit visit;
    protocol::Consultation consultation;
};

// A drug the demo formulary has at least `atLeast` units of, expiring after 30 days.
inline protocol::PrescriptionLine stockedDrugLine(StaffDesk& desk, int quantity)
{
    protocol::StockListRequest request;
    auto reply = flow::call(desk, protocol::kStockList, request);
    if (!reply)
        qFatal("stock.list failed: %s", qPrintable(reply.error().toString()));
    for (const protocol::StockItem& item : reply->items)
        if (item.quantity >= quantity * 4 && item.expiry > flow::clinicToday().addDays(30)) {
            protocol::PrescriptionLine line;
            line.drugCode = item.drugCode;
            line.drugName = item.drugName;
            line.dose = QStringLiteral("1 tablet");
            line.route = QStringLiteral("oral");
            line.frequency = QStringLiteral("3 times a day");
            line.durationDays = 5;
            line.quantity = quantity;
            return line;
        }
    qFatal("no stocked drug in the demo formulary");
    return {};
}

inline protocol::LabOrderLine labTest(const QString& code, const QString& name, bool urgent)
{
    protocol::LabOrderLine line;
    line.testCode = code;
    line.testName = name;
    line.specimen = QStringLiteral("blood");
    line.urgent = urgent;
    return line;
}

// queue: a queue of its own, so "call next" finds this visit.
inline BusVisit consultedVisitOnBus(StaffDesk& desk, const QString& patientName,
                                    const QString& queue, protocol::ConsultationContent content)
{
    using namespace protocol;
    BusVisit made;
    made.patient = registerPatientOnBus(desk.as(StaffRole::Reception), patientName);
    OpenVisitRequest open;
    open.staff = flow::reception();
    open.patientId = made.patient.id;
    open.queue = queue;
    open.complaint = QStringLiteral("Fever for 3 days");
    auto opened = flow::call(desk, kOpenVisit, open);
    if (!opened)
        qFatal("visit.open failed: %s", qPrintable(opened.error().toString()));
    made.visit = opened->visit;
    // The consultation service learns of the visit from its event: call until it is there.
    std::optional<QueueEntry> called;
    flow::poll(
        [&] {
            auto reply = flow::call(
                desk, kCallNext, CallNextRequest{flow::doctor(), queue, QStringLiteral("Room 2")});
            if (reply && reply->entry)
                called = reply->entry;
            return called.has_value();
        },
        30000, 200);
    if (!called || called->visitId != made.visit.id)
        qFatal("call_next did not call the visit");
    auto started = flow::call(desk, kStartConsultation,
                              StartConsultationRequest{flow::doctor(), made.visit.id});
    if (!started)
        qFatal("visit.start failed: %s", qPrintable(started.error().toString()));
    content.complaint = made.visit.complaint;
    if (content.diagnoses.isEmpty())
        content.diagnoses = {
            Diagnosis{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
    auto saved = flow::call(desk, kSaveConsultation,
                            SaveConsultationRequest{flow::doctor(), made.visit.id, content});
    if (!saved)
        qFatal("record.save failed: %s", qPrintable(saved.error().toString()));
    made.consultation = saved->consultation;
    return made;
}

// Dispenses every prescription line in full, once the pharmacy has the prescription.
inline protocol::Dispense dispenseOnBus(StaffDesk& desk, const protocol::Consultation& consultation)
{
    using namespace protocol;
    DispenseRequest request;
    request.staff = flow::pharmacist();
    request.consultationId = consultation.id;
    for (int i = 0; i < consultation.content.prescriptions.size(); ++i)
        request.lines.append({i + 1, consultation.content.prescriptions.at(i).quantity});
    std::optional<Dispense> dispensed;
    flow::poll(
        [&] {
            auto reply = flow::call(desk, kDispense, request);
            if (reply)
                dispensed = reply->dispense;
            return dispensed.has_value();
        },
        30000, 200);
    if (!dispensed)
        qFatal("dispense failed");
    return *dispensed;
}

} // namespace openopd::testing
