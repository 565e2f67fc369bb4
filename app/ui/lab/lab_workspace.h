#pragma once

// The lab (issue 11, role lab_technician): the pending orders, live (urgent first), and the
// chosen order's panel: mark the sample collected, then enter the result. An order whose
// result is saved leaves the list (the list event says so; nothing is removed locally).
//
//   [ pending orders (live) ]  [ order: patient — test; Sample; Result; outcome bar ]
//
// Keyboard: Ctrl+W the list (the first order is selected), Enter on an order goes to its
// next step (sample id, or the result value); Alt+C collects, Alt+S saves the result.

#include "core/session.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace openopd::app {

class LabOrdersModel;
class LabOrderPanel;

class LabWorkspace final : public QWidget
{
    Q_OBJECT
public:
    explicit LabWorkspace(Session& session, QWidget* parent = nullptr);

    LabOrdersModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    LabOrderPanel* panel() const { return m_panel; }
    // Selects the order's row (false when it is not listed).
    bool selectOrder(const QString& orderId);

private:
    void onCurrentRowChanged();
    void focusList();

    LabOrdersModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_listStatus = nullptr;
    LabOrderPanel* m_panel = nullptr;
};

} // namespace openopd::app
