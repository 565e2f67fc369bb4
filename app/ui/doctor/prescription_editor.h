#pragma once

// The prescription lines of a consultation (issue 11): a drug picker fed by the pharmacy's
// formulary (opd.pharmacy.stock.list, every batch summed per drug, showing what is on hand:
// "Amoxicillin 500 mg capsule — 300 capsule in stock"), dose, frequency, days and quantity,
// "Add drug", and the lines so far (Delete removes the selected one).

#include "core/session.h"
#include "protocol/clinical.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace openopd::bus {
class RequestHandle;
}

namespace openopd::app {

class PrescriptionEditor final : public QWidget
{
    Q_OBJECT
public:
    explicit PrescriptionEditor(Session& session, QWidget* parent = nullptr);

    QList<protocol::PrescriptionLine> lines() const { return m_lines; }
    void setLines(const QList<protocol::PrescriptionLine>& lines);
    void setReadOnly(bool readOnly);
    // Fetches the formulary again.
    void loadStock();
    // The drug picker's entries (for tests): "name — stock" per drug.
    QStringList drugChoices() const;
    QComboBox* drugPicker() const { return m_drug; }

    // Adds the line typed in the fields; false (and the reason shown) when it is incomplete.
    bool addLine();
    void removeSelected();

Q_SIGNALS:
    void changed();

private:
    void showLines();
    void setError(const QString& text);

    Session& m_session;
    QComboBox* m_drug = nullptr;
    QLineEdit* m_dose = nullptr;
    QLineEdit* m_frequency = nullptr;
    QSpinBox* m_days = nullptr;
    QSpinBox* m_quantity = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_stockStatus = nullptr;
    QLabel* m_error = nullptr;
    QList<protocol::PrescriptionLine> m_lines;
    QPointer<bus::RequestHandle> m_request;
};

} // namespace openopd::app
