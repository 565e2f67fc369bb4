#include "fault_run.h"
#include "flow_support.h"

namespace openopd::testing {

using namespace protocol;

// --- doctors ---------------------------------------------------------------------------------

void FaultRun::doctorNext(int lane, const QByteArray& repeatId)
{
    if (m_stopped || isDone())
        return;
    if (repeatId.isEmpty() && m_orphanCheck[lane]) {
        m_orphanCheck[lane] = false;
        return checkOrphans(lane, 0);
    }
    CallNextRequest request;
    request.staff = doctorOf(lane);
    request.room = QStringLiteral("Room %1").arg(lane + 1);
    const QByteArray requestId = repeatId.isEmpty() ? newRequestId() : repeatId;
    send(
        kCallNext, request,
        [this, lane, requestId](bus::Result<CallNextReply> r) {
            if (!r) {
                // The call may have committed: the same id gets its answer (the called visit).
                if (isTransient(r.error()))
                    return after(retryDelay(),
                                 [=, this] { doctorNext(lane, repeatOf(requestId)); });
                anomaly(QStringLiteral("call next: %1").arg(r.error().toString()));
                return after(retryDelay(), [=, this] { doctorNext(lane); });
            }
            if (!r->entry) {
                if (++m_idlePolls[lane] % 10 == 0)
                    m_orphanCheck[lane] = true;
                return after(100, [=, this] { doctorNext(lane); });
            }
            m_idlePolls[lane] = 0;
            startConsultation(lane, *r->entry, newRequestId());
        },
        requestId);
}

// Visits this doctor called whose reply never came back (the consultation service died after
// its commit): resume them, one at a time, then look again.
void FaultRun::checkOrphans(int lane, int queueIndex)
{
    if (queueIndex >= m_settings.queues.size())
        return doctorNext(lane);
    DoctorQueueRequest request;
    request.queue = m_settings.queues.at(queueIndex);
    request.includeCalled = true;
    send(kDoctorQueue, request, [this, lane, queueIndex](bus::Result<DoctorQueueReply> r) {
        if (!r) {
            m_orphanCheck[lane] = true;
            return after(retryDelay(), [=, this] { doctorNext(lane); });
        }
        for (const QueueEntry& entry : r->entries) {
            if (!entry.calledBy || entry.calledBy->id != doctorOf(lane).id)
                continue;
            if (entry.state != VisitState::Called && entry.state != VisitState::InConsultation)
                continue;
            ++m_result.orphansResumed;
            m_orphanCheck[lane] = true; // look again once this one is done
            if (entry.state == VisitState::Called)
                return startConsultation(lane, entry, newRequestId());
            return saveConsultation(lane, entry, newRequestId());
        }
        checkOrphans(lane, queueIndex + 1);
    });
}

void FaultRun::startConsultation(int lane, const QueueEntry& entry, const QByteArray& requestId)
{
    send(
        kStartConsultation, StartConsultationRequest{doctorOf(lane), entry.visitId},
        [=, this](bus::Result<QueueEntryReply> r) {
            // 409: a start whose first attempt committed; the save decides.
            if (r || r.error().code == errors::kConflict)
                return saveConsultation(lane, entry, newRequestId());
            if (isTransient(r.error()))
                return after(retryDelay(),
                             [=, this] { startConsultation(lane, entry, repeatOf(requestId)); });
            anomaly(QStringLiteral("start %1: %2").arg(entry.visitId, r.error().toString()));
            doctorNext(lane);
        },
        requestId);
}

void FaultRun::saveConsultation(int lane, const QueueEntry& entry, const QByteArray& requestId)
{
    SaveConsultationRequest request;
    request.staff = doctorOf(lane);
    request.visitId = entry.visitId;
    request.consultation.complaint = QStringLiteral("Cough for a week");
    Vitals vitals;
    vitals.temperatureC = 37.2;
    vitals.pulseBpm = 80;
    request.consultation.vitals = vitals;
    request.consultation.diagnoses = {
        Diagnosis{QStringLiteral("Acute bronchitis"), QStringLiteral("J20.9")}};
    const int index = indexFromName(entry.patientName);
    if (m_settings.pharmacyEvery > 0 && index >= 0 && index % m_settings.pharmacyEvery == 0) {
        PrescriptionLine line;
        line.drugCode = m_settings.drugCode;
        line.drugName = m_settings.drugName;
        line.dose = QStringLiteral("1 unit");
        line.frequency = QStringLiteral("once");
        line.durationDays = 1;
        line.quantity = 1;
        request.consultation.prescriptions = {line};
        request.consultation.disposition = Disposition::ToPharmacy;
    } else {
        request.consultation.disposition = Disposition::Discharge;
    }
    send(
        kSaveConsultation, request,
        [=, this](bus::Result<ConsultationReply> r) {
            if (r) {
                m_result.consulted.insert(entry.visitId);
                return doctorNext(lane);
            }
            if (isTransient(r.error()))
                return after(retryDelay(),
                             [=, this] { saveConsultation(lane, entry, repeatOf(requestId)); });
            if (r.error().code == errors::kConflict)
                return confirmConsulted(lane, entry, 0);
            anomaly(QStringLiteral("save %1: %2").arg(entry.visitId, r.error().toString()));
            doctorNext(lane);
        },
        requestId);
}

// A save answered 409: fine if an earlier attempt committed (its reply was lost).
void FaultRun::confirmConsulted(int lane, const QueueEntry& entry, int attempt)
{
    send(
        kPatientHistory, PatientHistoryRequest{entry.patientId, 50, {}},
        [=, this](bus::Result<PatientHistoryReply> r) {
            if (!r) {
                if (attempt < 30)
                    return after(retryDelay(),
                                 [=, this] { confirmConsulted(lane, entry, attempt + 1); });
                anomaly(
                    QStringLiteral("history of %1: %2").arg(entry.patientId, r.error().toString()));
                return doctorNext(lane);
            }
            for (const HistoryEntry& h : r->entries)
                if (h.consultation.visitId == entry.visitId) {
                    ++m_result.resolvedAfterLostReply;
                    m_result.consulted.insert(entry.visitId);
                    return doctorNext(lane);
                }
            anomaly(QStringLiteral("save %1: 409 but no consultation in the history")
                        .arg(entry.visitId));
            doctorNext(lane);
        });
}

// --- pharmacy --------------------------------------------------------------------------------

void FaultRun::pharmacyPoll()
{
    if (m_stopped || isDone() || m_settings.pharmacyEvery <= 0)
        return;
    send(kPendingPrescriptions, PendingPrescriptionsRequest{200},
         [this](bus::Result<PendingPrescriptionsReply> r) {
             if (!r)
                 return after(300, [this] { pharmacyPoll(); });
             dispenseEach(r->prescriptions, 0, newRequestId());
         });
}

void FaultRun::dispenseEach(QList<PendingPrescription> list, qsizetype k,
                            const QByteArray& requestId)
{
    if (m_stopped)
        return;
    if (k >= list.size())
        return after(list.isEmpty() ? 200 : 0, [this] { pharmacyPoll(); });
    DispenseRequest request;
    request.staff = flow::pharmacist();
    request.consultationId = list.at(k).consultationId;
    for (const PendingPrescriptionLine& line : list.at(k).lines)
        if (const int remaining = line.prescription.quantity - line.dispensedQuantity;
            remaining > 0)
            request.lines.append(DispenseRequestLine{line.line, remaining});
    if (request.lines.isEmpty())
        return dispenseEach(list, k + 1, requestId);
    send(
        kDispense, request,
        [this, list, k, requestId](bus::Result<DispenseReply> r) {
            if (!r && isTransient(r.error())) // the same dispense again: it acts at most once
                return after(retryDelay(),
                             [=, this] { dispenseEach(list, k, repeatOf(requestId)); });
            if (r)
                m_result.dispensed.insert(list.at(k).consultationId);
            else if (!isTransient(r.error()) && r.error().code != errors::kConflict)
                anomaly(QStringLiteral("dispense %1: %2")
                            .arg(list.at(k).consultationId, r.error().toString()));
            else if (!isTransient(
                         r.error())) // 409: a retry of a committed dispense, or short stock
                qInfo().noquote() << "fault run: dispense" << list.at(k).consultationId
                                  << r.error().toString();
            dispenseEach(list, k + 1, newRequestId());
        },
        requestId);
}

// --- discharge -------------------------------------------------------------------------------

void FaultRun::dischargePoll()
{
    if (m_stopped || isDone())
        return;
    send(kPendingReleases, PendingReleasesRequest{1000},
         [this](bus::Result<PendingReleasesReply> r) {
             if (!r)
                 return after(300, [this] { dischargePoll(); });
             QSet<QString> listed;
             for (const PendingRelease& release : r->releases)
                 listed.insert(release.visitId);
             // A discharge sent without an answer that is no longer pending was committed:
             // a ready visit leaves the list only by its discharge.
             if (!r->truncated)
                 for (auto it = m_dischargeTried.begin(); it != m_dischargeTried.end();) {
                     if (listed.contains(*it)) {
                         ++it;
                         continue;
                     }
                     ++m_result.resolvedAfterLostReply;
                     m_result.discharged.insert(*it);
                     it = m_dischargeTried.erase(it);
                 }
             QList<PendingRelease> todo;
             for (const PendingRelease& release : r->releases)
                 if (!m_result.discharged.contains(release.visitId))
                     todo.append(release);
             dischargeEach(todo, 0, newRequestId());
         });
}

void FaultRun::dischargeEach(QList<PendingRelease> list, qsizetype k, const QByteArray& requestId)
{
    if (m_stopped)
        return;
    if (k >= list.size())
        return after(list.isEmpty() ? 200 : 0, [this] { dischargePoll(); });
    const QString visitId = list.at(k).visitId;
    RecordDischargeRequest request;
    request.staff = {QStringLiteral("dr.release"), QStringLiteral("Dr Release"), StaffRole::Doctor};
    request.visitId = visitId;
    request.details.outcome = DischargeOutcome::Discharged;
    request.details.nextVisit = flow::clinicToday().addDays(14);
    request.details.notes = QStringLiteral("Review in two weeks.");
    send(
        kRecordDischarge, request,
        [this, list, k, visitId, requestId](bus::Result<DischargeReply> r) {
            if (r) {
                m_result.discharged.insert(visitId);
                m_dischargeTried.remove(visitId);
            } else if (isTransient(r.error())) {
                m_dischargeTried.insert(visitId); // the same discharge again, same id
                return after(retryDelay(),
                             [=, this] { dischargeEach(list, k, repeatOf(requestId)); });
            } else if (r.error().code == errors::kConflict && m_dischargeTried.remove(visitId)) {
                ++m_result.resolvedAfterLostReply; // the earlier attempt committed
                m_result.discharged.insert(visitId);
            } else {
                anomaly(QStringLiteral("discharge %1: %2").arg(visitId, r.error().toString()));
            }
            dischargeEach(list, k + 1, newRequestId());
        },
        requestId);
}

} // namespace openopd::testing
