#include "ui/doctor/lab_order_editor.h"

#include "ui/error_label.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace openopd::app {

namespace {
constexpr int kCodeRole = Qt::UserRole + 1;
constexpr int kNameRole = Qt::UserRole + 2;
constexpr int kSpecimenRole = Qt::UserRole + 3;
} // namespace

LabOrderEditor::LabOrderEditor(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    auto* label = new QLabel(tr("La&b test:"), this);
    m_test = new QComboBox(this);
    m_test->setObjectName(QStringLiteral("labTest"));
    m_test->setEditable(true);
    m_test->setInsertPolicy(QComboBox::NoInsert);
    m_test->completer()->setFilterMode(Qt::MatchContains);
    m_test->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_test->lineEdit()->setPlaceholderText(tr("Type or choose a test"));
    label->setBuddy(m_test);
    // Common outpatient tests; any other is typed by name.
    const struct
    {
        const char* code;
        const char* name;
        const char* specimen;
    } common[] = {
        {"FBC", QT_TR_NOOP("Full blood count"), QT_TR_NOOP("blood")},
        {"MRDT", QT_TR_NOOP("Malaria rapid test"), QT_TR_NOOP("blood")},
        {"GLU", QT_TR_NOOP("Blood glucose"), QT_TR_NOOP("blood")},
        {"HBA1C", QT_TR_NOOP("HbA1c"), QT_TR_NOOP("blood")},
        {"CRP", QT_TR_NOOP("C-reactive protein"), QT_TR_NOOP("blood")},
        {"UA", QT_TR_NOOP("Urinalysis"), QT_TR_NOOP("urine")},
        {"LFT", QT_TR_NOOP("Liver function tests"), QT_TR_NOOP("blood")},
        {"RFT", QT_TR_NOOP("Renal function tests"), QT_TR_NOOP("blood")},
    };
    for (const auto& test : common) {
        m_test->addItem(tr(test.name));
        const int at = m_test->count() - 1;
        m_test->setItemData(at, QString::fromLatin1(test.code), kCodeRole);
        m_test->setItemData(at, tr(test.name), kNameRole);
        m_test->setItemData(at, tr(test.specimen), kSpecimenRole);
    }
    m_test->setCurrentIndex(-1);
    row->addWidget(label);
    row->addWidget(m_test, 1);
    m_urgent = new QCheckBox(tr("Urgent"), this);
    m_urgent->setObjectName(QStringLiteral("labUrgent"));
    row->addWidget(m_urgent);
    m_add = new QPushButton(tr("Add t&est"), this);
    m_add->setObjectName(QStringLiteral("addLabTest"));
    row->addWidget(m_add);
    m_remove = new QPushButton(tr("Remove test"), this);
    m_remove->setObjectName(QStringLiteral("removeLabTest"));
    m_remove->setToolTip(tr("Remove the selected test (Delete)"));
    row->addWidget(m_remove);
    layout->addLayout(row);
    m_error = makeErrorLabel(this, tr("Why the test was not added"));
    m_error->setObjectName(QStringLiteral("labError"));
    layout->addWidget(m_error);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("labOrderLines"));
    m_list->setAccessibleName(tr("Lab tests ordered"));
    m_list->setMinimumHeight(60);
    layout->addWidget(m_list);

    connect(m_add, &QPushButton::clicked, this, &LabOrderEditor::addLine);
    connect(m_remove, &QPushButton::clicked, this, &LabOrderEditor::removeSelected);
    connect(m_test->lineEdit(), &QLineEdit::returnPressed, this, &LabOrderEditor::addLine);
    auto* del = new QShortcut(QKeySequence::Delete, m_list);
    del->setContext(Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &LabOrderEditor::removeSelected);
}

QString LabOrderEditor::codeFor(const QString& name)
{
    QString code;
    for (QChar c : name.toUpper())
        if ((c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9'))
            code += c;
    return code.left(32);
}

bool LabOrderEditor::addLine()
{
    const QString typed = m_test->currentText().trimmed();
    protocol::LabOrderLine line;
    const int index = m_test->findText(typed, Qt::MatchFixedString);
    if (index >= 0) {
        line.testCode = m_test->itemData(index, kCodeRole).toString();
        line.testName = m_test->itemData(index, kNameRole).toString();
        line.specimen = m_test->itemData(index, kSpecimenRole).toString();
    } else {
        line.testName = typed.left(200);
        line.testCode = codeFor(typed);
    }
    if (line.testName.isEmpty() || line.testCode.isEmpty()) {
        m_error->setText(tr("Choose a test or type its name."));
        m_error->show();
        m_test->setFocus();
        return false;
    }
    line.urgent = m_urgent->isChecked();
    m_lines.append(line);
    m_error->hide();
    showLines();
    m_test->setCurrentIndex(-1);
    m_test->clearEditText();
    m_urgent->setChecked(false);
    m_test->setFocus();
    Q_EMIT changed();
    return true;
}

void LabOrderEditor::removeSelected()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_lines.size() || !m_remove->isEnabled())
        return;
    m_lines.removeAt(row);
    showLines();
    Q_EMIT changed();
}

void LabOrderEditor::setLines(const QList<protocol::LabOrderLine>& lines)
{
    m_lines = lines;
    m_error->hide();
    showLines();
}

void LabOrderEditor::setReadOnly(bool readOnly)
{
    for (QWidget* widget : std::initializer_list<QWidget*>{m_test, m_urgent, m_add, m_remove})
        widget->setEnabled(!readOnly);
}

void LabOrderEditor::showLines()
{
    m_list->clear();
    for (const protocol::LabOrderLine& line : m_lines)
        m_list->addItem(line.urgent ? tr("%1 (%2) — urgent").arg(line.testName, line.testCode)
                                    : tr("%1 (%2)").arg(line.testName, line.testCode));
}

} // namespace openopd::app
