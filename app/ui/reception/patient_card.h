#pragma once

// The chosen patient's details (name, MRN, age and date of birth, sex, phone, national id,
// address, allergies, remarks) with the desk's next steps: "Open visit…" and
// "Edit details…". Empty until a patient is shown.

#include "core/session.h"
#include "protocol/patient.h"

#include <QWidget>
#include <optional>

class QFormLayout;
class QLabel;
class QPushButton;
class QStackedLayout;

namespace openopd::app {

class PatientCard final : public QWidget
{
    Q_OBJECT
public:
    PatientCard(Session& session, QWidget* parent = nullptr);

    void showPatient(const protocol::Patient& patient);
    void clear();
    const std::optional<protocol::Patient>& patient() const { return m_patient; }
    // The text shown for a detail ("name", "mrn", "age", "sex", "phone", "national_id",
    // "address", "allergies", "remarks"), for tests.
    QString detailText(const QString& key) const;

Q_SIGNALS:
    void openVisitRequested(const openopd::protocol::Patient& patient);
    void editRequested(const openopd::protocol::Patient& patient);

private:
    QLabel* addDetail(QFormLayout* form, const QString& key, const QString& label);

    std::optional<protocol::Patient> m_patient;
    QStackedLayout* m_pages = nullptr;
    QHash<QString, QLabel*> m_details;
    QPushButton* m_openVisit = nullptr;
    QPushButton* m_edit = nullptr;
};

} // namespace openopd::app
