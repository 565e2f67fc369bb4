#pragma once

// The prescriptions awaiting dispensing (issue 11): a table over PendingPrescriptionsModel
// (live from the bus), a status line (Live / Reconnecting / Loading / the error) and
// "Dispense…" for the selected one (also Enter on a row).

#include "core/pharmacy/pending_prescriptions_model.h"
#include "core/session.h"

#include <QWidget>
#include <optional>

class QLabel;
class QPushButton;
class QTableView;

namespace openopd::app {

class PendingListView final : public QWidget
{
    Q_OBJECT
public:
    // Makes its own live model on the session's connection (a detached one when signed out).
    explicit PendingListView(Session& session, QWidget* parent = nullptr);

    PendingPrescriptionsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPushButton* dispenseButton() const { return m_dispense; }
    QString statusText() const;
    std::optional<protocol::PendingPrescription> selected() const;
    bool selectPatient(const QString& patientName);

Q_SIGNALS:
    void dispenseRequested(const openopd::protocol::PendingPrescription& prescription);

private:
    void updateStatus();
    void updateButtons();
    void requestDispense();

    Session& m_session;
    PendingPrescriptionsModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_dispense = nullptr;
};

} // namespace openopd::app
