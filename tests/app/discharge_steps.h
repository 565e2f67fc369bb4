#pragma once

// The discharge workspace driven through its real widgets, for the discharge GUI test and
// the lead's end-to-end visit: find the visit in the pending releases, fill the form with
// the keyboard, record it, save the visit summary as a PDF and read its text (pdftotext).
// Each step waits (bounded) for what the screen should then show and returns false with
// *why when it does not.

#include "protocol/discharge.h"

#include <QDate>
#include <QString>

class QWidget;

namespace openopd::app {
class DischargeWorkspace;
}

namespace openopd::testing::discharge {

// Brings the workspace's tab to the front with the keyboard (Ctrl+Tab) and gives it
// the keyboard (every step below starts with it).
void showWorkspace(QWidget* workspace);

struct DischargeEntry
{
    protocol::DischargeOutcome outcome = protocol::DischargeOutcome::Discharged;
    QString destination;            // ward or facility (admitted / referred)
    bool continueMedication = true; // tick every prescribed drug as medication to continue
    QString notes;
    QDate nextVisit; // invalid: none
};

// Waits until the patient's visit is listed as ready for release; its visit id into *visitId.
bool waitForRelease(app::DischargeWorkspace* discharge, const QString& patientName,
                    QString* visitId, QString* why, int timeoutMs = 30000);
// Chooses the visit (Ctrl+W, arrows, Enter), waits for its summary, fills the form and
// records it (Alt+R); waits until the visit has left the list and the panel says recorded.
bool recordDischarge(app::DischargeWorkspace* discharge, const QString& visitId,
                     const DischargeEntry& entry, QString* why, int timeoutMs = 30000);
// Saves the recorded visit's summary to path (as "Save summary as PDF…" does after its
// file dialog) and waits until it is written.
bool saveSummary(app::DischargeWorkspace* discharge, const QString& path, QString* why,
                 int timeoutMs = 30000);
// The text of a PDF (pdftotext -layout), empty when it cannot be read.
QString pdfText(const QString& path);

} // namespace openopd::testing::discharge
