#pragma once

// Who the doctor is seeing (issue 11): name, age, sex and, always and prominently, the
// allergies — "No known allergies" only when the record says so; while the record loads or
// when it cannot be read the header says that instead, never "none". The record comes from
// opd.registration.patient.get.

#include "core/session.h"
#include "protocol/patient.h"
#include "protocol/visit.h"

#include <QFrame>
#include <QPointer>
#include <optional>

class QLabel;

namespace openopd::bus {
class RequestHandle;
}

namespace openopd::app {

class PatientHeader final : public QFrame
{
    Q_OBJECT
public:
    explicit PatientHeader(Session& session, QWidget* parent = nullptr);

    // Shows the entry's name at once and fetches the record.
    void showEntry(const protocol::QueueEntry& entry);
    void clear();
    const std::optional<protocol::Patient>& patient() const { return m_patient; }
    // Everything the header says, one line (tests, the lead's end-to-end test).
    QString text() const;
    QString allergiesText() const;

Q_SIGNALS:
    void patientLoaded(const openopd::protocol::Patient& patient);

private:
    void showPatient(const protocol::Patient& patient);
    void setAllergies(const QString& text, bool alarming);

    Session& m_session;
    QLabel* m_name = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_allergies = nullptr;
    QLabel* m_visit = nullptr;
    std::optional<protocol::Patient> m_patient;
    QPointer<bus::RequestHandle> m_request;
};

} // namespace openopd::app
