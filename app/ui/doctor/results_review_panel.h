#pragma once

// The doctor's "results to review" (issue 11): the lab results of this doctor's
// consultations, live (ResultsReviewModel), oldest first, abnormal and critical in bold.
// Enter on a row or "Mark reviewed" marks the selected result reviewed
// (opd.consultation.results.reviewed) as an app::Command: request id, read before repeat,
// the outcome bar says what happened. A panel the doctor workspace embeds.

#include "protocol/staff.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace openopd::bus {
class Connection;
}

namespace openopd::app {

class Command;
class CommandOutcomeBar;
class ResultsReviewModel;
class Session;

class ResultsReviewPanel final : public QWidget
{
    Q_OBJECT
public:
    // For the signed-in doctor of session (its connection, acting as doctor).
    explicit ResultsReviewPanel(Session& session, QWidget* parent = nullptr);
    // For doctor on connection (tests, or a workspace that has both at hand).
    ResultsReviewPanel(bus::Connection& connection, const protocol::StaffRef& doctor,
                       QWidget* parent = nullptr);

    ResultsReviewModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QPushButton* markReviewedButton() const { return m_mark; }
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    QString statusText() const;
    Command* lastCommand() const { return m_command; }

    // Marks the selected result reviewed (nothing when none is selected or one is on its way).
    void markSelectedReviewed();

Q_SIGNALS:
    // A result was marked reviewed (the row leaves the list with the live event).
    void reviewed(const QString& orderId);

private:
    void updateState();

    QPointer<bus::Connection> m_connection;
    protocol::StaffRef m_doctor;
    ResultsReviewModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_mark = nullptr;
    CommandOutcomeBar* m_outcome = nullptr;
    QPointer<Command> m_command;
};

} // namespace openopd::app
