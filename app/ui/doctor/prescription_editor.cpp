#include "ui/doctor/prescription_editor.h"

#include "bus/request_handle.h"
#include "core/error_text.h"
#include "protocol/endpoints.h"
#include "ui/error_label.h"

#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace openopd::app {

namespace {
constexpr int kCodeRole = Qt::UserRole + 1;
constexpr int kNameRole = Qt::UserRole + 2;
} // namespace

PrescriptionEditor::PrescriptionEditor(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_drug = new QComboBox(this);
    m_drug->setObjectName(QStringLiteral("drugPicker"));
    m_drug->setEditable(true);
    m_drug->setInsertPolicy(QComboBox::NoInsert);
    m_drug->completer()->setFilterMode(Qt::MatchContains);
    m_drug->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_drug->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_drug->setMinimumContentsLength(24);
    m_drug->lineEdit()->setPlaceholderText(tr("Type part of the name"));
    form->addRow(tr("&Drug:"), m_drug);
    m_stockStatus = new QLabel(this);
    m_stockStatus->setObjectName(QStringLiteral("stockStatus"));
    m_stockStatus->setAccessibleDescription(tr("Formulary status"));
    m_stockStatus->setWordWrap(true);
    form->addRow(QString(), m_stockStatus);
    m_dose = new QLineEdit(this);
    m_dose->setObjectName(QStringLiteral("dose"));
    m_dose->setPlaceholderText(tr("e.g. 500 mg"));
    m_dose->setMaxLength(100);
    form->addRow(tr("Do&se:"), m_dose);
    m_frequency = new QLineEdit(this);
    m_frequency->setObjectName(QStringLiteral("frequency"));
    m_frequency->setPlaceholderText(tr("e.g. 3 times a day"));
    m_frequency->setMaxLength(100);
    form->addRow(tr("Frequen&cy:"), m_frequency);
    auto* amounts = new QHBoxLayout;
    m_days = new QSpinBox(this);
    m_days->setObjectName(QStringLiteral("durationDays"));
    m_days->setRange(1, 365);
    m_days->setValue(5);
    m_days->setSuffix(tr(" days"));
    m_days->setAccessibleName(tr("Duration in days"));
    amounts->addWidget(m_days);
    auto* quantityLabel = new QLabel(tr("&Quantity:"), this);
    m_quantity = new QSpinBox(this);
    m_quantity->setObjectName(QStringLiteral("quantity"));
    m_quantity->setRange(1, 1000000);
    m_quantity->setValue(1);
    quantityLabel->setBuddy(m_quantity);
    amounts->addWidget(quantityLabel);
    amounts->addWidget(m_quantity);
    amounts->addStretch();
    auto* durationLabel = new QLabel(tr("D&uration:"), this);
    durationLabel->setBuddy(m_days);
    form->addRow(durationLabel, amounts);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    m_add = new QPushButton(tr("&Add drug"), this);
    m_add->setObjectName(QStringLiteral("addDrug"));
    m_remove = new QPushButton(tr("Remove drug"), this);
    m_remove->setObjectName(QStringLiteral("removeDrug"));
    m_remove->setToolTip(tr("Remove the selected line (Delete)"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    layout->addLayout(buttons);
    m_error = makeErrorLabel(this, tr("Why the drug was not added"));
    m_error->setObjectName(QStringLiteral("drugError"));
    layout->addWidget(m_error);

    m_table = new QTableWidget(0, 5, this);
    m_table->setObjectName(QStringLiteral("prescriptionLines"));
    m_table->setAccessibleName(tr("Drugs prescribed"));
    m_table->setHorizontalHeaderLabels(
        {tr("Drug"), tr("Dose"), tr("Frequency"), tr("Days"), tr("Quantity")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->setMinimumHeight(90);
    layout->addWidget(m_table);

    connect(m_add, &QPushButton::clicked, this, &PrescriptionEditor::addLine);
    connect(m_remove, &QPushButton::clicked, this, &PrescriptionEditor::removeSelected);
    auto* del = new QShortcut(QKeySequence::Delete, m_table);
    del->setContext(Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &PrescriptionEditor::removeSelected);
    // Enter in the last fields adds the line: the keyboard never needs the mouse.
    for (QLineEdit* edit : {m_frequency, m_dose})
        connect(edit, &QLineEdit::returnPressed, this, &PrescriptionEditor::addLine);
    loadStock();
}

void PrescriptionEditor::loadStock()
{
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    delete m_request;
    m_stockStatus->setText(tr("Loading the formulary…"));
    protocol::StockListRequest request;
    request.includeEmpty = true; // an out-of-stock drug is shown as such, not hidden
    request.limit = 1000;
    m_request = bus::sendRequest(
        *connection, protocol::kStockList, request, this,
        [this](bus::Result<protocol::StockListReply> reply) {
            if (!reply) {
                m_stockStatus->setText(
                    tr("The formulary could not be loaded: %1").arg(userText(reply.error())));
                return;
            }
            struct Drug
            {
                QString name;
                QString unit;
                qint64 quantity = 0;
            };
            QMap<QString, Drug> drugs; // by code
            for (const protocol::StockItem& item : reply->items) {
                Drug& drug = drugs[item.drugCode];
                drug.name = item.drugName;
                drug.unit = item.unit;
                drug.quantity += item.quantity;
            }
            const QString typed = m_drug->currentText();
            m_drug->clear();
            QList<QPair<QString, QString>> sorted; // name, code
            for (auto it = drugs.cbegin(); it != drugs.cend(); ++it)
                sorted.append({it->name, it.key()});
            std::sort(sorted.begin(), sorted.end());
            for (const auto& [name, code] : sorted) {
                const Drug& drug = drugs.value(code);
                const QString stock =
                    drug.quantity > 0
                        ? tr("%1 %2 in stock").arg(drug.quantity).arg(drug.unit).trimmed()
                        : tr("out of stock");
                m_drug->addItem(tr("%1 — %2").arg(name, stock));
                m_drug->setItemData(m_drug->count() - 1, code, kCodeRole);
                m_drug->setItemData(m_drug->count() - 1, name, kNameRole);
            }
            m_drug->setCurrentIndex(-1);
            m_drug->setEditText(typed);
            m_stockStatus->setText(tr("%n drug(s) in the formulary.", nullptr, int(sorted.size())));
        });
}

QStringList PrescriptionEditor::drugChoices() const
{
    QStringList choices;
    for (int i = 0; i < m_drug->count(); ++i)
        choices << m_drug->itemText(i);
    return choices;
}

void PrescriptionEditor::setError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

bool PrescriptionEditor::addLine()
{
    // The typed text must name one formulary drug: the exact entry, or the only one containing it.
    const QString typed = m_drug->currentText().trimmed();
    int index = m_drug->findText(typed);
    if (index < 0 && !typed.isEmpty()) {
        for (int i = 0; i < m_drug->count(); ++i) {
            if (!m_drug->itemText(i).contains(typed, Qt::CaseInsensitive))
                continue;
            if (index >= 0) {
                index = -2; // more than one
                break;
            }
            index = i;
        }
    }
    if (index == -2) {
        setError(tr("Several drugs match \"%1\": choose one from the list.").arg(typed));
        m_drug->setFocus();
        return false;
    }
    if (index < 0) {
        setError(typed.isEmpty() ? tr("Choose a drug.")
                                 : tr("\"%1\" is not in the formulary: choose a drug from the "
                                      "list.")
                                       .arg(typed));
        m_drug->setFocus();
        return false;
    }
    if (m_dose->text().trimmed().isEmpty()) {
        setError(tr("Enter the dose."));
        m_dose->setFocus();
        return false;
    }
    if (m_frequency->text().trimmed().isEmpty()) {
        setError(tr("Enter how often to take it."));
        m_frequency->setFocus();
        return false;
    }
    protocol::PrescriptionLine line;
    line.drugCode = m_drug->itemData(index, kCodeRole).toString();
    line.drugName = m_drug->itemData(index, kNameRole).toString();
    line.dose = m_dose->text().trimmed();
    line.frequency = m_frequency->text().trimmed();
    line.durationDays = m_days->value();
    line.quantity = m_quantity->value();
    m_lines.append(line);
    setError({});
    showLines();
    m_drug->setCurrentIndex(-1);
    m_drug->clearEditText();
    m_dose->clear();
    m_frequency->clear();
    m_drug->setFocus(); // ready for the next drug
    Q_EMIT changed();
    return true;
}

void PrescriptionEditor::removeSelected()
{
    const int row = m_table->currentRow();
    if (row < 0 || row >= m_lines.size() || !m_remove->isEnabled())
        return;
    m_lines.removeAt(row);
    showLines();
    Q_EMIT changed();
}

void PrescriptionEditor::setLines(const QList<protocol::PrescriptionLine>& lines)
{
    m_lines = lines;
    setError({});
    showLines();
}

void PrescriptionEditor::setReadOnly(bool readOnly)
{
    for (QWidget* widget : std::initializer_list<QWidget*>{m_drug, m_dose, m_frequency, m_days,
                                                           m_quantity, m_add, m_remove})
        widget->setEnabled(!readOnly);
}

void PrescriptionEditor::showLines()
{
    m_table->setRowCount(int(m_lines.size()));
    for (int row = 0; row < m_lines.size(); ++row) {
        const protocol::PrescriptionLine& line = m_lines.at(row);
        const QStringList cells{line.drugName, line.dose, line.frequency,
                                QString::number(line.durationDays), QString::number(line.quantity)};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(row, column, new QTableWidgetItem(cells.at(column)));
    }
}

} // namespace openopd::app
