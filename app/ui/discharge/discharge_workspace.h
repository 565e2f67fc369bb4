#pragma once

// Discharge (issue 11, roles doctor and pharmacist): the pending releases, live, and the
// chosen visit's panel (the visit, how it ends, the visit summary PDF). A visit recorded
// here stays on the panel (to print its summary) after it leaves the list.
//
//   [ pending releases (live) ]  [ patient — token; the visit; outcome form; Record;
//                                  Print summary… / Save summary as PDF… ]
//
// Keyboard: Ctrl+W the list (the first visit is selected), Enter on a visit goes to its
// form; Alt+R records, Alt+S saves the summary, Alt+P prints it.

#include "core/session.h"

#include <QWidget>

class QLabel;
class QTableView;

namespace openopd::app {

class DischargePanel;
class PendingReleasesModel;

class DischargeWorkspace final : public QWidget
{
    Q_OBJECT
public:
    explicit DischargeWorkspace(Session& session, QWidget* parent = nullptr);

    PendingReleasesModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    DischargePanel* panel() const { return m_panel; }
    bool selectVisit(const QString& visitId);

private:
    void onCurrentRowChanged();
    void focusList();

    PendingReleasesModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_listStatus = nullptr;
    DischargePanel* m_panel = nullptr;
    bool m_removing = false;
};

} // namespace openopd::app
