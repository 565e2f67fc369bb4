#include "samples.h"

#include <QUuid>

namespace openopd::protocol::samples {
namespace {

// One story: patient 1 is registered, updated and seen (visit 1: called, consulted, dispensed,
// lab, discharged); patient 2's visit 2 is cancelled, patient 3's visit 3 left unseen.
enum Ids {
    kPatient = 1,
    kVisit,
    kConsultation,
    kDispense,
    kLabOrder,
    kDischarge,
    kPatient2,
    kVisit2,
    kVisit3,
    kPatient3,
};

} // namespace

QDateTime at(int minutesAfterEight)
{
    return QDateTime(QDate(2024, 5, 6), QTime(8, 0), Qt::UTC)
        .addSecs(qint64{minutesAfterEight} * 60)
        .addMSecs(minutesAfterEight >= 0 ? minutesAfterEight % 7 * 111 : 0);
}

QString id(int n)
{
    return QUuid::createUuidV5(QUuid(), QByteArray::number(n)).toString(QUuid::WithoutBraces);
}

StaffRef receptionist()
{
    return {QStringLiteral("reception1"), QStringLiteral("Grace Mensah"), StaffRole::Reception};
}

StaffRef doctor()
{
    return {QStringLiteral("dr.silva"), QStringLiteral("Dr Ana Silva"), StaffRole::Doctor};
}

StaffRef pharmacist()
{
    return {QStringLiteral("pharm.okafor"), QStringLiteral("Chidi Okafor"), StaffRole::Pharmacist};
}

StaffRef labTechnician()
{
    return {QStringLiteral("lab.tan"), QStringLiteral("Mei Tan"), StaffRole::LabTechnician};
}

PatientDetails patientDetails()
{
    PatientDetails details;
    details.nationalId = QStringLiteral("850101-14-5567");
    details.fullName = QStringLiteral("Zoë Ångström-Nkosi");
    details.dateOfBirth = QDate(1985, 1, 1);
    details.sex = Sex::Female;
    details.phone = QStringLiteral("+27 82 555 0123");
    details.address = QStringLiteral("12 Jacaranda Street, Pretoria");
    details.allergies = {QStringLiteral("penicillin"), QStringLiteral("peanuts")};
    details.remarks = QStringLiteral("Prefers an interpreter (isiZulu).");
    return details;
}

PatientDetails minimalPatientDetails()
{
    PatientDetails details;
    details.fullName = QStringLiteral("John Doe");
    details.dateOfBirth = QDate(1970, 1, 1);
    details.dateOfBirthEstimated = true;
    details.sex = Sex::Unknown;
    return details;
}

Patient patient()
{
    Patient patient;
    patient.id = id(kPatient);
    patient.mrn = QStringLiteral("MRN-000123");
    patient.revision = 2;
    patient.details = patientDetails();
    patient.registeredAt = at(1);
    patient.registeredBy = receptionist();
    patient.updatedAt = at(3);
    patient.updatedBy = receptionist();
    return patient;
}

Patient minimalPatient()
{
    Patient patient;
    patient.id = id(kPatient2);
    patient.mrn = QStringLiteral("MRN-000124");
    patient.details = minimalPatientDetails();
    patient.registeredAt = at(2);
    patient.registeredBy = receptionist();
    patient.updatedAt = at(2);
    patient.updatedBy = receptionist();
    return patient;
}

VisitTransition transition(VisitState state, int minute, StaffRef by)
{
    return {state, at(minute), std::move(by), {}};
}

Visit visit()
{
    Visit visit;
    visit.id = id(kVisit);
    visit.patientId = id(kPatient);
    visit.patientName = patientDetails().fullName;
    visit.queue = QStringLiteral("general");
    visit.day = QDate(2024, 5, 6);
    visit.token = 1;
    visit.priority = Priority::Urgent;
    visit.state = VisitState::Called;
    visit.complaint = QStringLiteral("Fever and sore throat for 3 days");
    visit.history = {transition(VisitState::Registered, 5, receptionist()),
                     transition(VisitState::Called, 20, doctor())};
    visit.history[1].note = QStringLiteral("Room 3"); // the room it was called to
    return visit;
}

Visit minimalVisit()
{
    Visit visit;
    visit.id = id(kVisit2);
    visit.patientId = id(kPatient2);
    visit.patientName = minimalPatientDetails().fullName;
    visit.queue = QStringLiteral("general");
    visit.day = QDate(2024, 5, 6);
    visit.token = 2;
    visit.history = {transition(VisitState::Registered, 6, receptionist())};
    return visit;
}

Visit cancelledVisit()
{
    Visit visit = minimalVisit();
    visit.state = VisitState::Cancelled;
    visit.history.append(transition(VisitState::Cancelled, 25, receptionist()));
    visit.history.last().note = QStringLiteral("Registered in the wrong queue");
    return visit;
}

Visit unseenVisit()
{
    Visit visit;
    visit.id = id(kVisit3);
    visit.patientId = id(kPatient3);
    visit.patientName = QStringLiteral("Thabo Molefe");
    visit.queue = QStringLiteral("general");
    visit.day = QDate(2024, 5, 6);
    visit.token = 3;
    visit.state = VisitState::LeftUnseen;
    visit.history = {transition(VisitState::Registered, 7, receptionist()),
                     transition(VisitState::LeftUnseen, 90, receptionist())};
    return visit;
}

VisitStatusChange statusChangeOf(const Visit& visit)
{
    VisitStatusChange change;
    change.visitId = visit.id;
    change.patientId = visit.patientId;
    change.queue = visit.queue;
    change.day = visit.day;
    change.token = visit.token;
    change.state = visit.state;
    change.at = visit.history.constLast().at;
    change.reason = visit.history.constLast().note;
    return change;
}

VisitStatusChange calledChange()
{
    VisitStatusChange change;
    change.visitId = id(kVisit);
    change.patientId = id(kPatient);
    change.queue = QStringLiteral("general");
    change.day = QDate(2024, 5, 6);
    change.token = 1;
    change.state = VisitState::Called;
    change.at = at(20);
    change.room = QStringLiteral("Room 3");
    return change;
}

QueueEntry queueEntry()
{
    QueueEntry entry;
    entry.visitId = id(kVisit);
    entry.patientId = id(kPatient);
    entry.patientName = patientDetails().fullName;
    entry.queue = QStringLiteral("general");
    entry.day = QDate(2024, 5, 6);
    entry.token = 1;
    entry.priority = Priority::Urgent;
    entry.state = VisitState::Called;
    entry.registeredAt = at(5);
    entry.complaint = QStringLiteral("Fever and sore throat for 3 days");
    entry.calledAt = at(20);
    entry.calledBy = doctor();
    entry.room = QStringLiteral("Room 3");
    return entry;
}

QueueEntry minimalQueueEntry()
{
    QueueEntry entry;
    entry.visitId = id(kVisit2);
    entry.patientId = id(kPatient2);
    entry.patientName = minimalPatientDetails().fullName;
    entry.queue = QStringLiteral("general");
    entry.day = QDate(2024, 5, 6);
    entry.token = 2;
    entry.registeredAt = at(6);
    return entry;
}

Vitals vitals()
{
    Vitals vitals;
    vitals.temperatureC = 38.4;
    vitals.pulseBpm = 96;
    vitals.respiratoryRate = 18;
    vitals.systolicMmHg = 128;
    vitals.diastolicMmHg = 82;
    vitals.spo2Percent = 98;
    vitals.weightKg = 64.5;
    vitals.heightCm = 168;
    return vitals;
}

Diagnosis diagnosis()
{
    return {QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")};
}

PrescriptionLine prescriptionLine()
{
    PrescriptionLine line;
    line.drugCode = QStringLiteral("PARA500");
    line.drugName = QStringLiteral("Paracetamol 500 mg tablet");
    line.dose = QStringLiteral("1 g");
    line.route = QStringLiteral("oral");
    line.frequency = QStringLiteral("every 6 hours as needed");
    line.durationDays = 3;
    line.quantity = 24;
    line.instructions = QStringLiteral("Not more than 8 tablets in 24 hours.");
    return line;
}

PrescriptionLine minimalPrescriptionLine()
{
    PrescriptionLine line;
    line.drugCode = QStringLiteral("AMOX500");
    line.drugName = QStringLiteral("Amoxicillin 500 mg capsule");
    line.dose = QStringLiteral("500 mg");
    line.frequency = QStringLiteral("3 times a day");
    line.durationDays = 5;
    line.quantity = 15;
    return line;
}

LabOrderLine labOrderLine()
{
    LabOrderLine line;
    line.testCode = QStringLiteral("FBC");
    line.testName = QStringLiteral("Full blood count");
    line.specimen = QStringLiteral("blood (EDTA)");
    line.urgent = true;
    line.notes = QStringLiteral("Query bacterial infection");
    return line;
}

ConsultationContent consultationContent()
{
    ConsultationContent content;
    content.complaint = QStringLiteral("Fever and sore throat for 3 days");
    content.vitals = vitals();
    content.diagnoses = {diagnosis(), {QStringLiteral("Fever"), {}}};
    content.notes = QStringLiteral("Tonsils enlarged with exudate. No rash.");
    content.prescriptions = {prescriptionLine(), minimalPrescriptionLine()};
    content.labOrders = {labOrderLine()};
    content.disposition = Disposition::ToPharmacy;
    return content;
}

ConsultationContent minimalConsultationContent()
{
    ConsultationContent content;
    content.disposition = Disposition::Refer;
    content.referralTo = QStringLiteral("District Hospital ENT clinic");
    return content;
}

Consultation consultation()
{
    Consultation consultation;
    consultation.id = id(kConsultation);
    consultation.visitId = id(kVisit);
    consultation.patientId = id(kPatient);
    consultation.patientName = patientDetails().fullName;
    consultation.doctor = doctor();
    consultation.savedAt = at(35);
    consultation.content = consultationContent();
    return consultation;
}

BatchQuantity batchQuantity()
{
    return {QStringLiteral("PA-2405-A"), QDate(2025, 3, 31), 20};
}

DispensedLine dispensedLine()
{
    DispensedLine line;
    line.line = 1;
    line.drugCode = QStringLiteral("PARA500");
    line.drugName = QStringLiteral("Paracetamol 500 mg tablet");
    line.quantity = 24;
    line.batches = {batchQuantity(), {QStringLiteral("PA-2409-B"), QDate(2025, 9, 30), 4}};
    return line;
}

Dispense dispense()
{
    Dispense dispense;
    dispense.id = id(kDispense);
    dispense.consultationId = id(kConsultation);
    dispense.visitId = id(kVisit);
    dispense.patientId = id(kPatient);
    dispense.dispensedAt = at(50);
    dispense.dispensedBy = pharmacist();
    dispense.lines = {dispensedLine()};
    dispense.partial = true;
    dispense.notes = QStringLiteral("Amoxicillin short (12 in stock); patient to return tomorrow.");
    return dispense;
}

StockItem stockItem()
{
    StockItem item;
    item.drugCode = QStringLiteral("PARA500");
    item.drugName = QStringLiteral("Paracetamol 500 mg tablet");
    item.unit = QStringLiteral("tablet");
    item.batch = QStringLiteral("PA-2405-A");
    item.expiry = QDate(2025, 3, 31);
    item.quantity = 480;
    item.reorderLevel = 200;
    item.updatedAt = at(50);
    return item;
}

StockMovement stockReceived()
{
    StockMovement movement;
    movement.drugCode = QStringLiteral("PARA500");
    movement.drugName = QStringLiteral("Paracetamol 500 mg tablet");
    movement.batch = QStringLiteral("PA-2405-A");
    movement.expiry = QDate(2025, 3, 31);
    movement.delta = 500;
    movement.quantityAfter = 500;
    movement.reorderLevel = 200;
    movement.reason = StockReason::Received;
    movement.note = QStringLiteral("Delivery note 4471");
    movement.at = at(-60);
    return movement;
}

StockMovement stockAdjusted()
{
    StockMovement movement = stockReceived();
    movement.delta = -20;
    movement.quantityAfter = 460;
    movement.reason = StockReason::Damaged;
    movement.note = QStringLiteral("Blister packs crushed");
    movement.at = at(70);
    return movement;
}

StockLow stockLow()
{
    return {QStringLiteral("AMOX500"), QStringLiteral("Amoxicillin 500 mg capsule"), 12, 100,
            at(-30)};
}

PendingPrescriptionLine pendingPrescriptionLine()
{
    return {2, minimalPrescriptionLine(), 0};
}

PendingPrescription pendingPrescription()
{
    PendingPrescription pending;
    pending.consultationId = id(kConsultation);
    pending.visitId = id(kVisit);
    pending.patientId = id(kPatient);
    pending.patientName = patientDetails().fullName;
    pending.prescribedBy = doctor();
    pending.prescribedAt = at(35);
    pending.lines = {{1, prescriptionLine(), 0}, pendingPrescriptionLine()};
    return pending;
}

LabOrder labOrder()
{
    LabOrder order;
    order.id = id(kLabOrder);
    order.consultationId = id(kConsultation);
    order.line = 1;
    order.visitId = id(kVisit);
    order.patientId = id(kPatient);
    order.patientName = patientDetails().fullName;
    order.test = labOrderLine();
    order.orderedAt = at(35);
    order.orderedBy = doctor();
    return order;
}

LabOrder collectedLabOrder()
{
    LabOrder order = labOrder();
    order.state = LabOrderState::Collected;
    order.collectedAt = at(55);
    order.collectedBy = labTechnician();
    order.sampleId = QStringLiteral("S24-000871");
    return order;
}

LabResultEntry labResultEntry()
{
    LabResultEntry entry;
    entry.value = QStringLiteral("WBC 13.2");
    entry.unit = QStringLiteral("10^9/L");
    entry.referenceRange = QStringLiteral("4.0-11.0");
    entry.flag = LabFlag::Abnormal;
    entry.notes = QStringLiteral("Neutrophilia");
    return entry;
}

LabResult labResult()
{
    LabResult result;
    result.orderId = id(kLabOrder);
    result.consultationId = id(kConsultation);
    result.line = 1;
    result.visitId = id(kVisit);
    result.patientId = id(kPatient);
    result.testCode = QStringLiteral("FBC");
    result.testName = QStringLiteral("Full blood count");
    result.entry = labResultEntry();
    result.resultedAt = at(90);
    result.resultedBy = labTechnician();
    return result;
}

DischargeDetails dischargeDetails()
{
    DischargeDetails details;
    details.outcome = DischargeOutcome::Discharged;
    details.postMedication = {minimalPrescriptionLine()};
    details.notes = QStringLiteral("Return if fever persists beyond 48 hours.");
    details.nextVisit = QDate(2024, 5, 13);
    return details;
}

DischargeDetails admissionDetails()
{
    DischargeDetails details;
    details.outcome = DischargeOutcome::Admitted;
    details.destination = QStringLiteral("Ward 4 (medical)");
    return details;
}

Discharge discharge()
{
    Discharge discharge;
    discharge.id = id(kDischarge);
    discharge.visitId = id(kVisit);
    discharge.patientId = id(kPatient);
    discharge.recordedAt = at(100);
    discharge.recordedBy = doctor();
    discharge.details = dischargeDetails();
    return discharge;
}

PendingRelease pendingRelease()
{
    PendingRelease release;
    release.visitId = id(kVisit);
    release.patientId = id(kPatient);
    release.patientName = patientDetails().fullName;
    release.queue = QStringLiteral("general");
    release.day = QDate(2024, 5, 6);
    release.token = 1;
    release.consultationId = id(kConsultation);
    release.disposition = Disposition::ToPharmacy;
    release.state = VisitState::Dispensed;
    release.readySince = at(50);
    return release;
}

AuditRecord auditRecord(qint64 seq, const QString& prevHash)
{
    AuditRecord record;
    record.seq = seq;
    record.eventId = id(100 + static_cast<int>(seq));
    record.subject = QStringLiteral("opd.events.visit.registered");
    record.actor = receptionist();
    record.at = at(5 + static_cast<int>(seq));
    record.patientId = seq % 2 == 1 ? id(kPatient) : QString();
    // The first two are the records of two example events (visit.registered, stock.adjusted).
    if (seq == 1) {
        record.eventId = id(203);
        record.at = at(5);
    } else if (seq == 2) {
        record.eventId = id(213);
        record.subject = QStringLiteral("opd.events.stock.adjusted");
        record.actor = pharmacist();
        record.at = at(70);
    }
    record.payloadHash = sha256Hex(QByteArray::number(seq));
    record.prevHash = prevHash;
    record.hash = record.computeHash();
    return record;
}

HistoryEntry historyEntry()
{
    return {consultation(), {labResult()}};
}

} // namespace openopd::protocol::samples
