#pragma once

// Valid sample values of every protocol type, realistic enough to serve as the examples in
// docs/protocol.md (protocol_examples prints them). "full" samples set every optional field,
// "minimal" ones only what is required.

#include "protocol/protocol.h"

#include <QJsonObject>

namespace openopd::protocol::samples {

QDateTime at(int minutesAfterEight); // 2024-05-06T08:00:00.000Z + minutes
QString id(int n);                   // fixed UUIDs: id(1) = "00000000-…-000000000001" style

StaffRef receptionist();
StaffRef doctor();
StaffRef pharmacist();
StaffRef labTechnician();

PatientDetails patientDetails();
PatientDetails minimalPatientDetails();
Patient patient();
Patient minimalPatient();
VisitTransition transition(VisitState state, int minute, StaffRef by);
Visit visit();
Visit minimalVisit();   // visit 2, of the minimal patient, waiting
Visit cancelledVisit(); // visit 2 cancelled
Visit unseenVisit();    // visit 3 (a third patient) left unseen
// The event of a visit's last step (cancelled, left unseen): its time and note as reason.
VisitStatusChange statusChangeOf(const Visit& visit);
VisitStatusChange calledChange();
QueueEntry queueEntry();
QueueEntry minimalQueueEntry();
Vitals vitals();
Diagnosis diagnosis();
PrescriptionLine prescriptionLine();
PrescriptionLine minimalPrescriptionLine();
LabOrderLine labOrderLine();
ConsultationContent consultationContent();
ConsultationContent minimalConsultationContent();
Consultation consultation();
BatchQuantity batchQuantity();
DispensedLine dispensedLine();
Dispense dispense();
StockItem stockItem();
StockMovement stockReceived();
StockMovement stockAdjusted();
StockLow stockLow();
PendingPrescriptionLine pendingPrescriptionLine();
PendingPrescription pendingPrescription();
LabOrder labOrder();
LabOrder collectedLabOrder();
LabResultEntry labResultEntry();
LabResult labResult();
DischargeDetails dischargeDetails();
DischargeDetails admissionDetails();
Discharge discharge();
PendingRelease pendingRelease();
AuditRecord auditRecord(qint64 seq, const QString& prevHash);
HistoryEntry historyEntry();

// One example request and reply per endpoint, keyed by subject.
struct EndpointExample
{
    QByteArray subject;
    QJsonObject request;
    QJsonObject reply;
};
QList<EndpointExample> endpointExamples();

// One example envelope per event, keyed by subject.
struct EventExample
{
    QByteArray subject;
    QJsonObject envelope;
};
QList<EventExample> eventExamples();

} // namespace openopd::protocol::samples
