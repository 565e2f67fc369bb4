#pragma once

// The doctor's workspace driven through its real widgets (button clicks, typed keys), for the
// doctor GUI tests and the end-to-end visit test. Each step returns false with the reason in
// *why when the screen does not get where it should within its timeout.

#include "protocol/enums.h"

#include <QString>
#include <QStringList>

class QWidget;

namespace openopd::app {
class DoctorWorkspace;
}

namespace openopd::testing::doctor {

struct ConsultationInput
{
    QString temperature = QStringLiteral("38.2");
    QString diagnosis = QStringLiteral("Acute pharyngitis");
    QString icd10 = QStringLiteral("J02.9");
    QString notes;
    // One prescription line (skipped when drug is empty): drug is typed into the picker and
    // must match one formulary entry (part of its name is enough).
    QString drug = QStringLiteral("Amoxicillin 500");
    QString dose = QStringLiteral("500 mg");
    QString frequency = QStringLiteral("3 times a day");
    int days = 5;
    int quantity = 15;
    // One lab order (skipped when empty): a common test's name, or any name.
    QString labTest = QStringLiteral("Full blood count");
    protocol::Disposition disposition = protocol::Disposition::ToPharmacy;
    QString referralTo;
};

// The doctor workspace of a signed-in main window (window: AppHarness::window()).
app::DoctorWorkspace* workspaceIn(QWidget* window);

// Clicks "Call next"; true once a patient is open (header shows their name). *patientName
// gets it.
bool callNext(app::DoctorWorkspace* workspace, QString* why, QString* patientName = nullptr,
              int timeoutMs = 20000);
// Clicks "Start consultation"; true once the visit is in consultation.
bool startConsultation(app::DoctorWorkspace* workspace, QString* why, int timeoutMs = 20000);
// Types the input into the form (vitals, diagnosis, one drug, one lab test, disposition).
bool fillConsultation(app::DoctorWorkspace* workspace, const ConsultationInput& input, QString* why,
                      int timeoutMs = 20000);
// Clicks "Save consultation"; true once the service saved it.
bool saveConsultation(app::DoctorWorkspace* workspace, QString* why, int timeoutMs = 20000);
// Waits until the header has loaded the patient's record (allergies known).
bool waitForHeader(app::DoctorWorkspace* workspace, QString* why, int timeoutMs = 20000);
// What the header says: name | age · sex · MRN | token · priority · queue | allergies.
QString headerText(app::DoctorWorkspace* workspace);
// The history, one line per row, top (newest) to bottom.
QStringList historyLines(app::DoctorWorkspace* workspace);
// Waits until a history line contains text (e.g. a lab result arriving live).
bool waitForHistory(app::DoctorWorkspace* workspace, const QString& text, QString* why,
                    int timeoutMs = 30000);

} // namespace openopd::testing::doctor
