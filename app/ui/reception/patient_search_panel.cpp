#include "ui/reception/patient_search_panel.h"

#include "core/reception/patient_search_model.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace openopd::app {

PatientSearchPanel::PatientSearchPanel(Session& session, QWidget* parent) : QWidget(parent)
{
    Q_ASSERT(session.connection());
    m_model = new PatientSearchModel(*session.connection(), this);

    auto* label = new QLabel(tr("F&ind patient:"), this);
    m_field = new QLineEdit(this);
    m_field->setObjectName(QStringLiteral("patientSearch"));
    m_field->setPlaceholderText(tr("Name, phone, national id or MRN"));
    m_field->setAccessibleName(tr("Find patient"));
    m_field->setAccessibleDescription(
        tr("Type part of a name, a phone number, a national id or an MRN; press Down to move "
           "into the results and Enter to open a patient."));
    m_field->setClearButtonEnabled(true);
    m_field->setMaxLength(100);
    label->setBuddy(m_field);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("patientResults"));
    m_table->setAccessibleName(tr("Patients found"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(PatientSearchModel::NameColumn, QHeaderView::Stretch);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("patientSearchStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    row->addWidget(label);
    row->addWidget(m_field, 1);
    layout->addLayout(row);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);

    connect(m_field, &QLineEdit::textChanged, m_model, &PatientSearchModel::setQuery);
    connect(m_field, &QLineEdit::returnPressed, m_model, &PatientSearchModel::searchNow);
    connect(m_model, &PatientSearchModel::stateChanged, this, &PatientSearchPanel::showState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &PatientSearchPanel::showState);
    // Enter on a row, or a double-click (activated covers both).
    connect(m_table, &QAbstractItemView::activated, this,
            [this](const QModelIndex& index) { chooseRow(index.row()); });
    m_field->installEventFilter(this);
    m_table->installEventFilter(this);
    setFocusProxy(m_field);
    showState();
}

QString PatientSearchPanel::query() const
{
    return m_field->text().trimmed();
}

void PatientSearchPanel::focusSearch()
{
    m_field->setFocus(Qt::OtherFocusReason);
    m_field->selectAll();
}

void PatientSearchPanel::refresh()
{
    m_model->refresh();
}

QString PatientSearchPanel::statusText() const
{
    return m_status->text();
}

void PatientSearchPanel::showState()
{
    const QString text = m_model->statusText();
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    // A screen reader hears the state through the table's description.
    m_table->setAccessibleDescription(text);
}

void PatientSearchPanel::chooseRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    Q_EMIT patientChosen(m_model->patient(row));
}

void PatientSearchPanel::moveIntoResults()
{
    if (m_model->rowCount() == 0)
        return;
    m_table->setFocus(Qt::TabFocusReason);
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        m_table->setCurrentIndex(m_model->index(0, PatientSearchModel::NameColumn));
    m_table->selectRow(m_table->currentIndex().row());
}

bool PatientSearchPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto* key = static_cast<QKeyEvent*>(event);
    if (watched == m_field && (key->key() == Qt::Key_Down || key->key() == Qt::Key_PageDown)) {
        moveIntoResults();
        return true;
    }
    if (watched == m_table) {
        const bool atTop = m_table->currentIndex().row() <= 0;
        if (key->key() == Qt::Key_Escape || (key->key() == Qt::Key_Up && atTop)) {
            focusSearch();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace openopd::app
