#pragma once

// The lab workspace driven through its real widgets, for the lab GUI test and the lead's
// end-to-end visit: each step finds the widgets by objectName, types and clicks as a lab
// technician would (QTest key clicks, buttons), waits (bounded) for what the screen should
// then show, and returns false with *why when it does not.

#include "protocol/lab.h"

#include <QString>

class QWidget;

namespace openopd::app {
class LabWorkspace;
}

namespace openopd::testing::lab {

// Brings the workspace's tab to the front with the keyboard (Ctrl+Tab) and gives it
// the keyboard (every step below starts with it).
void showWorkspace(QWidget* workspace);

// Waits until a pending order of the patient for the test (test name, e.g. "Full blood
// count") is listed; its order id into *orderId.
bool waitForOrder(app::LabWorkspace* lab, const QString& patientName, const QString& testName,
                  QString* orderId, QString* why, int timeoutMs = 30000);
// Chooses the order (keyboard: Ctrl+W, arrows), types the sample id (may be empty) and presses
// Enter; waits until the list shows it collected.
bool collectSample(app::LabWorkspace* lab, const QString& orderId, const QString& sampleId,
                   QString* why, int timeoutMs = 30000);
// Types the result into the form (value, unit, reference range, flag, notes) and saves it
// (Alt+S); waits until the order has left the pending list.
bool enterResult(app::LabWorkspace* lab, const QString& orderId,
                 const protocol::LabResultEntry& entry, QString* why, int timeoutMs = 30000);

} // namespace openopd::testing::lab
