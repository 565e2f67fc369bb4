#pragma once

// The lab orders of a consultation (issue 11): a test (common tests offered, any other typed
// by name), urgent or not, "Add test", and the tests so far (Delete removes the selected).

#include "protocol/clinical.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace openopd::app {

class LabOrderEditor final : public QWidget
{
    Q_OBJECT
public:
    explicit LabOrderEditor(QWidget* parent = nullptr);

    QList<protocol::LabOrderLine> lines() const { return m_lines; }
    void setLines(const QList<protocol::LabOrderLine>& lines);
    void setReadOnly(bool readOnly);
    bool addLine();
    void removeSelected();
    // A code for a test typed by name: its letters and digits, upper case, up to 32.
    static QString codeFor(const QString& name);

Q_SIGNALS:
    void changed();

private:
    void showLines();

    QComboBox* m_test = nullptr;
    QCheckBox* m_urgent = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QListWidget* m_list = nullptr;
    QLabel* m_error = nullptr;
    QList<protocol::LabOrderLine> m_lines;
};

} // namespace openopd::app
