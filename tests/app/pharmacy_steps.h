#pragma once

// The pharmacy's widget-driving steps (issue 11), for the pharmacy GUI tests and the lead's
// end-to-end test: each drives the real widgets of a PharmacyWorkspace with the keyboard
// (QTest key clicks) and returns true, or false with the reason in *why. Every wait is a
// bounded wait on a condition.
//
//   waitForPending      the patient's prescription is in the live list
//   openDispenseFor     Ctrl+W, arrows to the patient's row, Enter: the dispense dialog, read
//   confirmDispense     Enter in the dialog; waits until the service confirmed and it closed
//   dispenseAllFor      the three above, every line in full; the row leaves the list
//   setQuantity         types a line's quantity (select all, digits)
//   openReceiveStock    Ctrl+R: the receive dialog
//   openAdjustStock     the stock search, the batch's row, Ctrl+J: the adjust dialog
//   typeInto            replaces a dialog field's text by typing

#include <QDate>
#include <QString>

class QWidget;

namespace openopd::app {
class DispenseDialog;
class PharmacyWorkspace;
class StockChangeDialog;
} // namespace openopd::app

namespace openopd::testing::pharmacy {

// Makes the workspace's tab the current one and gives it the keyboard.
void show(app::PharmacyWorkspace* workspace);

bool waitForPending(app::PharmacyWorkspace* workspace, const QString& patientName, QString* why,
                    int timeoutMs = 30000);
// The dialog once it has read the prescription and the stock; null (and why) otherwise.
app::DispenseDialog* openDispenseFor(app::PharmacyWorkspace* workspace, const QString& patientName,
                                     QString* why, int timeoutMs = 30000);
bool confirmDispense(app::DispenseDialog* dialog, QString* why, int timeoutMs = 30000);
bool dispenseAllFor(app::PharmacyWorkspace* workspace, const QString& patientName, QString* why,
                    int timeoutMs = 30000);
void setQuantity(app::DispenseDialog* dialog, int line, int quantity);

app::StockChangeDialog* openReceiveStock(app::PharmacyWorkspace* workspace, QString* why);
app::StockChangeDialog* openAdjustStock(app::PharmacyWorkspace* workspace, const QString& drugCode,
                                        const QString& batch, QString* why, int timeoutMs = 30000);
// Replaces the text of the dialog's field (a line edit or a spin box) by typing it.
bool typeInto(app::StockChangeDialog* dialog, const QString& key, const QString& text);
// Enter in the dialog; true once the service confirmed and the dialog closed.
bool confirmStockChange(app::StockChangeDialog* dialog, QString* why, int timeoutMs = 30000);

} // namespace openopd::testing::pharmacy
