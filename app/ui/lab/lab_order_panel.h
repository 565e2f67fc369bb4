#pragma once

// The chosen lab order (issue 11): what it is and for whom, "Collect sample" (optional sample
// id / tube label) while it is "ordered", and the result form (value, unit, reference range,
// flag, notes) once the sample is collected. Each field's problem is shown under the field
// (the client's rules, and a field the service refused). Commands go through app::Command
// and a CommandOutcomeBar: sent once, read before repeating.

#include "core/session.h"
#include "protocol/lab.h"

#include <QHash>
#include <QPointer>
#include <QWidget>
#include <optional>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace openopd::app {

class Command;
class CommandOutcomeBar;

class LabOrderPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit LabOrderPanel(Session& session, QWidget* parent = nullptr);

    // The order to work on (nullopt: nothing chosen). A newer row of the same order (it was
    // collected) keeps what was typed.
    void setOrder(const std::optional<protocol::LabOrder>& order);
    std::optional<protocol::LabOrder> order() const { return m_order; }

    void collectSample();
    void saveResult();
    // Puts the keyboard on the first thing to do for the order (sample id or result value).
    void focusNextStep();

    // The message shown under a result field ("value", "unit", "reference_range", "notes",
    // "sample_id"), empty when none (for tests).
    QString fieldError(const QString& field) const;
    CommandOutcomeBar* outcomeBar() const { return m_outcome; }
    // A command is being sent or its outcome read.
    bool isBusy() const;
    Command* command() const; // the last command sent (or null)

Q_SIGNALS:
    void sampleCollected(const QString& orderId);
    void resultEntered(const QString& orderId);

private:
    QLabel* addErrorLabel(const QString& field, const QString& description);
    void showProblems(const QHash<QString, QString>& problems);
    void refreshEnabled();
    void follow(Command* command, const QString& action, bool result);

    Session& m_session;
    std::optional<protocol::LabOrder> m_order;
    QLabel* m_title = nullptr;
    QLabel* m_details = nullptr;
    QGroupBox* m_sampleBox = nullptr;
    QLineEdit* m_sampleId = nullptr;
    QPushButton* m_collect = nullptr;
    QGroupBox* m_resultBox = nullptr;
    QLineEdit* m_value = nullptr;
    QLineEdit* m_unit = nullptr;
    QLineEdit* m_range = nullptr;
    QComboBox* m_flag = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPushButton* m_save = nullptr;
    QHash<QString, QLabel*> m_errors;
    CommandOutcomeBar* m_outcome = nullptr;
    QPointer<Command> m_command;
};

} // namespace openopd::app
