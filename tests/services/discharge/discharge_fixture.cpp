#include "discharge_fixture.h"

namespace openopd::testing::discharge {

using namespace openopd::protocol;

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

Visit newVisit(int token, const QString& name)
{
    Visit visit;
    visit.id = newId();
    visit.patientId = newId();
    visit.patientName = name;
    visit.queue = QStringLiteral("general");
    visit.day = QDate::currentDate();
    visit.token = token;
    visit.priority = Priority::Normal;
    visit.state = VisitState::Registered;
    visit.complaint = QStringLiteral("Fever for 3 days");
    visit.history = {VisitTransition{VisitState::Registered, nowUtc(), receptionist(), {}}};
    return visit;
}

PrescriptionLine postMedication()
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

Consultation consultation(const Visit& visit, Disposition disposition, int labOrders,
                          bool withPrescription)
{
    Consultation c;
    c.id = newId();
    c.visitId = visit.id;
    c.patientId = visit.patientId;
    c.patientName = visit.patientName;
    c.doctor = doctor();
    c.savedAt = nowUtc();
    c.content.complaint = visit.complaint;
    c.content.diagnoses = {Diagnosis{QStringLiteral("Acute pharyngitis"), QStringLiteral("J02.9")}};
    c.content.disposition = disposition;
    if (disposition == Disposition::ToPharmacy || withPrescription)
        c.content.prescriptions = {postMedication()};
    if (disposition == Disposition::ToLab)
        for (int i = 0; i < labOrders; ++i)
            c.content.labOrders.append(LabOrderLine{QStringLiteral("FBC%1").arg(i + 1),
                                                    QStringLiteral("Full blood count"),
                                                    {},
                                                    false,
                                                    {}});
    if (disposition == Disposition::Refer)
        c.content.referralTo = QStringLiteral("District Hospital ENT clinic");
    return c;
}

Dispense dispense(const Consultation& consultation, bool partial)
{
    Dispense d;
    d.id = newId();
    d.consultationId = consultation.id;
    d.visitId = consultation.visitId;
    d.patientId = consultation.patientId;
    d.dispensedAt = nowUtc();
    d.dispensedBy = pharmacist();
    DispensedLine line;
    line.line = 1;
    line.drugCode = QStringLiteral("AMOX500");
    line.drugName = QStringLiteral("Amoxicillin 500 mg capsule");
    line.quantity = 15;
    line.batches = {BatchQuantity{QStringLiteral("AM-2405"), QDate(2027, 3, 31), 15}};
    d.lines = {line};
    d.partial = partial;
    return d;
}

LabResult labResult(const Consultation& consultation, int line)
{
    LabResult r;
    r.orderId = newId();
    r.consultationId = consultation.id;
    r.line = line;
    r.visitId = consultation.visitId;
    r.patientId = consultation.patientId;
    r.testCode = consultation.content.labOrders.at(line - 1).testCode;
    r.testName = consultation.content.labOrders.at(line - 1).testName;
    r.entry.value = QStringLiteral("WBC 13.2");
    r.entry.flag = LabFlag::Abnormal;
    r.resultedAt = nowUtc();
    r.resultedBy = labTechnician();
    return r;
}

VisitStatusChange statusChange(const Visit& visit, VisitState state)
{
    VisitStatusChange change;
    change.visitId = visit.id;
    change.patientId = visit.patientId;
    change.queue = visit.queue;
    change.day = visit.day;
    change.token = visit.token;
    change.state = state;
    change.at = nowUtc();
    if (state == VisitState::Cancelled)
        change.reason = QStringLiteral("Registered in the wrong queue");
    return change;
}

} // namespace openopd::testing::discharge
