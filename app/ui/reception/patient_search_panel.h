#pragma once

// Find a patient as you type: a search field over a results table (name, age, sex, MRN,
// phone) and a status line (searching, no match, error). Keyboard only: type, Down moves
// into the results, Up from the first row or Escape goes back to the field, Enter on a row
// (or double-click) chooses the patient. Enter in the field searches at once.

#include "core/session.h"
#include "protocol/patient.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;

namespace openopd::app {

class PatientSearchModel;

class PatientSearchPanel final : public QWidget
{
    Q_OBJECT
public:
    // The session must be signed in (workspaces exist only then).
    PatientSearchPanel(Session& session, QWidget* parent = nullptr);

    // Puts the cursor in the search field, its text selected (ready for the next patient).
    void focusSearch();
    // Runs the current search again (e.g. after a patient was registered or edited).
    void refresh();

    QLineEdit* searchField() const { return m_field; }
    QTableView* results() const { return m_table; }
    PatientSearchModel* model() const { return m_model; }
    QString statusText() const;
    // What is typed in the search field (e.g. to start a registration with that name).
    QString query() const;

Q_SIGNALS:
    void patientChosen(const openopd::protocol::Patient& patient);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showState();
    void chooseRow(int row);
    void moveIntoResults();

    PatientSearchModel* m_model = nullptr;
    QLineEdit* m_field = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
};

} // namespace openopd::app
