#pragma once

// The called patient's history (issue 11): past consultations, newest first, each with its
// diagnoses, vitals, prescriptions, lab orders and the lab results that came back
// (opd.consultation.patient.history). A lab result published while the patient is open
// (opd.events.lab.resulted, live) is added under its consultation without a refresh; so is
// what the pharmacy dispensed (the visit summary of opd.discharge.release.get, then
// opd.events.visit.dispensed live).

#include "core/session.h"
#include "protocol/consultation_api.h"
#include "protocol/pharmacy.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace openopd::bus {
class RequestHandle;
class Subscription;
} // namespace openopd::bus

namespace openopd::app {

class PatientHistoryView final : public QWidget
{
    Q_OBJECT
public:
    explicit PatientHistoryView(Session& session, QWidget* parent = nullptr);

    void showPatient(const QString& patientId);
    void reload();
    void clear();
    QString patientId() const { return m_patientId; }
    QTreeWidget* tree() const { return m_tree; }
    // Every line shown, top to bottom (tests, the lead's end-to-end test).
    QStringList lines() const;

    static QString resultText(const protocol::LabResult& result);
    static QString dispensedText(const protocol::DispensedLine& line, const QDateTime& at);

Q_SIGNALS:
    void loaded();
    void labResultArrived(const openopd::protocol::LabResult& result);

private:
    void show(const protocol::PatientHistoryReply& reply);
    void addEntry(const protocol::HistoryEntry& entry);
    void onLabResulted(const bus::Message& message);
    void loadDispenses(const protocol::PatientHistoryReply& reply);
    void addDispense(const protocol::Dispense& dispense, bool isNew);
    void onDispensed(const bus::Message& message);
    QTreeWidgetItem* itemOfConsultation(const QString& consultationId) const;

    Session& m_session;
    QString m_patientId;
    QLabel* m_status = nullptr;
    QTreeWidget* m_tree = nullptr;
    QPointer<bus::RequestHandle> m_request;
    QPointer<bus::Subscription> m_results;
    QPointer<bus::Subscription> m_dispensed;
};

} // namespace openopd::app
